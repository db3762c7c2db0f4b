'use strict';
// One Node process of the benchmark: runs the cases the runner (bench/run.ts) names, in order, and prints their
// measurements as one line of JSON. Each case class has a Python twin of the same name in bench/python/. Plain
// JavaScript over the built package (require('torch-node')), as a user runs it: no TypeScript compiler in memory.
const { LeNet } = require('./lenet');
const { Load } = require('./load');
const { measure } = require('./measure');
const { Save } = require('./save');

const CASES = { load: Load, save: Save, lenet: LeNet };

function main(spec) {
  const out = {};
  for (const c of spec.cases) out[c.id] = measure(CASES[c.kind], c.params, spec.warmup, spec.rounds);
  console.log(JSON.stringify(out));
}

main(JSON.parse(process.argv[2]));
