// `npm start` in miniature: the lesson's script (scripts/demo/lesson.ts) runs end to end on a few Fashion-MNIST images,
// 2 epochs with a checkpoint every epoch, interrupted after the first and resumed. Its Python twin
// (scripts/parity/lesson_fashion.py) does the same with PyTorch: the checkpoints must be the same bytes and the test
// accuracy the same; the model files must open in Python.
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PYTHON, runPython } from './helpers/python';
import { assertSameFile } from './helpers/same-file';
import { UNDER_ASAN } from './helpers/sanitizer';

const ROOT = path.join(__dirname, '..');
const TINY = [
  '--epochs',
  '2',
  '--train-size',
  '256',
  '--test-size',
  '200',
  '--batch-size',
  '32',
  '--checkpoint-interval',
  '1',
  '--interrupt-after',
  '0',
];

function lesson(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['-r', 'ts-node/register', 'scripts/demo/lesson.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
}

describe('npm start (the lesson, tiny)', function () {
  // Under the sanitizer build each child's exit alone takes about 3 minutes (LeakSanitizer's scan).
  this.timeout(UNDER_ASAN ? 1800000 : 180000);
  let dir = '';
  let out = '';
  let stdout = '';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tn-lesson-'));
    const r = lesson([...TINY, '--out', path.join(dir, 'node')]);
    assert.equal(r.status, 0, `lesson.ts failed: ${r.stderr}`);
    stdout = r.stdout as string;
    out = path.join(dir, 'node');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints LeNet2 as PyTorch prints the lesson's model", () => {
    const expected = runPython("exec(open('scripts/parity/lenet2.py').read())\nprint(LeNet2(classes=2019))", {
      cwd: ROOT,
    });
    assert.ok(stdout.includes(expected), `no LeNet2 repr in:\n${stdout.slice(0, 2000)}`);
  });

  it('saves, loads, trains, is interrupted, resumes and reports the test accuracy', () => {
    const order = [
      'saved the whole model to',
      'saved the state dict to',
      'loaded ',
      '加载后',
      'checkpoint_0_epoch.pkl',
      '训练意外中断',
      'resumed from checkpoint_0_epoch.pkl (epoch 0)',
      'checkpoint_1_epoch.pkl',
      'test accuracy: ',
    ];
    let at = 0;
    for (const text of order) {
      const i = stdout.indexOf(text, at);
      assert.ok(i >= 0, `'${text}' missing (or out of order) in the output`);
      at = i;
    }
    assert.deepEqual(fs.readdirSync(out).sort(), [
      'checkpoint_0_epoch.pkl',
      'checkpoint_1_epoch.pkl',
      'model.pkl',
      'model_state_dict.pkl',
    ]);
  });

  it('its checkpoints and test accuracy are those of the same lesson in PyTorch', () => {
    const py = path.join(dir, 'python');
    const report = execFileSync(PYTHON, ['scripts/parity/lesson_fashion.py', ...TINY, '--out', py], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assertSameFile(path.join(py, 'checkpoint_0_epoch.pkl'), path.join(out, 'checkpoint_0_epoch.pkl'));
    assertSameFile(path.join(py, 'checkpoint_1_epoch.pkl'), path.join(out, 'checkpoint_1_epoch.pkl'));
    const accuracy = (text: string): string => (/test accuracy: (.*)/.exec(text) as RegExpExecArray)[1];
    assert.equal(accuracy(stdout), accuracy(report));
  });

  it('its files open in Python: the whole model as __main__.LeNet2, the state dict, the checkpoint', () => {
    const result = runPython(
      `exec(open('scripts/parity/lenet2.py').read())
net = torch.load(${JSON.stringify(path.join(out, 'model.pkl'))})
sd = torch.load(${JSON.stringify(path.join(out, 'model_state_dict.pkl'))})
ck = torch.load(${JSON.stringify(path.join(out, 'checkpoint_1_epoch.pkl'))})
fresh = LeNet2(classes=10)
fresh.load_state_dict(ck['model_state_dict'])
print(json.dumps([type(net).__name__, all(bool((p == 2020).all()) for p in net.parameters()),
                  all(bool((v == 2020).all()) for v in sd.values()), list(ck.keys()), ck['epoch'],
                  ck['scheduler_state_dict']['last_epoch']]))`,
      { cwd: ROOT },
    );
    assert.deepEqual(JSON.parse(result), [
      'LeNet2',
      true,
      true,
      ['model_state_dict', 'optimizer_state_dict', 'scheduler_state_dict', 'epoch'],
      1,
      // The lesson resumes with scheduler.last_epoch = start_epoch (0) and steps once more: 1, not 2.
      1,
    ]);
  });

  it('a missing data set stops it at once with a message, status 1', () => {
    const r = lesson(['--data', path.join(dir, 'nowhere'), '--out', path.join(dir, 'unused')]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr as string,
      /^npm start: no Fashion-MNIST in .*nowhere: install Debian's dataset-fashion-mnist/,
    );
    assert.ok(!fs.existsSync(path.join(dir, 'unused')));
  });

  it('a bad option prints the usage and exits with status 2', () => {
    const r = lesson(['--epochs', 'many']);
    assert.equal(r.status, 2);
    assert.match(r.stderr as string, /--epochs must be an integer ≥ 1, got 'many'\nusage: npm start/);
  });
});
