/**
 * TorchScript archives (torch.jit.save; a zip with `constants.pkl`): read as inert data. `data.pkl` holds the module
 * tree (objects of `__torch__.*` classes with their attributes and tensors, storages under `data/`), `constants.pkl`
 * the tensors the code uses as constants (storages under `constants/`), `code/` the TorchScript source. Nothing is
 * compiled or run.
 */
import type { ZipArchive } from './zip-read';
import { archiveStorageContext, archiveVersion, zipStorageLoader, ZipLoadOptions } from './zip-checkpoint-read';
import { loadPickle } from './reconstruct';

/** What a TorchScript archive holds, as data. */
export class TorchScriptArchive {
  constructor(
    /** The module tree from data.pkl: PyObjects of `__torch__.*` classes, their state holding tensors. */
    readonly module: unknown,
    /** The tuple of constants from constants.pkl. */
    readonly constants: unknown,
    /** TorchScript source files by path under `code/` ('__torch__.py', …). */
    readonly code: ReadonlyMap<string, string>,
  ) {}
}

/** True when the archive is TorchScript (PyTorch's test: a `constants.pkl` record). */
export function isTorchScript(zip: ZipArchive): boolean {
  return zip.has('constants.pkl');
}

/** Loads a TorchScript archive's pickles and code as data. */
export function readTorchScript(
  zip: ZipArchive,
  opts: ZipLoadOptions,
): { value: TorchScriptArchive; protocol: number } {
  archiveVersion(zip);
  const ctx = archiveStorageContext(zip, opts);
  const read = (name: string, folder: string) => {
    const where = zip.recordWhere(name);
    return loadPickle(zip.read(name), 0, zipStorageLoader(zip, folder, ctx, where), opts, where);
  };
  const constants = read('constants.pkl', 'constants');
  const data = read('data.pkl', 'data');
  const code = new Map<string, string>();
  for (const r of zip.records) {
    if (r.name.startsWith('code/') && r.name.endsWith('.py'))
      code.set(r.name.slice(5), zip.readRecord(r).toString('utf8'));
  }
  return { value: new TorchScriptArchive(data.value, constants.value, code), protocol: data.protocol };
}
