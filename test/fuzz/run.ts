/**
 * The fuzz loop: `npm run fuzz -- [--cases N] [--seed S] [--from I] [--time-limit-ms T] [--rss-limit-mb M]`.
 *
 * Case I of seed S is always the same file: the first cases cut every fixture at every boundary of its structure,
 * the rest are random mutants (mutate.ts) drawn from Rng.forCase(S, I). Every case must end as a load whose tensors
 * stay inside their storages, or as a TorchLoadError with a documented code (check.ts); no case may run over the
 * time limit or push the RSS over its limit (watchdog.ts kills the process, naming the case); the synthetic
 * os.system seeds must never create their canary file. Prints progress to stderr and a JSON summary to stdout;
 * exits 1 on any failure, printing how to replay it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FuzzFailure, Outcome, runCase } from './check';
import { Mutant, randomMutant, truncations } from './mutate';
import { Rng } from './rng';
import { loadSeeds, Seed } from './seeds';
import { Watchdog } from './watchdog';

interface RunOptions {
  cases: number;
  seed: number;
  from: number;
  timeLimitMs: number;
  rssLimitMb: number;
}

function parseArgs(argv: string[]): RunOptions {
  const o: RunOptions = { cases: 20000, seed: 1, from: 0, timeLimitMs: 5000, rssLimitMb: 2048 };
  const names: Record<string, keyof RunOptions> = {
    '--cases': 'cases',
    '--seed': 'seed',
    '--from': 'from',
    '--time-limit-ms': 'timeLimitMs',
    '--rss-limit-mb': 'rssLimitMb',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const v = Number(argv[i + 1]);
    if (!key || !Number.isInteger(v) || v < 0) {
      throw new Error(
        `usage: fuzz [--cases N] [--seed S] [--from I] [--time-limit-ms T] [--rss-limit-mb M] (at ${argv[i]})`,
      );
    }
    o[key] = v;
  }
  return o;
}

/** The case at `index`: a systematic cut of a fixture, or a random mutant. */
function caseAt(index: number, seeds: readonly Seed[], cuts: ReturnType<typeof truncations>, seed: number): Mutant {
  if (index < cuts.length) {
    const { seed: s, at } = cuts[index];
    return { bytes: s.bytes.subarray(0, at), options: s.options, label: `${s.name}: cut at ${at}` };
  }
  return randomMutant(seeds, Rng.forCase(seed, index));
}

/** Each unmutated seed gives what it promises (fixtures load; hostile seeds give their code). */
function checkSeeds(seeds: readonly Seed[]): string[] {
  const problems: string[] = [];
  for (const s of seeds) {
    let got: Outcome | string;
    try {
      got = runCase(s.bytes, s.options);
    } catch (e) {
      got = (e as Error).message;
    }
    const said = typeof got === 'string' ? got : got.loaded ? 'loads' : (got.code as string);
    if (said !== s.expect) problems.push(`seed ${s.name}: expected ${s.expect}, got ${said}`);
  }
  return problems;
}

interface Summary {
  seed: number;
  from: number;
  cases: number;
  systematic: number;
  seeds: number;
  loaded: number;
  refused: number;
  tensorsChecked: number;
  codes: Record<string, number>;
  /** Per code, how many of its errors named a record. */
  namingRecord: Record<string, number>;
  slowestMs: number;
  slowestCase: number;
  maxRssMb: number;
  seconds: number;
  failures: string[];
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const canary = path.join(os.tmpdir(), `tn-fuzz-canary-${process.pid}`);
  const started = Date.now();
  const seeds = loadSeeds(canary);
  const cuts = truncations(seeds);
  const failures = checkSeeds(seeds);
  const s: Summary = {
    seed: o.seed,
    from: o.from,
    cases: 0,
    systematic: cuts.length,
    seeds: seeds.length,
    loaded: 0,
    refused: 0,
    tensorsChecked: 0,
    codes: {},
    namingRecord: {},
    slowestMs: 0,
    slowestCase: -1,
    maxRssMb: 0,
    seconds: 0,
    failures,
  };
  const dog = new Watchdog({ seed: o.seed, timeLimitMs: o.timeLimitMs, rssLimitBytes: o.rssLimitMb * 1048576 });
  const end = o.from + o.cases;
  for (let i = o.from; i < end && s.failures.length < 20; i++) {
    const c = caseAt(i, seeds, cuts, o.seed);
    const t0 = performance.now();
    dog.start(i);
    try {
      const out = runCase(c.bytes, c.options);
      if (out.loaded) s.loaded++;
      else {
        s.refused++;
        const code = out.code as string;
        s.codes[code] = (s.codes[code] ?? 0) + 1;
        if (out.record) s.namingRecord[code] = (s.namingRecord[code] ?? 0) + 1;
      }
      s.tensorsChecked += out.tensors;
    } catch (e) {
      if (!(e instanceof FuzzFailure)) throw e;
      s.failures.push(`case ${i} (${c.label}): ${e.message}`);
      // Said at once too: a long run may be stopped before its summary.
      process.stderr.write(`fuzz: failure at case ${i} (${c.label}): ${e.message.split('\n')[0]}\n`);
    }
    dog.stop();
    const ms = performance.now() - t0;
    if (ms > s.slowestMs) [s.slowestMs, s.slowestCase] = [ms, i];
    s.cases++;
    if (s.cases % 500 === 0) s.maxRssMb = Math.max(s.maxRssMb, process.memoryUsage.rss() / 1048576);
    if (s.cases % 10000 === 0) {
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      process.stderr.write(`fuzz: ${s.cases}/${o.cases} cases, ${secs} s, ${s.failures.length} failures\n`);
    }
  }
  void dog.close();
  if (fs.existsSync(canary)) {
    s.failures.push(`a pickle ran code: ${canary} was created`);
    fs.rmSync(canary, { force: true });
  }
  s.maxRssMb = Math.round(Math.max(s.maxRssMb, process.memoryUsage.rss() / 1048576));
  s.slowestMs = Math.round(s.slowestMs);
  s.seconds = Math.round((Date.now() - started) / 1000);
  for (const f of s.failures) process.stderr.write(`fuzz: FAIL ${f}\n`);
  if (s.failures.length) {
    const first = /^case (\d+)/.exec(s.failures.find((f) => f.startsWith('case')) ?? '');
    if (first) process.stderr.write(`replay: npm run fuzz -- --seed ${o.seed} --from ${first[1]} --cases 1\n`);
  }
  process.stdout.write(JSON.stringify(s) + '\n');
  process.exitCode = s.failures.length ? 1 : 0;
}

main();
