/**
 * Checkpointer: the lesson's checkpoint routine as a small utility. Every `every` epochs it saves the lesson's dict
 * — `{model_state_dict, optimizer_state_dict, scheduler_state_dict, epoch}`, which PyTorch loads as is — to
 * `<dir>/checkpoint_<epoch>_epoch.pkl`, atomically (torch.save writes a temporary file and renames it, so a crash
 * never leaves a torn checkpoint), keeps the newest `keep` files, and resumes from the newest checkpoint that loads
 * (a damaged newest file is skipped with a warning, and the one before it is used).
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from './errors';
import { Module } from './nn/module';
import { Optimizer } from './optim/optimizer';
import { LRScheduler } from './optim/lr_scheduler';
import { load, loadAsync, save, saveAsync } from './serialization';

/** Where and how often checkpoints are written. */
export interface CheckpointerOptions {
  /** Folder of the checkpoint files (created when missing). */
  dir: string;
  /** Save after epochs where (epoch + 1) % every === 0, as the lesson's checkpoint_interval (default 1). */
  every?: number;
  /** How many of the newest checkpoint files to keep (default: all). */
  keep?: number;
}

/** What a checkpoint holds: the model, and the optimizer and scheduler when training resumes with them. */
export interface Trainables {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler;
}

/** A checkpoint file found in the folder. */
export interface CheckpointFile {
  epoch: number;
  path: string;
}

/** The checkpoint resumed from: its file, its epoch, and the whole loaded dict. */
export interface Resumed extends CheckpointFile {
  checkpoint: Map<unknown, unknown>;
}

const NAME = /^checkpoint_(\d+)_epoch\.pkl$/;

/** Periodic, atomic checkpoints with retention and resume. */
export class Checkpointer {
  readonly dir: string;
  readonly every: number;
  readonly keep: number;

  constructor(opts: CheckpointerOptions) {
    this.dir = opts.dir;
    this.every = opts.every ?? 1;
    this.keep = opts.keep ?? Infinity;
    if (!Number.isInteger(this.every) || this.every < 1) {
      throw new TorchError(`every must be a positive integer, got ${opts.every}`, 'ValueError');
    }
    if (this.keep !== Infinity && (!Number.isInteger(this.keep) || this.keep < 1)) {
      throw new TorchError(`keep must be a positive integer, got ${opts.keep}`, 'ValueError');
    }
  }

  /** The file of an epoch's checkpoint: `checkpoint_<epoch>_epoch.pkl`, the lesson's name. */
  pathFor(epoch: number): string {
    return path.join(this.dir, `checkpoint_${epoch}_epoch.pkl`);
  }

  /** Whether epoch (0-based) ends an interval. */
  isDue(epoch: number): boolean {
    return (epoch + 1) % this.every === 0;
  }

  /** The lesson's checkpoint dict for this epoch (plus any extra entries, after the lesson's). */
  static checkpointOf(epoch: number, parts: Trainables, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const dict: Record<string, unknown> = { model_state_dict: parts.model.stateDict() };
    if (parts.optimizer) dict.optimizer_state_dict = parts.optimizer.stateDict();
    if (parts.scheduler) dict.scheduler_state_dict = parts.scheduler.stateDict();
    dict.epoch = epoch;
    return { ...dict, ...extra };
  }

  /** Saves the epoch's checkpoint when the epoch is due; returns its path, or null when not due. */
  save(epoch: number, parts: Trainables, extra?: Record<string, unknown>): string | null {
    if (!this.isDue(epoch)) return null;
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.pathFor(epoch);
    save(Checkpointer.checkpointOf(epoch, parts, extra), file);
    this.prune();
    return file;
  }

  /** save(), with the file written off the main thread. */
  async saveAsync(epoch: number, parts: Trainables, extra?: Record<string, unknown>): Promise<string | null> {
    if (!this.isDue(epoch)) return null;
    await fs.promises.mkdir(this.dir, { recursive: true });
    const file = this.pathFor(epoch);
    await saveAsync(Checkpointer.checkpointOf(epoch, parts, extra), file);
    this.prune();
    return file;
  }

  /** The checkpoint files in the folder, oldest epoch first. */
  list(): CheckpointFile[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .map((n) => [n, NAME.exec(n)] as const)
      .filter(([, m]) => m !== null)
      .map(([n, m]) => ({ epoch: Number((m as RegExpExecArray)[1]), path: path.join(this.dir, n) }))
      .sort((a, b) => a.epoch - b.epoch);
  }

  /** Deletes all but the newest `keep` checkpoint files. */
  private prune(): void {
    const files = this.list();
    for (const f of files.slice(0, Math.max(0, files.length - this.keep))) fs.rmSync(f.path, { force: true });
  }

  /** The newest checkpoint that loads (CRC-32s checked), or null when there is none. */
  latest(): Resumed | null {
    for (const f of this.list().reverse()) {
      try {
        return { ...f, checkpoint: asMap(load(f.path, { checkCrc: true })) };
      } catch (e) {
        skipped(f, e);
      }
    }
    return null;
  }

  /** latest(), with the files read off the main thread. */
  async latestAsync(): Promise<Resumed | null> {
    for (const f of this.list().reverse()) {
      try {
        return { ...f, checkpoint: asMap(await loadAsync(f.path, { checkCrc: true })) };
      } catch (e) {
        skipped(f, e);
      }
    }
    return null;
  }

  /**
   * Loads the newest checkpoint that loads into the model (and optimizer and scheduler, when given and saved) and
   * returns it, or null when there is none: training then continues at `resumed.epoch + 1`.
   */
  resume(parts: Trainables): Resumed | null {
    const found = this.latest();
    if (found) Checkpointer.restore(found.checkpoint, parts);
    return found;
  }

  /** Puts a loaded checkpoint dict's states into the model, optimizer and scheduler. */
  static restore(checkpoint: Map<unknown, unknown>, parts: Trainables): void {
    const get = (key: string): Map<unknown, unknown> => {
      const v = checkpoint.get(key);
      if (!(v instanceof Map)) throw new TorchError(`the checkpoint has no '${key}'`, 'KeyError');
      return v;
    };
    parts.model.loadStateDict(get('model_state_dict') as Map<string, unknown>);
    if (parts.optimizer) parts.optimizer.loadStateDict(get('optimizer_state_dict'));
    if (parts.scheduler) parts.scheduler.loadStateDict(get('scheduler_state_dict'));
  }
}

function asMap(v: unknown): Map<unknown, unknown> {
  if (v instanceof Map) return v;
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v));
  throw new TorchError(`a checkpoint must be a dict, got ${typeof v}`, 'TypeError');
}

function skipped(f: CheckpointFile, e: unknown): void {
  process.emitWarning(`skipping checkpoint ${f.path}: ${(e as Error).message}`, 'CheckpointWarning');
}
