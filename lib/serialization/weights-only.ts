/**
 * `weightsOnly: true`: the globals PyTorch 2.x's weights-only unpickler allows by default
 * (torch/_weights_only_unpickler.py, pytorch-format.md §5), the modules it always blocks, and its error wording.
 * The check is on names: a global outside this list stops the load before anything refers to it.
 */
import { DTYPES } from '../dtype';
import { loadError, LoadErrorCode, Where } from './load-errors';
import { STORAGE_CLASS } from './storage-types';

/** Modules refused even when the caller lists one of their names in safeGlobals. */
const BLOCKED_MODULES = new Set(['sys', 'os', 'posix', 'nt']);

/** Dtypes PyTorch 2.x allows by name beyond those torch-node has (newer ones: its files still name them). */
const NEWER_DTYPES = [
  'uint16',
  'uint32',
  'uint64',
  'float8_e5m2',
  'float8_e4m3fn',
  'float8_e5m2fnuz',
  'float8_e4m3fnuz',
  'float8_e8m0fnu',
  'float4_e2m1fn_x2',
  'bits1x8',
  'bits2x4',
  'bits4x2',
  'bits8',
  'bits16',
  ...[1, 2, 3, 4, 5, 6, 7].flatMap((n) => [`uint${n}`, `int${n}`]),
];

const TENSOR_TYPES = ['Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'];

function allowedByDefault(): Set<string> {
  const names = [
    'collections.OrderedDict',
    'collections.Counter',
    'torch.nn.parameter.Parameter',
    'torch.serialization._get_layout',
    'torch.Size',
    'torch.Tensor',
    'torch.device',
    '_codecs.encode',
    'builtins.bytearray',
    'builtins.set',
    'builtins.complex',
    'torch.per_tensor_affine',
    'torch.per_tensor_symmetric',
    'torch.per_channel_affine',
    'torch.per_channel_symmetric',
    'torch.per_channel_affine_float_qparams',
    'torch._tensor._rebuild_from_type_v2',
    'torch.UntypedStorage',
    'torch.storage.UntypedStorage',
    'torch.storage.TypedStorage',
  ];
  for (const f of [
    'parameter',
    'parameter_with_state',
    'qtensor',
    'tensor',
    'tensor_v2',
    'tensor_v3',
    'sparse_tensor',
    'meta_tensor_no_storage',
    'wrapper_subclass',
    'device_tensor_from_numpy',
    'device_tensor_from_cpu_tensor',
  ]) {
    names.push(`torch._utils._rebuild_${f}`);
  }
  for (const d of [...Object.keys(DTYPES), ...NEWER_DTYPES]) names.push(`torch.${d}`);
  for (const t of TENSOR_TYPES) {
    names.push(`torch.${t}Tensor`, `torch.cuda.${t}Tensor`, `torch.sparse.${t}Tensor`, `torch.cuda.sparse.${t}Tensor`);
  }
  for (const s of Object.values(STORAGE_CLASS)) names.push(`torch.${s}`, `torch.cuda.${s}`);
  return new Set(names);
}

const ALLOWED = allowedByDefault();

const RERUN =
  'Re-running `torch.load` with `weightsOnly` set to `false` will likely succeed, but it can result in arbitrary ' +
  'code execution. Do it only if you got the file from a trusted source.';

/** Throws UNSAFE, worded as PyTorch 2.x words it, unless module.name may be loaded under weightsOnly. */
export function checkWeightsOnlyGlobal(
  module: string,
  name: string,
  safeGlobals: ReadonlySet<string>,
  where: Where,
): void {
  const full = `${module}.${name}`;
  if (BLOCKED_MODULES.has(module)) {
    throw weightsOnlyError(`Trying to load unsupported GLOBAL ${full} whose module ${module} is blocked.`, where);
  }
  if (ALLOWED.has(full) || safeGlobals.has(full)) return;
  throw loadError(
    LoadErrorCode.UNSAFE,
    'Weights only load failed. This file can still be loaded, to do so you have two options, do those steps only ' +
      `if you trust the source of the checkpoint. \n\t(1) ${RERUN}\n\t(2) Alternatively, to load with ` +
      '`weightsOnly: true` please check the recommended steps in the following error message.\n\t' +
      `WeightsUnpickler error: Unsupported global: GLOBAL ${full} was not an allowed global by default. Please ` +
      `use the \`safeGlobals: ['${full}']\` option to allowlist this global if you trust this class/function.`,
    where,
  );
}

/** Any other refusal of the weights-only rules (a BUILD, an append, a persistent id it does not accept). */
export function weightsOnlyError(message: string, where: Where): Error {
  return loadError(
    LoadErrorCode.UNSAFE,
    `Weights only load failed. ${RERUN}\n WeightsUnpickler error: ${message}`,
    where,
  );
}
