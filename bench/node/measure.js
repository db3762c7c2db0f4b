'use strict';
// The measuring loop of the Node twin, the same as bench/python/measure.py: per case, setup, untimed warm-up rounds,
// then rounds of `run` (wall and CPU time), `after` between rounds; the peak RSS over the whole case, counted from the
// process's resident size when the case starts (the kernel's high-water mark is reset then).
const fs = require('fs');

/** Makes the kernel's high-water mark of resident memory restart from the current size (Linux clear_refs 5). */
function resetPeakRss() {
  fs.writeFileSync('/proc/self/clear_refs', '5');
}

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Warm-up: at least `warmup` rounds, and more until they took WARMUP_MS (JIT tiers and caches settle), at most 50. */
const WARMUP_MS = 500;
const MAX_WARMUP = 50;

/** Runs one case; returns wall and CPU milliseconds per operation for each round, and the peak RSS in KiB. */
function measure(Case, params, warmup, rounds) {
  const c = new Case();
  global.gc();
  resetPeakRss();
  const state = c.setup(params);
  const perRound = c.repeat ? c.repeat(params) : 1;
  const wall = [];
  const cpu = [];
  const started = performance.now();
  let warmed = 0;
  while (wall.length < rounds) {
    const t = performance.now();
    const u = cpuMs();
    for (let k = 0; k < perRound; k++) c.run(state);
    const dt = performance.now() - t;
    const du = cpuMs() - u;
    const warming = warmed < warmup || (performance.now() - started < WARMUP_MS && warmed < MAX_WARMUP);
    if (warming) warmed++;
    else {
      wall.push(dt / perRound);
      cpu.push(du / perRound);
    }
    c.after(state);
  }
  const peakRssKiB = process.resourceUsage().maxRSS;
  c.teardown(state);
  return { wall, cpu, peakRssKiB };
}

module.exports = { measure };
