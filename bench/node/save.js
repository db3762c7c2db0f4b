'use strict';
// Node twin of bench/python/save.py: torch.save of a state dict held in memory to a path. `fsync` false asks for
// what Python's torch.save does (no sync); true is torch-node's default (atomic, file and folder synced).
const { execFileSync } = require('child_process');
const fs = require('fs');
const torch = require('torch-node');

class Save {
  setup(p) {
    const sd = new torch.OrderedDict();
    for (let i = 0; i < p.count; i++) sd.set(`layers.${i}.weight`, torch.rand([p.numel]));
    return { p, sd };
  }

  run(s) {
    torch.save(s.sd, s.p.target, { fsync: Boolean(s.p.fsync) });
  }

  after(s) {
    fs.unlinkSync(s.p.target);
    // Every round starts with nothing left to write back (a round's dirty pages would slow the next one's).
    execFileSync('sync');
  }

  teardown(s) {
    for (const v of s.sd.values()) v.dispose();
  }
}

module.exports = { Save };
