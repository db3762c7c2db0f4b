/**
 * `npm start`: the lesson, end to end, in TypeScript.
 *
 *  1. model_save / model_load: LeNet2 is printed, "trained" (initialize() fills 2020), saved whole (model.pkl) and as a
 *     state dict (model_state_dict.pkl), and both are loaded back.
 *  2. save_checkpoint: LeNet2 trains on Fashion-MNIST (SGD lr 0.01 momentum 0.9, StepLR step 6 gamma 0.1) with a
 *     checkpoint every 5 epochs, and breaks off after epoch 5 ("训练意外中断").
 *  3. checkpoint_resume: a fresh model, optimizer and scheduler resume from checkpoint_4_epoch.pkl as the lesson does
 *     (load the state dicts, `scheduler.last_epoch = start_epoch`), finish, and the test accuracy is reported.
 *
 * Every file is PyTorch's own format: README says how to open them in Python.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../lib';
import { batches, loadSplit, Split } from './fashion-mnist';
import { LessonOptions, parseOptions, USAGE } from './options';
import { ProgressBar } from './progress';

const { LeNet2 } = torch.models;

/** The lesson prints `net.features[0].weight[0, ...]`: the first kernel of the first convolution. */
function firstKernel(net: torch.models.LeNet2): string {
  return String((net.features[0] as torch.nn.Conv2d).weight.index(0, '...'));
}

/** Part 1: save the lesson's LeNet2 whole and as a state dict, and load both back. */
function saveAndLoad(out: string): void {
  const net = new LeNet2({ classes: 2019 });
  console.log(String(net));
  console.log('训练前 (before "training"): ', firstKernel(net));
  net.initialize();
  console.log('训练后 (after "training"): ', firstKernel(net));

  const pathModel = path.join(out, 'model.pkl');
  const pathStateDict = path.join(out, 'model_state_dict.pkl');
  torch.save(net, pathModel);
  torch.save(net.stateDict(), pathStateDict);
  console.log(`\nsaved the whole model to ${pathModel}\nsaved the state dict to ${pathStateDict}`);

  const netLoad = torch.load(pathModel) as torch.models.LeNet2;
  console.log(
    `\nloaded ${pathModel}: a ${netLoad.constructor.name}, features[0].weight[0, 0, 0] = ${(netLoad.features[0] as torch.nn.Conv2d).weight.index(0, 0, 0, 0).item()}`,
  );
  const stateDictLoad = torch.load(pathStateDict) as torch.nn.StateDict;
  console.log(`loaded ${pathStateDict}: keys ${[...stateDictLoad.keys()].join(', ')}`);
  const netNew = new LeNet2({ classes: 2019 });
  console.log('加载前 (before loading): ', firstKernel(netNew));
  netNew.loadStateDict(stateDictLoad);
  console.log('加载后 (after loading): ', firstKernel(netNew));
}

/** Everything one training run holds. */
interface Run {
  net: torch.models.LeNet2;
  optimizer: torch.optim.SGD;
  scheduler: torch.optim.lr_scheduler.StepLR;
}

/** A fresh LeNet2 for 10 classes with the lesson's loss, optimizer and scheduler. */
function newRun(device: string): Run {
  const net = new LeNet2({ classes: 10 }).to(device);
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const scheduler = new torch.optim.lr_scheduler.StepLR(optimizer, { stepSize: 6, gamma: 0.1 });
  return { net, optimizer, scheduler };
}

/** One epoch over the shuffled training images; returns mean loss and accuracy. */
function trainEpoch(run: Run, train: Split, opts: LessonOptions, epoch: number): void {
  const criterion = new torch.nn.CrossEntropyLoss();
  const steps = Math.ceil(train.labels.shape[0] / opts.batchSize);
  const bar = new ProgressBar(`epoch ${epoch + 1}/${opts.epochs}`, steps);
  run.net.train();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let step = 0;
  for (const [x, y] of batches(train, opts.batchSize, torch.randperm(train.labels.shape[0]))) {
    const inputs = x.to(opts.device);
    const labels = y.to(opts.device);
    const outputs = run.net.call(inputs);
    run.optimizer.zeroGrad();
    const loss = criterion.call(outputs, labels);
    loss.backward();
    run.optimizer.step();
    lossSum += (loss.item() as number) * labels.shape[0];
    correct += Number(outputs.argmax(1).eq(labels).sum().item());
    seen += labels.shape[0];
    bar.update(++step, `loss ${(lossSum / seen).toFixed(4)} acc ${((100 * correct) / seen).toFixed(2)}%`);
  }
  run.scheduler.step();
  bar.finish(
    `loss ${(lossSum / seen).toFixed(4)} acc ${((100 * correct) / seen).toFixed(2)}% lr ${run.optimizer.paramGroups[0].lr}`,
  );
}

/** The share of test images classified right. */
function testAccuracy(net: torch.models.LeNet2, test: Split, opts: LessonOptions): [number, number] {
  net.eval();
  let correct = 0;
  torch.noGrad(() => {
    for (const [x, y] of batches(test, 500)) {
      correct += Number(net.call(x.to(opts.device)).argmax(1).eq(y.to(opts.device)).sum().item());
    }
  });
  return [correct, test.labels.shape[0]];
}

function main(): void {
  let opts: LessonOptions | null;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts === null) {
    console.log(USAGE);
    return;
  }
  // Data and device first, so that a missing data set or an unusable device stops the demo before it starts.
  if (!fs.existsSync(path.join(opts.data, 'train-images-idx3-ubyte.gz'))) {
    throw new torch.TorchError(
      `no Fashion-MNIST in ${opts.data}: install Debian's dataset-fashion-mnist, or give --data DIR`,
    );
  }
  const train = loadSplit('train', opts.trainSize, opts.data);
  const test = loadSplit('t10k', opts.testSize, opts.data);
  torch.zeros([1], { device: opts.device });
  const out = opts.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'torch-node-lesson-'));
  fs.mkdirSync(out, { recursive: true });
  torch.manualSeed(opts.seed);

  console.log('== model_save.py / model_load.py ==');
  saveAndLoad(out);

  console.log('\n== save_checkpoint.py ==');
  console.log(
    `Fashion-MNIST: ${train.labels.shape[0]} training and ${test.labels.shape[0]} test images, ` +
      `batch ${opts.batchSize}, ${opts.epochs} epochs, device ${opts.device}`,
  );
  const checkpointer = new torch.Checkpointer({ dir: out, every: opts.checkpointInterval });
  const started = Date.now();
  let run = newRun(opts.device);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    trainEpoch(run, train, opts, epoch);
    const saved = checkpointer.save(epoch, { model: run.net, optimizer: run.optimizer, scheduler: run.scheduler });
    if (saved) console.log(`checkpoint: ${saved}`);
    if (epoch >= opts.interruptAfter && epoch < opts.epochs - 1) {
      console.log('训练意外中断... (training interrupted)');
      break;
    }
  }

  console.log('\n== checkpoint_resume.py ==');
  const latest = checkpointer.list().pop();
  if (!latest) throw new Error(`no checkpoint in ${out} to resume from (interrupted before the first one)`);
  run = newRun(opts.device);
  const checkpoint = torch.load(latest.path, { mapLocation: opts.device }) as Map<string, unknown>;
  run.net.loadStateDict(checkpoint.get('model_state_dict') as torch.nn.StateDict);
  run.optimizer.loadStateDict(checkpoint.get('optimizer_state_dict') as Map<unknown, unknown>);
  const startEpoch = checkpoint.get('epoch') as number;
  run.scheduler.lastEpoch = startEpoch;
  console.log(`resumed from ${path.basename(latest.path)} (epoch ${startEpoch})`);
  for (let epoch = startEpoch + 1; epoch < opts.epochs; epoch++) {
    trainEpoch(run, train, opts, epoch);
    const saved = checkpointer.save(epoch, { model: run.net, optimizer: run.optimizer, scheduler: run.scheduler });
    if (saved) console.log(`checkpoint: ${saved}`);
  }
  const seconds = (Date.now() - started) / 1000;

  const [correct, total] = testAccuracy(run.net, test, opts);
  console.log(`\ntraining took ${seconds.toFixed(1)} s`);
  console.log(`test accuracy: ${((100 * correct) / total).toFixed(2)}% (${correct}/${total})`);
  console.log(`files: ${out}`);
}

try {
  main();
} catch (e) {
  // Bad input (a CUDA device on a CPU-only build, a missing data set, …) ends with its message, not a stack trace.
  if (!(e instanceof torch.TorchError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
  console.error(`npm start: ${(e as Error).message}`);
  process.exit(1);
}
