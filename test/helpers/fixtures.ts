/**
 * The core fixtures (test/fixtures/core, written by scripts/fixtures/make_fixtures.py with real PyTorch) and their
 * recipes rebuilt in Node: the same tagged JSON the generator builds its Python objects from (see the generator's
 * docstring), so a test can save the Node object and compare bytes with Python's file.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib';
import {
  ByteArray,
  Float,
  FrozenSet,
  markFloat,
  OrderedDict,
  Size,
  TorchDtype,
  Tuple,
} from '../../lib/serialization/python';
import type { DType } from '../../lib/dtype';
import { runPython } from './python';

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures', 'core');

export interface FixtureCase {
  file: string;
  desc: string;
  sha256: string;
  size: number;
  save: { format: 'zip' | 'legacy'; protocol: 1 | 2 | 4; target: 'file' | 'stream'; location?: string };
  recipe: { program?: string; value?: unknown; defs?: Record<string, unknown>; [k: string]: unknown };
  python_only?: boolean;
}

/** Every case of the manifest, in its order. */
export function fixtureCases(): FixtureCase[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'manifest.json'), 'utf8')).cases;
}

export function fixturePath(c: FixtureCase): string {
  return path.join(FIXTURES_DIR, c.file);
}

type Tagged = { $?: string; [k: string]: unknown };

function isTagged(v: unknown): v is Tagged & { $: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '$' in v;
}

function floatValue(v: unknown): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A Python float that must stay a float in a slot: an integral value needs the slot marked. */
function isIntegralFloat(r: unknown): boolean {
  if (!isTagged(r) || r.$ !== 'float') return false;
  const v = floatValue(r.v);
  return Number.isInteger(v) && !Object.is(v, -0);
}

function buildTensor(r: Tagged): torch.Tensor {
  const shape = r.shape as number[];
  const numel = shape.reduce((a, b) => a * b, 1);
  let t: torch.Tensor;
  switch (r.init) {
    case 'arange':
      t = torch
        .arange(numel, { dtype: 'float64' })
        .mul((r.scale as number) ?? 1)
        .add((r.offset as number) ?? 0)
        .reshape(shape);
      break;
    case 'randn':
      torch.manualSeed(r.seed as number);
      t = torch.randn(shape);
      break;
    case 'zeros':
      t = torch.zeros(shape);
      break;
    case 'ones':
      t = torch.ones(shape);
      break;
    default:
      throw new Error(`unknown init ${String(r.init)}`);
  }
  t = t.to(r.dtype as DType);
  if (r.requires_grad) t.requiresGrad_(true);
  return t;
}

function applyView(t: torch.Tensor, op: unknown[]): torch.Tensor {
  const [name, ...args] = op as [string, ...number[]];
  switch (name) {
    case 'transpose':
      return t.transpose(args[0], args[1]);
    case 'narrow':
      return t.narrow(args[0], args[1], args[2]);
    case 'select':
      return t.select(args[0], args[1]);
    case 'view':
      return t.view(args[0] as unknown as number[]);
    case 'permute':
      return t.permute(args[0] as unknown as number[]);
    case 't':
      return t.t();
    case 'slice': {
      const [d, start, stop, step] = args;
      return t.index(...Array(d).fill(':'), `${start}:${stop}:${step}`);
    }
    default:
      throw new Error(`unknown view op ${name}`);
  }
}

/** Builds a container's items, marking the slots that hold integral floats. */
function item(container: object, slot: unknown, r: unknown, defs: Map<string, unknown>): unknown {
  if (isIntegralFloat(r)) {
    markFloat(container, slot);
    return floatValue((r as Tagged).v);
  }
  return build(r, defs);
}

/** A value that sits where no slot can be marked (a key, a set member, the top level): integral floats as Float. */
function loose(r: unknown, defs: Map<string, unknown>): unknown {
  return isIntegralFloat(r) ? new Float(floatValue((r as Tagged).v)) : build(r, defs);
}

/** Tagged JSON → the JS value torch.save takes for the Python object the generator built. */
export function build(r: unknown, defs: Map<string, unknown> = new Map()): unknown {
  if (r === null || typeof r === 'boolean' || typeof r === 'string' || typeof r === 'number') return r;
  if (Array.isArray(r)) {
    const list: unknown[] = [];
    r.forEach((x, i) => list.push(item(list, i, x, defs)));
    return list;
  }
  if (!isTagged(r)) {
    const d = new Map<string, unknown>();
    for (const [k, x] of Object.entries(r as object)) d.set(k, item(d, k, x, defs));
    return d;
  }
  switch (r.$) {
    case 'float':
      return floatValue(r.v);
    case 'int':
      return BigInt(r.v as string);
    case 'tuple': {
      const t = new Tuple<unknown>();
      (r.v as unknown[]).forEach((x, i) => t.push(item(t, i, x, defs)));
      return t;
    }
    case 'set':
    case 'frozenset': {
      const s = r.$ === 'set' ? new Set<unknown>() : new FrozenSet<unknown>();
      for (const x of r.v as unknown[]) s.add(loose(x, defs));
      return s;
    }
    case 'dict':
    case 'odict': {
      const d = r.$ === 'dict' ? new Map<unknown, unknown>() : new OrderedDict<unknown, unknown>();
      for (const [k, x] of r.v as [unknown, unknown][]) {
        const key = loose(k, defs);
        d.set(key, item(d, key, x, defs));
      }
      if (r.attributes && d instanceof OrderedDict) d.attributes = build(r.attributes, defs) as Map<string, unknown>;
      return d;
    }
    case 'bytes':
      return Buffer.from(r.hex as string, 'hex');
    case 'bytearray':
      return new ByteArray(Buffer.from(r.hex as string, 'hex'));
    case 'dtype':
      return new TorchDtype(r.v as DType);
    case 'device':
      return torch.parseDevice(r.v as string);
    case 'size':
      return Size.from(r.v as number[]);
    case 'tensor':
      return buildTensor(r);
    case 'view':
      return (r.ops as unknown[][]).reduce(
        (t: torch.Tensor, op) => applyView(t, op),
        build(r.of, defs) as torch.Tensor,
      );
    case 'param':
      return new torch.Parameter(build(r.data, defs) as torch.Tensor, r.requires_grad as boolean);
    case 'ref':
      return defs.get(r.id as string);
    default:
      throw new Error(`a ${r.$} cannot be built in Node`);
  }
}

/** The object of a value recipe ({value, defs}); program recipes (models, optimizers) are built by their tests. */
export function buildValueRecipe(recipe: FixtureCase['recipe']): unknown {
  const defs = new Map<string, unknown>();
  for (const [name, d] of Object.entries(recipe.defs ?? {})) defs.set(name, build(d, defs));
  return loose(recipe.value, defs);
}

/** A recipe saved by both sides: the file name decides the record prefix, `save` how Python's torch.save is called. */
export interface RecipeCase {
  file: string;
  recipe: FixtureCase['recipe'];
  save?: Partial<Omit<FixtureCase['save'], 'protocol'>> & { protocol?: 1 | 2 | 3 | 4; legacy_keys?: 'sequential' };
}

const GENERATOR_DIR = path.join(__dirname, '..', '..', 'scripts', 'fixtures');

/**
 * Has real PyTorch build each recipe (with the fixture generator's own code) and torch.save it into `dir` under the
 * case's file name. Runs one Python process for all cases.
 */
export function pythonSaveRecipes(cases: RecipeCase[], dir: string): void {
  runPython(
    `sys.path.insert(0, ${JSON.stringify(GENERATOR_DIR)})
import os, make_fixtures as mf
for case in json.load(sys.stdin):
    case['save'] = {'format': 'zip', 'protocol': 2, 'target': 'file', **case.get('save', {})}
    obj = mf.build_recipe(json.loads(json.dumps(case['recipe'])))
    mf.save_case(obj, case, os.path.join(${JSON.stringify(dir)}, case['file']))`,
    { input: JSON.stringify(cases) },
  );
}

type Recipe = FixtureCase['recipe'] & Record<string, number>;

function lenet2(r: Recipe): torch.models.LeNet2 {
  torch.manualSeed(r.seed);
  return new torch.models.LeNet2({ classes: r.classes });
}

/** The generator's train(): a seeded batch of 32×32 images, cross-entropy, `steps` optimizer (and scheduler) steps. */
function train(model: torch.models.LeNet2, opt: torch.optim.Optimizer, r: Recipe, scheduler?: { step(): void }): void {
  torch.manualSeed(r.data_seed);
  const x = torch.randn([r.batch, 3, 32, 32]);
  const y = torch.randint(0, r.classes, [r.batch]);
  const lossFn = new torch.nn.CrossEntropyLoss();
  for (let i = 0; i < r.steps; i++) {
    opt.zeroGrad();
    lossFn.call(model.call(x), y).backward();
    opt.step();
    scheduler?.step();
  }
}

/** The object of a program recipe, built with torch-node's nn, optim and models as the generator does in Python. */
export function buildProgramRecipe(recipe: FixtureCase['recipe']): unknown {
  const r = recipe as Recipe;
  switch (r.program) {
    case 'lenet2_state_dict':
      return lenet2(r).stateDict();
    case 'lenet2_module':
      return lenet2(r);
    case 'lenet2_checkpoint': {
      const model = lenet2(r);
      const opt = new torch.optim.SGD(model.parameters(), { lr: r.lr, momentum: r.momentum });
      train(model, opt, r);
      return { model_state_dict: model.stateDict(), optimizer_state_dict: opt.stateDict(), epoch: r.epoch };
    }
    case 'lenet2_adam_state_dict': {
      const model = lenet2(r);
      const opt = new torch.optim.Adam(model.parameters(), { lr: r.lr });
      train(model, opt, r);
      return opt.stateDict();
    }
    case 'lenet2_steplr_state_dict': {
      const model = lenet2(r);
      const opt = new torch.optim.SGD(model.parameters(), { lr: r.lr });
      const scheduler = new torch.optim.lr_scheduler.StepLR(opt, { stepSize: r.step_size, gamma: r.gamma });
      train(model, opt, r, scheduler);
      return scheduler.stateDict();
    }
    case 'linear_state_dict':
      torch.manualSeed(r.seed);
      return new torch.nn.Linear(r.in, r.out).stateDict();
    case 'sequential_module':
      torch.manualSeed(r.seed);
      return new torch.nn.Sequential(
        new torch.nn.Linear(r.in, r.hidden),
        new torch.nn.ReLU(),
        new torch.nn.Linear(r.hidden, r.out),
      );
    default:
      throw new Error(`unknown program ${String(r.program)}`);
  }
}

/** The object of any recipe: a value recipe or a program. */
export function buildRecipe(recipe: FixtureCase['recipe']): unknown {
  return recipe.program ? buildProgramRecipe(recipe) : buildValueRecipe(recipe);
}
