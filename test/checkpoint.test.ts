// The lesson's checkpoints against PyTorch 1.13: training LeNet2 for 3 epochs (SGD with momentum and StepLR, or Adam)
// on fixed batches written by Python gives byte-identical checkpoint files; a run interrupted after epoch 0 and
// resumed in a new Node process ends with the same bytes; resuming in Node from Python's checkpoint, and in Python
// from Node's, both continue identically. Then the Checkpointer: interval, retention, atomic files, resume.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { trainLesson } from './helpers/lesson-twin';
import { PYTHON } from './helpers/python';
import { assertSameFile } from './helpers/same-file';

const TWIN = path.join(__dirname, 'helpers', 'lesson-twin.ts');
const PY_TWIN = path.join(__dirname, '..', 'scripts', 'parity', 'lesson_train.py');

function python(args: string[]): void {
  execFileSync(PYTHON, [PY_TWIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The TypeScript twin in a new process (ts-node), as a restarted training would run. */
function nodeProcess(opts: object): void {
  execFileSync(process.execPath, ['-r', 'ts-node/register', TWIN, JSON.stringify(opts)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
}

describe('lesson checkpoints are the bytes PyTorch writes', function () {
  this.timeout(180000);
  let dir = '';
  let batches = '';
  const sub = (name: string): string => {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const last = (d: string): string => path.join(d, 'checkpoint_2_epoch.pkl');

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-ckpt-'));
    batches = path.join(dir, 'batches.pt');
    python(['batches', batches]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const optimizer of ['sgd', 'adam'] as const) {
    describe(optimizer === 'sgd' ? 'SGD with momentum and StepLR' : 'Adam and StepLR', () => {
      let pyRun = '';
      before(() => {
        pyRun = sub(`${optimizer}-python`);
        python(['train', '--optimizer', optimizer, '--batches', batches, '--out', pyRun]);
      });

      it('3 epochs give the same checkpoint after every epoch', () => {
        const out = sub(`${optimizer}-node`);
        trainLesson({ batches, out, optimizer });
        for (const epoch of [0, 1, 2]) {
          const name = `checkpoint_${epoch}_epoch.pkl`;
          assertSameFile(path.join(pyRun, name), path.join(out, name));
        }
      });

      it('interrupted after epoch 0 and resumed in a new process: the same final bytes', () => {
        const out = sub(`${optimizer}-interrupted`);
        trainLesson({ batches, out, optimizer, stopAfter: 0 });
        assert.ok(!fs.existsSync(path.join(out, 'checkpoint_1_epoch.pkl')));
        nodeProcess({ batches, out, optimizer, resume: path.join(out, 'checkpoint_0_epoch.pkl') });
        assertSameFile(last(pyRun), last(out));
      });

      it("Node resumes from Python's checkpoint and continues identically", () => {
        const out = sub(`${optimizer}-node-from-python`);
        trainLesson({ batches, out, optimizer, resume: path.join(pyRun, 'checkpoint_0_epoch.pkl') });
        assertSameFile(last(pyRun), last(out));
      });

      it("Python resumes from Node's checkpoint and continues identically", () => {
        const first = sub(`${optimizer}-node-epoch0`);
        trainLesson({ batches, out: first, optimizer, stopAfter: 0 });
        const out = sub(`${optimizer}-python-from-node`);
        const resume = path.join(first, 'checkpoint_0_epoch.pkl');
        python(['train', '--optimizer', optimizer, '--batches', batches, '--out', out, '--resume', resume]);
        assertSameFile(last(pyRun), last(out));
      });
    });
  }
});

describe('Checkpointer', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-checkpointer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function parts(seed = 1): torch.Trainables & { model: torch.nn.Linear } {
    torch.manualSeed(seed);
    const model = new torch.nn.Linear(3, 2);
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const scheduler = new torch.optim.lr_scheduler.StepLR(optimizer, { stepSize: 1 });
    return { model, optimizer, scheduler };
  }

  function trainStep(p: ReturnType<typeof parts>): void {
    p.model
      .call(torch.ones([4, 3]))
      .sum()
      .backward();
    p.optimizer?.step();
    p.scheduler?.step();
  }

  it("saves every N epochs under the lesson's names and keeps the newest K", () => {
    const ck = new torch.Checkpointer({ dir: path.join(dir, 'ckpt'), every: 2, keep: 2 });
    const p = parts();
    const saved = [0, 1, 2, 3, 4, 5, 6].map((epoch) => ck.save(epoch, p));
    assert.deepEqual(
      saved.map((f) => f && path.basename(f)),
      [null, 'checkpoint_1_epoch.pkl', null, 'checkpoint_3_epoch.pkl', null, 'checkpoint_5_epoch.pkl', null],
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, 'ckpt')).sort(), [
      'checkpoint_3_epoch.pkl',
      'checkpoint_5_epoch.pkl',
    ]);
  });

  it("writes atomically: no temporary files are left, and Python reads the lesson's dict", () => {
    const ck = new torch.Checkpointer({ dir });
    const p = parts();
    trainStep(p);
    const file = ck.save(0, p) as string;
    assert.deepEqual(fs.readdirSync(dir), ['checkpoint_0_epoch.pkl']);
    const keys = execFileSync(PYTHON, ['-c', `import torch; print(sorted(torch.load(${JSON.stringify(file)}).keys()))`])
      .toString()
      .trim();
    assert.equal(keys, "['epoch', 'model_state_dict', 'optimizer_state_dict', 'scheduler_state_dict']");
  });

  it('resumes from the newest checkpoint that loads, skipping a damaged one', async () => {
    const ck = new torch.Checkpointer({ dir });
    const p = parts();
    trainStep(p);
    ck.save(0, p);
    const weightAt0 = p.model.weight.clone();
    trainStep(p);
    const newest = ck.save(1, p) as string;
    fs.truncateSync(newest, 1000);
    const q = parts(2);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    const resumed = ck.resume(q);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^skipping checkpoint .*checkpoint_1_epoch\.pkl: /);
    assert.equal(resumed?.epoch, 0);
    assert.ok(q.model.weight.equal(weightAt0));
    assert.equal(q.scheduler?.lastEpoch, 1);
    assert.ok(q.optimizer?.state.get(q.model.weight)?.momentum_buffer instanceof torch.Tensor);
  });

  it('resume() without checkpoints returns null and changes nothing', async () => {
    const ck = new torch.Checkpointer({ dir: path.join(dir, 'none') });
    const p = parts();
    const before = p.model.weight.clone();
    assert.equal(ck.resume(p), null);
    assert.equal(await ck.latestAsync(), null);
    assert.ok(p.model.weight.equal(before));
  });

  it('saveAsync and latestAsync', async () => {
    const ck = new torch.Checkpointer({ dir });
    const p = parts();
    trainStep(p);
    assert.equal(await ck.saveAsync(4, p, { best_acc: 0.5 }), path.join(dir, 'checkpoint_4_epoch.pkl'));
    const latest = await ck.latestAsync();
    assert.equal(latest?.epoch, 4);
    assert.equal(latest?.checkpoint.get('best_acc'), 0.5);
    assert.deepEqual(
      [...(latest?.checkpoint.keys() ?? [])],
      ['model_state_dict', 'optimizer_state_dict', 'scheduler_state_dict', 'epoch', 'best_acc'],
    );
  });

  it('rejects a bad interval or retention', () => {
    assert.throws(() => new torch.Checkpointer({ dir, every: 0 }), /every must be a positive integer/);
    assert.throws(() => new torch.Checkpointer({ dir, keep: 0 }), /keep must be a positive integer/);
  });
});
