/**
 * Finds and loads the native addon: TORCH_NODE_ADDON (an explicit path), then the local build (build/Release), then a
 * prebuild under prebuilds/<platform>-<arch>/<libtorch-version>-<flavour>/. A failure is explained (what was looked
 * for, what was found, what to do) instead of surfacing a raw dlopen error.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The package root (lib/ and dist/ both sit one level below it). */
export const packageRoot = path.resolve(__dirname, '..');

interface BuildInfo {
  libtorchVersion: string;
  flavour: string;
  cxx11Abi: boolean;
  napiVersion: number;
  libDir?: string;
}

function readJson(file: string): BuildInfo | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as BuildInfo;
  } catch {
    return null;
  }
}

/** Every place an addon may be, in the order they are tried. */
export function addonCandidates(): string[] {
  const out: string[] = [];
  if (process.env.TORCH_NODE_ADDON) out.push(path.resolve(process.env.TORCH_NODE_ADDON));
  out.push(path.join(packageRoot, 'build', 'Release', 'torch_node.node'));
  const preDir = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  if (fs.existsSync(preDir)) {
    for (const variant of fs.readdirSync(preDir).sort()) out.push(path.join(preDir, variant, 'torch_node.node'));
  }
  return out;
}

/** Explains a dlopen failure of the addon at `file` in terms a user can act on. */
export function explainLoadFailure(file: string, err: Error): string {
  const info = readJson(path.join(path.dirname(file), 'torch_node.json'));
  const lines = [`torch-node: could not load the native addon ${file}`, `  ${err.message.split('\n')[0]}`];
  const missing = err.message.match(/(lib[\w.+-]+\.so[\w.]*): cannot open shared object file/);
  if (info) {
    lines.push(
      `  it was built against libtorch ${info.libtorchVersion} (${info.flavour})${info.libDir ? ` in ${info.libDir}` : ''}`,
    );
  }
  if (missing) {
    lines.push(`  the library ${missing[1]} was not found: libtorch is not installed where the addon expects it.`);
  } else if (/undefined symbol/.test(err.message)) {
    lines.push('  a symbol is missing: the libtorch found at run time is not the one the addon was built against.');
  }
  lines.push(
    '  To fix: install that libtorch again (Debian: apt-get install libtorch-dev), or rebuild the addon against the',
    '  libtorch you have: TORCH_NODE_BUILD_FROM_SOURCE=1 npm rebuild torch-node (LIBTORCH=… or LIBTORCH_USE_PYTORCH=1',
    '  choose it; see README, "Installing").',
  );
  return lines.join('\n');
}

/** Loads the first addon that exists; throws an explained error when none loads. */
export function loadAddon(): unknown {
  const tried: string[] = [];
  for (const file of addonCandidates()) {
    if (!fs.existsSync(file)) {
      tried.push(`${file} (absent)`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file);
    } catch (e) {
      throw new Error(explainLoadFailure(file, e as Error));
    }
  }
  throw new Error(
    'torch-node: no native addon found. Looked for:\n  ' +
      tried.join('\n  ') +
      '\nRun `npm rebuild torch-node` (or `npm run build` in a checkout) to compile it against your libtorch.',
  );
}
