'use strict';
// Node twin of bench/python/load.py: torch.load of a file (or of its bytes in memory), optionally checking every
// record's CRC-32 (checkCrc), optionally summing every tensor. The loaded tensors are disposed between rounds, as
// Python frees them when the last reference goes.
const fs = require('fs');
const torch = require('torch-node');

class Load {
  setup(p) {
    return { p, data: p.buffer ? fs.readFileSync(p.file) : null, sd: null };
  }

  run(s) {
    s.sd = torch.load(s.data ?? s.p.file, { checkCrc: Boolean(s.p.crc) });
    if (s.p.sum) for (const v of s.sd.values()) v.sum().item();
  }

  after(s) {
    for (const v of s.sd.values()) v.dispose();
    s.sd = null;
  }

  teardown(s) {
    s.data = null;
  }
}

module.exports = { Load };
