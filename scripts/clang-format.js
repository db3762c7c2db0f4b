#!/usr/bin/env node
'use strict';
// Runs clang-format over binding/: --check fails on any difference, otherwise files are rewritten.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const files = fs
  .readdirSync(path.join(root, 'binding'))
  .filter((f) => /\.(cc|h)$/.test(f))
  .map((f) => path.join('binding', f));
const check = process.argv.includes('--check');
const args = check ? ['--dry-run', '--Werror', ...files] : ['-i', ...files];
const r = spawnSync('clang-format', args, { cwd: root, stdio: 'inherit' });
if (r.error) {
  console.error(`clang-format not found (${r.error.message}); on Debian: apt-get install clang-format`);
  process.exit(1);
}
process.exit(r.status);
