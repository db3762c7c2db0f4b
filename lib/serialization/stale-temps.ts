/**
 * Temporary files left by atomic saves that were killed. An atomic save writes `.<name>.tmp-<pid>-<n>` beside its
 * target (binding/io.cc names them) and renames it over the target; a process killed before the rename (SIGKILL,
 * power loss) leaves that file behind. The next atomic save of the same target removes such files whose process
 * is gone, so at most the file of the save that was interrupted last ever lingers.
 */
import { promises as fsp, readdirSync, unlinkSync } from 'fs';
import * as path from 'path';

/** Escapes a file name for use inside a regular expression. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The pattern of the temporary files of atomic saves to `target`; group 1 is the writer's pid. */
export function tempFilePattern(target: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.tmp-(\\d+)-\\d+$`);
}

/** True when no process with this id runs on this machine (kill(pid, 0) says ESRCH). */
function isDead(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The stale temporary files of `target` among a folder's entries, as full paths. */
function staleAmong(target: string, entries: string[]): string[] {
  const pattern = tempFilePattern(target);
  const dir = path.dirname(target);
  return entries.flatMap((e) => {
    const m = pattern.exec(e);
    return m && isDead(Number(m[1])) ? [path.join(dir, e)] : [];
  });
}

/**
 * Removes the temporary files that killed atomic saves to `target` left beside it (those whose writing process no
 * longer runs on this machine). Best effort: a folder that cannot be listed, or a file that another process removes
 * first, is not an error. Returns the paths removed.
 */
export function removeStaleTemps(target: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(path.dirname(target));
  } catch {
    return [];
  }
  return staleAmong(target, entries).filter((f) => {
    try {
      unlinkSync(f);
      return true;
    } catch {
      // Already gone (another save cleaned it), or not ours to remove: either way nothing to do.
      return false;
    }
  });
}

/** {@link removeStaleTemps} with the folder listing and removals off the main thread. */
export async function removeStaleTempsAsync(target: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fsp.readdir(path.dirname(target));
  } catch {
    return [];
  }
  const stale = staleAmong(target, entries);
  const removed = await Promise.all(
    stale.map((f) =>
      fsp.unlink(f).then(
        () => f,
        () => null,
      ),
    ),
  );
  return removed.filter((f): f is string => f !== null);
}
