/**
 * torch.load's options and sources against Python: mapLocation in its four forms and PyTorch's CUDA message,
 * weightsOnly (what the allow-list accepts and refuses), a Buffer loaded in place, the mapped file copy-on-write,
 * mmap: false, checkCrc, storage sharing, and loadAsync.
 */
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as torch from '../lib';
import { native } from '../lib/native';
import { canonical, describe as describeValue, describeInPython } from './helpers/describe';
import { PickleBytes, writeArchives } from './helpers/craft';
import { runPython } from './helpers/python';

const CORE = join(__dirname, 'fixtures', 'core');
const READ = join(__dirname, 'fixtures', 'read');
const CUDA_FILE = join(CORE, 'cuda0_tagged.pt');
const MIXED = join(READ, 'locations_mixed.pt');
const STATE_DICT = join(CORE, 'lenet2_c2_state_dict.pt');
const VIEWS = join(CORE, 'views_shared.pt');

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function loadError(fn: () => unknown): torch.TorchLoadError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof torch.TorchLoadError, `expected a TorchLoadError, got ${String(e)}`);
    return e;
  }
  return assert.fail('expected a TorchLoadError');
}

/** What Python's torch.load raises for a file (one-line message), with the given keyword arguments. */
function pythonError(file: string, kwargs: string): string {
  return runPython(
    `try:\n    torch.load(${JSON.stringify(file)}${kwargs ? ', ' + kwargs : ''})\n    print('loaded')\nexcept Exception as e:\n    print(str(e))`,
  ).trim();
}

describe('load: mapLocation', function () {
  this.timeout(60000);

  it("a cuda:0 tag without CUDA throws PyTorch's own message", function () {
    const e = loadError(() => torch.load(CUDA_FILE));
    assert.equal(e.code, 'BAD_LOCATION');
    const python = pythonError(CUDA_FILE, '');
    assert.ok(python.startsWith('Attempting to deserialize object on a CUDA device'), python);
    assert.ok(e.message.startsWith(python), `${e.message}\n!=\n${python}`);
  });

  it('a string, a Device, an object, a Map and a function all put the storages where Python puts them', function () {
    const python = describeInPython([MIXED], ['--map-location', 'cpu'])[MIXED];
    assert.ok('value' in python);
    const expected = canonical(python.value);
    const forms: torch.MapLocation[] = [
      'cpu',
      new torch.Device('cpu'),
      { 'cuda:1': 'cpu' },
      new Map([['cuda:1', 'cpu']]),
      (storage: torch.Tensor, location: string) => (location.startsWith('cuda') ? storage : null),
      () => 'cpu',
    ];
    for (const mapLocation of forms) {
      assert.deepEqual(canonical(describeValue(torch.load(MIXED, { mapLocation }))), expected, String(mapLocation));
    }
  });

  it('a mapping that leaves a cuda tag in place fails as in Python; an unknown location names its tag', function () {
    assert.equal(loadError(() => torch.load(MIXED, { mapLocation: { 'cuda:0': 'cpu' } })).code, 'BAD_LOCATION');
    const e = loadError(() => torch.load(MIXED, { mapLocation: 'xyz' }));
    assert.ok(e.message.startsWith(pythonError(MIXED, "map_location='xyz'")), e.message);
  });

  it('the function gets each storage on the CPU, with its tag, in the order the pickle names them', function () {
    const seen: [string, string, number][] = [];
    torch.load(MIXED, {
      mapLocation: (s, loc) => {
        seen.push([loc, s.device, native.storageNbytes(s._h)]);
        return s;
      },
    });
    // Python calls map_location(storage, location) with the same tags in the same order.
    const python = JSON.parse(
      runPython(
        `seen = []\ntorch.load(${JSON.stringify(MIXED)}, map_location=lambda s, loc: seen.append([loc, str(s.device), s.nbytes()]) or s)\nprint(json.dumps(seen))`,
      ),
    ) as [string, string, number][];
    assert.deepEqual(seen, python);
  });

  it('rejects a mapLocation of the wrong type before reading anything', function () {
    assert.throws(() => torch.load(MIXED, { mapLocation: 42 as never }), torch.TorchTypeError);
  });
});

describe('load: weightsOnly', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tn-wo-'));
    const system = new PickleBytes().proto(2).global('posix', 'system').str('echo pwned').raw(0x85).reduce().stop();
    const foreign = new PickleBytes().proto(2).global('read_fixture_classes', 'Point').emptyTuple().reduce().stop();
    writeArchives([
      { path: join(dir, 'system.pt'), records: [['data.pkl', system.bytes()]] },
      { path: join(dir, 'foreign.pt'), records: [['data.pkl', foreign.bytes()]] },
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads state dicts and checkpoints as without it', function () {
    for (const f of [STATE_DICT, join(CORE, 'lenet2_checkpoint.pt'), join(CORE, 'lenet2_adam.pt')]) {
      assert.deepEqual(describeValue(torch.load(f, { weightsOnly: true })), describeValue(torch.load(f)));
    }
    // Python 1.13 agrees on a state dict (it lacks BINFLOAT, so files with floats need 2.x).
    const py = describeInPython([STATE_DICT], ['--weights-only'])[STATE_DICT];
    assert.ok('value' in py);
    assert.deepEqual(canonical(describeValue(torch.load(STATE_DICT, { weightsOnly: true }))), canonical(py.value));
  });

  it('refuses a pickle naming os.system, as PyTorch does, and never calls it', function () {
    const file = join(dir, 'system.pt');
    const e = loadError(() => torch.load(file, { weightsOnly: true }));
    assert.equal(e.code, 'UNSAFE');
    assert.match(e.message, /^Weights only load failed\./);
    assert.match(e.message, /Trying to load unsupported GLOBAL posix\.system whose module posix is blocked\./);
    assert.match(pythonError(file, 'weights_only=True'), /^Weights only load failed/);
    // Without weightsOnly it is inert data: the call is recorded, not made.
    const inert = torch.load<torch.PyObject>(file);
    assert.ok(inert instanceof torch.PyObject);
    assert.equal(inert.cls.qualname, 'posix.system');
    assert.deepEqual([...inert.args], ['echo pwned']);
  });

  it('names a global outside the allow-list, and accepts it when listed in safeGlobals', function () {
    const file = join(dir, 'foreign.pt');
    const e = loadError(() => torch.load(file, { weightsOnly: true }));
    assert.equal(e.code, 'UNSAFE');
    assert.match(e.message, /Unsupported global: GLOBAL read_fixture_classes\.Point was not an allowed global/);
    const ok = torch.load<torch.PyObject>(file, { weightsOnly: true, safeGlobals: ['read_fixture_classes.Point'] });
    assert.equal(ok.cls.qualname, 'read_fixture_classes.Point');
  });

  it('refuses a whole module and a TorchScript archive', function () {
    const e = loadError(() => torch.load(join(CORE, 'lenet2_module.pt'), { weightsOnly: true }));
    assert.match(e.message, /GLOBAL __main__\.LeNet2 was not an allowed global/);
    assert.match(
      pythonError(join(CORE, 'lenet2_module.pt'), 'weights_only=True'),
      /Unsupported class __main__\.LeNet2/,
    );
    assert.equal(
      loadError(() => torch.load(join(READ, 'torchscript_traced.pt'), { weightsOnly: true })).code,
      'UNSAFE',
    );
  });
});

describe('load: sources, sharing and copy-on-write', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'tn-src-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tensors that shared a storage in Python share one after loading: views stay views', function () {
    const sd = torch.load<Map<string, torch.Tensor>>(VIEWS);
    const tensors = [...sd.values()].filter((v) => v instanceof torch.Tensor);
    const ids = new Set(tensors.map((t) => native.storageId(t._h)));
    assert.ok(ids.size < tensors.length, 'some tensors share a storage');
    const first = tensors[0];
    const sibling = tensors.find((t) => t !== first && native.storageId(t._h) === native.storageId(first._h));
    assert.ok(sibling, 'a second view of the first storage');
    const before = sibling.toBuffer();
    first.fill_(42);
    assert.notDeepEqual(sibling.toBuffer(), before, 'a write through one view shows in the other');
  });

  it('writing to a tensor loaded from the mapped file never changes the file (copy-on-write)', function () {
    const file = join(dir, 'cow.pt');
    copyFileSync(STATE_DICT, file);
    const hash = sha(file);
    const sd = torch.load<Map<string, torch.Tensor>>(file);
    for (const t of sd.values()) t.fill_(7);
    assert.equal(sha(file), hash);
    const again = torch.load<Map<string, torch.Tensor>>(file);
    assert.notEqual((again.values().next().value as torch.Tensor).flatten().index(0).item(), 7);
  });

  it('a Buffer is used in place: its bytes are the tensors’ memory', function () {
    const bytes = readFileSync(join(CORE, 'tensor_randn.pt'));
    const t = torch.load<torch.Tensor>(bytes);
    const first = t.toBuffer().subarray(0, 4);
    const at = bytes.indexOf(first);
    assert.ok(at > 0);
    bytes.writeFloatLE(123.5, at);
    assert.equal(t.flatten().index(0).item(), 123.5);
    // A Uint8Array over the same memory works too.
    const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(torch.load<torch.Tensor>(u8).flatten().index(0).item(), 123.5);
  });

  it('mmap: false reads the file and gives the same values', function () {
    assert.deepEqual(describeValue(torch.load(STATE_DICT, { mmap: false })), describeValue(torch.load(STATE_DICT)));
  });

  it('a missing file is a TorchLoadError with the OS error as its cause', function () {
    const e = loadError(() => torch.load(join(dir, 'nope.pt')));
    assert.equal(e.code, 'FILE_ERROR');
    assert.equal((e as { cause?: { code?: string } }).cause?.code, 'ENOENT');
  });

  it('checkCrc finds a flipped byte that a plain load (like PyTorch) does not', function () {
    const file = join(dir, 'flipped.pt');
    const bytes = readFileSync(join(CORE, 'tensor_randn.pt'));
    const t = torch.load<torch.Tensor>(bytes);
    const at = bytes.indexOf(t.toBuffer().subarray(0, 4));
    bytes[at] ^= 0xff;
    writeFileSync(file, bytes);
    assert.ok(torch.load(file) instanceof torch.Tensor);
    assert.equal(pythonError(file, ''), 'loaded');
    const e = loadError(() => torch.load(file, { checkCrc: true }));
    assert.equal(e.code, 'BAD_CRC');
    assert.match(e.message, /record 'data\/0'/);
  });
});

describe('load: loadAsync', function () {
  this.timeout(60000);

  it('gives what load gives, mapped or read, with or without checkCrc', async function () {
    const expected = describeValue(torch.load(STATE_DICT));
    for (const options of [{}, { mmap: false }, { checkCrc: true }, { checkCrc: true, mmap: false }]) {
      assert.deepEqual(describeValue(await torch.loadAsync(STATE_DICT, options)), expected, JSON.stringify(options));
    }
    assert.deepEqual(describeValue(await torch.loadAsync(readFileSync(STATE_DICT))), expected);
  });

  it('rejects with TorchLoadError', async function () {
    await assert.rejects(torch.loadAsync(join(tmpdir(), 'tn-missing.pt')), (e: unknown) => {
      return e instanceof torch.TorchLoadError && e.code === 'FILE_ERROR';
    });
    await assert.rejects(torch.loadAsync(CUDA_FILE), (e: unknown) => e instanceof torch.TorchLoadError);
  });
});
