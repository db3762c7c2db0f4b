/**
 * The TypeScript twin of scripts/parity/lesson_train.py: the lesson's training loop with a checkpoint after every
 * epoch, on the fixed batches Python wrote. Same model, seed, loss, optimizer, scheduler and checkpoint dict, so the
 * two must write byte-identical checkpoint files. Run directly it is a child process that resumes, as an interrupted
 * training restarted in a new process would:
 *
 *   node -r ts-node/register test/helpers/lesson-twin.ts '{"batches": "...", "out": "...", "resume": "..."}'
 */
import * as path from 'path';
import * as torch from '../../lib';

export interface TwinOptions {
  /** The batches file written by `lesson_train.py batches`. */
  batches: string;
  /** Folder for checkpoint_<epoch>_epoch.pkl. */
  out: string;
  optimizer?: 'sgd' | 'adam';
  epochs?: number;
  classes?: number;
  /** A checkpoint to continue after. */
  resume?: string;
  /** Stop after this epoch, as an interruption would. */
  stopAfter?: number;
}

/** Trains as lesson_train.py does and writes the same checkpoints. */
export function trainLesson(opts: TwinOptions): void {
  const data = torch.load(opts.batches) as Map<string, torch.Tensor>;
  const xs = data.get('x') as torch.Tensor;
  const ys = data.get('y') as torch.Tensor;
  torch.manualSeed(1);
  const net = new torch.models.LeNet2({ classes: opts.classes ?? 10 });
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer =
    (opts.optimizer ?? 'sgd') === 'sgd'
      ? new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 })
      : new torch.optim.Adam(net.parameters(), { lr: 0.001 });
  const scheduler = new torch.optim.lr_scheduler.StepLR(optimizer, { stepSize: 2, gamma: 0.1 });
  let startEpoch = -1;
  if (opts.resume) {
    const checkpoint = torch.load(opts.resume) as Map<string, unknown>;
    net.loadStateDict(checkpoint.get('model_state_dict') as Map<string, unknown>);
    optimizer.loadStateDict(checkpoint.get('optimizer_state_dict') as Map<unknown, unknown>);
    scheduler.loadStateDict(checkpoint.get('scheduler_state_dict') as Map<unknown, unknown>);
    startEpoch = checkpoint.get('epoch') as number;
  }
  for (let epoch = startEpoch + 1; epoch < (opts.epochs ?? 3); epoch++) {
    net.train();
    for (let i = 0; i < xs.shape[0]; i++) {
      const outputs = net.call(xs.index(i));
      optimizer.zeroGrad();
      const loss = criterion.call(outputs, ys.index(i));
      loss.backward();
      optimizer.step();
    }
    scheduler.step();
    const checkpoint = {
      model_state_dict: net.stateDict(),
      optimizer_state_dict: optimizer.stateDict(),
      scheduler_state_dict: scheduler.stateDict(),
      epoch,
    };
    torch.save(checkpoint, path.join(opts.out, `checkpoint_${epoch}_epoch.pkl`));
    if (opts.stopAfter !== undefined && epoch >= opts.stopAfter) break;
  }
}

if (require.main === module) trainLesson(JSON.parse(process.argv[2]) as TwinOptions);
