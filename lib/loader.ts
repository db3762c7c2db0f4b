/**
 * Finds and loads the native addon, in this order: TORCH_NODE_ADDON (an explicit path), the local build
 * (build/Release), the prebuild the install step chose (build/prebuild.json), any other prebuild for this platform.
 * Before loading, it checks that the libtorch where the addon expects it is the version the addon was built for
 * (torch_node.json beside the addon); after loading, that the libtorch the dynamic linker mapped is. Every failure is
 * explained (what was found, what was expected, what to do) instead of surfacing a raw dlopen error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from './errors';

/** The package root (lib/ and dist/ both sit one level below it). */
export const packageRoot = path.resolve(__dirname, '..');

/** What an addon was built against: torch_node.json beside it (scripts/lib/build-info.js writes it). */
export interface AddonBuildInfo {
  libtorchVersion: string;
  flavour: string;
  cxx11Abi: boolean;
  napiVersion: number;
  libtorchSource?: string;
  libDir?: string;
}

/** Why the addon could not be loaded. `code` is stable: a program may test it. */
export type AddonLoadCode = 'ADDON_NOT_FOUND' | 'LIBTORCH_MISMATCH' | 'LIBRARY_MISSING' | 'ADDON_LOAD_FAILED';

/** The native addon could not be found or loaded; the message says what to do. */
export class AddonLoadError extends TorchError {
  code: AddonLoadCode;
  constructor(code: AddonLoadCode, message: string) {
    super(message, 'ImportError');
    this.name = 'AddonLoadError';
    this.code = code;
  }
}

/** One place an addon may be: its file, how it got there, what it was built for, where its libtorch should be. */
export interface AddonCandidate {
  file: string;
  origin: 'TORCH_NODE_ADDON' | 'local build' | 'prebuild';
  info: AddonBuildInfo | null;
  /** Where the libtorch it needs is on this machine: the install step's finding for a prebuild, else the build's. */
  libDir: string | null;
}

/** The libtorch in one directory, as far as cheap file checks tell. */
export interface LibtorchFacts {
  libDir: string;
  present: boolean;
  version: string | null;
  cuda: boolean;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readJson<T>(file: string): T | null {
  const text = readText(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Looks at the libtorch in `libDir` without loading it. The version comes from, in order: a versioned file name
 * (Debian: libtorch_cpu.so.1.13.0), `build-version` beside lib/ (pytorch.org's libtorch archives), `version.py`
 * beside lib/ (a pip-installed torch).
 */
export function inspectLibtorch(libDir: string): LibtorchFacts {
  let entries: string[];
  try {
    entries = fs.readdirSync(libDir);
  } catch {
    return { libDir, present: false, version: null, cuda: false };
  }
  const present = entries.some((n) => /^libtorch_cpu\.so(\.\d+)*$/.test(n));
  const named = entries.map((n) => n.match(/^libtorch_cpu\.so\.(\d+\.\d+\.\d+)$/)).find((m) => m);
  const buildVersion = readText(path.join(libDir, '..', 'build-version'));
  const versionPy = readText(path.join(libDir, '..', 'version.py'))?.match(/__version__\s*=\s*['"]([^'"+]+)/);
  const version = named?.[1] ?? buildVersion?.trim().split('+')[0] ?? versionPy?.[1] ?? null;
  return {
    libDir,
    present,
    version: present ? version : null,
    cuda: entries.some((n) => /^libtorch_cuda\.so/.test(n)),
  };
}

/** The directory of the libtorch_cpu this process has mapped (Linux), or null. */
export function loadedLibtorchDir(): string | null {
  const maps = process.platform === 'linux' ? readText('/proc/self/maps') : null;
  const m = maps?.match(/ (\/\S*\/)libtorch_cpu\.so[\d.]*$/m);
  return m ? path.resolve(m[1]) : null;
}

/** Every addon that exists, in the order they are tried (the first one found decides; see {@link loadAddon}). */
export function addonCandidates(root = packageRoot, env: NodeJS.ProcessEnv = process.env): AddonCandidate[] {
  const at = (file: string, origin: AddonCandidate['origin'], libDir?: string): AddonCandidate => {
    const info = readJson<AddonBuildInfo>(path.join(path.dirname(file), 'torch_node.json'));
    return { file, origin, info, libDir: libDir ?? info?.libDir ?? null };
  };
  if (env.TORCH_NODE_ADDON) return [at(path.resolve(env.TORCH_NODE_ADDON), 'TORCH_NODE_ADDON')];
  const out: AddonCandidate[] = [];
  const local = path.join(root, 'build', 'Release', 'torch_node.node');
  if (fs.existsSync(local)) out.push(at(local, 'local build'));
  const record = readJson<{ addon: string; libtorch: { libDir: string } }>(path.join(root, 'build', 'prebuild.json'));
  const chosen = record && path.resolve(root, record.addon);
  if (chosen && fs.existsSync(chosen)) out.push(at(chosen, 'prebuild', record.libtorch.libDir));
  const preDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  const variants = fs.existsSync(preDir) ? fs.readdirSync(preDir).sort() : [];
  const others = variants.map((v) => path.join(preDir, v, 'torch_node.node')).filter((f) => f !== chosen);
  // Without an install record (npm install --ignore-scripts), prefer the prebuild whose libtorch is where it expects.
  const unrecorded = others.filter((f) => fs.existsSync(f)).map((f) => at(f, 'prebuild'));
  const fits = (c: AddonCandidate) => c.libDir !== null && mismatch(c, inspectLibtorch(c.libDir)) === null;
  return [...out, ...unrecorded.filter(fits), ...unrecorded.filter((c) => !fits(c))];
}

function builtFor(info: AddonBuildInfo): string {
  return `libtorch ${info.libtorchVersion} (${info.flavour})`;
}

// Why the libtorch described by `facts` is not the one `c` was built for, or null when it is (or cannot be told).
function mismatch(c: AddonCandidate, facts: LibtorchFacts): string | null {
  if (!c.info || !facts.present) return null;
  const found = `${facts.version ?? 'of an unknown version'} (${facts.cuda ? 'with CUDA' : 'CPU only'})`;
  const wantsCuda = /^cu/.test(c.info.flavour);
  const kindDiffers = (wantsCuda && !facts.cuda) || (c.info.flavour === 'cpu' && facts.cuda);
  if ((facts.version && facts.version !== c.info.libtorchVersion) || kindDiffers) {
    return `the ${c.origin} ${c.file} was built for ${builtFor(c.info)}, but the libtorch in ${facts.libDir} is ${found}.`;
  }
  return null;
}

// How to get back the libtorch an addon was built for, by where it came from.
function reinstallHint(info: AddonBuildInfo | null): string {
  if (!info) return 'install the libtorch it was built against again';
  const v = info.libtorchVersion;
  if (info.libtorchSource === 'LIBTORCH_USE_PYTORCH') return `pip install torch==${v} (the ${info.flavour} build)`;
  if (info.libtorchSource === 'LIBTORCH') return `unpack libtorch ${v} (${info.flavour}) again and set LIBTORCH to it`;
  if (info.libtorchSource === 'system')
    return `reinstall the system's libtorch ${v} (Debian: apt-get install libtorch-dev)`;
  return `install ${builtFor(info)} again`;
}

function toFix(c: AddonCandidate, extra: string[] = []): string[] {
  const rebuild =
    c.origin === 'local build'
      ? 'rebuild the addon against the libtorch you have: npm run build:native (in a checkout) or npm rebuild torch-node'
      : 'rebuild the addon against the libtorch you have: npm rebuild torch-node (TORCH_NODE_BUILD_FROM_SOURCE=1 forces a compile)';
  return [
    '  To fix, either:',
    `  - ${rebuild};`,
    `  - or ${reinstallHint(c.info)}${extra.length ? ';' : '.'}`,
    ...extra.map((e, i) => `  - or ${e}${i === extra.length - 1 ? '.' : ';'}`),
    '  LIBTORCH=… or LIBTORCH_USE_PYTORCH=1 choose the libtorch to build against (README, "Installing").',
  ];
}

/** Explains a dlopen failure of the addon `c` in terms a user can act on. */
export function explainLoadFailure(c: AddonCandidate, err: Error): AddonLoadError {
  const first = err.message.split('\n')[0];
  const built = c.info ? `, built for ${builtFor(c.info)}${c.libDir ? ` in ${c.libDir}` : ''}` : '';
  const lines = [`torch-node: could not load the ${c.origin} ${c.file}${built}:`, `  ${first}`];
  const missing = first.match(/(lib[\w.+-]+\.so[\w.]*): cannot open shared object file/);
  const facts = c.libDir ? inspectLibtorch(c.libDir) : null;
  if (missing) {
    lines.push(
      `  The library ${missing[1]} was not found by the dynamic linker: libtorch is not where the addon expects it.`,
    );
    if (facts && !facts.present) lines.push(`  ${c.libDir} holds no libtorch now.`);
    const extra = c.libDir && facts?.present ? [`let the dynamic linker find it: LD_LIBRARY_PATH=${c.libDir}`] : [];
    return new AddonLoadError('LIBRARY_MISSING', [...lines, ...toFix(c, extra)].join('\n'));
  }
  if (/undefined symbol/.test(first)) {
    lines.push('  A symbol is missing: the libtorch loaded is not the one the addon was built against.');
    return new AddonLoadError('LIBTORCH_MISMATCH', [...lines, ...toFix(c)].join('\n'));
  }
  return new AddonLoadError('ADDON_LOAD_FAILED', [...lines, ...toFix(c)].join('\n'));
}

/**
 * Loads the addon: the first candidate found (see {@link addonCandidates}). Throws {@link AddonLoadError} when none
 * exists, when its libtorch is another version than it was built for, or when it does not load.
 */
export function loadAddon(root = packageRoot, env: NodeJS.ProcessEnv = process.env): unknown {
  const [c] = addonCandidates(root, env);
  if (!c) {
    throw new AddonLoadError(
      'ADDON_NOT_FOUND',
      [
        `torch-node: no native addon found under ${root}. Looked for:`,
        `  ${path.join(root, 'build', 'Release', 'torch_node.node')} (compiled by the install step)`,
        `  ${path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, '*', 'torch_node.node')} (prebuilt)`,
        '  To fix: run `npm rebuild torch-node` (in a checkout: `npm run build`) to compile it against your libtorch;',
        '  an install with --ignore-scripts skips that step.',
      ].join('\n'),
    );
  }
  const before = c.libDir ? mismatch(c, inspectLibtorch(c.libDir)) : null;
  if (before) throw new AddonLoadError('LIBTORCH_MISMATCH', [`torch-node: ${before}`, ...toFix(c)].join('\n'));
  let addon: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(c.file);
  } catch (e) {
    throw explainLoadFailure(c, e as Error);
  }
  const loaded = loadedLibtorchDir();
  const expected = c.libDir && fs.existsSync(c.libDir) ? fs.realpathSync(c.libDir) : null;
  if (loaded && fs.realpathSync(loaded) !== expected) {
    const after = mismatch(c, inspectLibtorch(loaded));
    if (after) {
      const why = `  The dynamic linker loaded libtorch from ${loaded} (LD_LIBRARY_PATH or the system's library paths).`;
      throw new AddonLoadError('LIBTORCH_MISMATCH', [`torch-node: ${after}`, why, ...toFix(c)].join('\n'));
    }
  }
  return addon;
}
