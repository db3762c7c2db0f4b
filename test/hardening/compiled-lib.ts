/**
 * lib/ transpiled to plain JavaScript in a temporary folder, for the hardening tests' child processes: a child that
 * is killed or swept many times should start in a fraction of a second, not spend seconds in ts-node each time.
 * Children load it with TORCH_NODE_ADDON pointing at the addon this process uses.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { native } from '../../lib/native';

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the transpiled lib lives and the environment its children need. */
export interface CompiledLib {
  /** The folder to require (its index.js is lib/index.ts). */
  dir: string;
  /** The environment for a child: this process's, with TORCH_NODE_ADDON set to the addon in use. */
  env: NodeJS.ProcessEnv;
  /** Removes the folder. */
  remove(): void;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The path of the addon this process loaded (the one the children must load too). */
function addonPath(): string {
  const loaded = process.env.TORCH_NODE_ADDON;
  if (loaded) return path.resolve(loaded);
  // Touching the native surface loads the addon; the module cache then names its file.
  void native.build;
  const file = Object.keys(require.cache).find((k) => k.endsWith('.node') && k.includes('torch_node'));
  if (!file) throw new Error('the torch-node addon is not loaded in this process');
  return file;
}

/** Transpiles lib/ (types stripped, nothing checked) into a fresh temporary folder. */
export function compileLib(): CompiledLib {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-lib-'));
  const libDir = path.join(ROOT, 'lib');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
  };
  for (const file of tsFiles(libDir)) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
    const dest = path.join(out, path.relative(libDir, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js.outputText);
  }
  return {
    dir: out,
    env: { ...process.env, TORCH_NODE_ADDON: addonPath() },
    remove: () => fs.rmSync(out, { recursive: true, force: true }),
  };
}
