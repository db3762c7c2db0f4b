'use strict';
// Node twin of bench/python/lenet.py: LeNet2 either training (forward, cross-entropy, zeroGrad, backward, SGD step
// with momentum) or running forward only under noGrad, on one fixed batch.
const torch = require('torch-node');

class LeNet {
  setup(p) {
    torch.manualSeed(0);
    const net = new torch.models.LeNet2({ classes: 10 });
    return {
      p,
      net,
      opt: new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 }),
      crit: new torch.nn.CrossEntropyLoss(),
      x: torch.randn([p.batch, 3, 32, 32]),
      y: torch.randint(0, 10, [p.batch]),
    };
  }

  repeat(p) {
    return p.steps;
  }

  run(s) {
    if (s.p.mode === 'train') {
      const loss = s.crit.call(s.net.call(s.x), s.y);
      s.opt.zeroGrad();
      loss.backward();
      s.opt.step();
    } else {
      torch.noGrad(() => s.net.call(s.x));
    }
  }

  after() {}

  teardown() {}
}

module.exports = { LeNet };
