/**
 * Seeded inputs built the same way on both sides: `rn(seed, shape)` is `torch.manual_seed(seed); torch.randn(shape)`
 * in Python and in JS. PY_INPUTS defines the Python twins of the helpers below.
 */
import * as torch from '../../lib';

export const PY_INPUTS = `
nan, inf = float('nan'), float('inf')
def rn(seed, *shape, dtype=torch.float32):
    torch.manual_seed(seed)
    return torch.randn(*shape, dtype=dtype)
def pos(seed, *shape, dtype=torch.float32):
    return rn(seed, *shape, dtype=dtype).abs() + 0.1
def ri(seed, low, high, *shape, dtype=torch.int64):
    torch.manual_seed(seed)
    return torch.randint(low, high, shape, dtype=dtype)
`;

/** Standard normal values from a fresh seed. */
export function rn(seed: number, shape: number[], dtype: torch.DType = 'float32'): torch.Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype });
}

/** Positive values (|randn| + 0.1), for log, sqrt and division. */
export function pos(seed: number, shape: number[], dtype: torch.DType = 'float32'): torch.Tensor {
  return rn(seed, shape, dtype).abs().add(0.1);
}

/** Integers in [low, high) from a fresh seed. */
export function ri(
  seed: number,
  low: number,
  high: number,
  shape: number[],
  dtype: torch.DType = 'int64',
): torch.Tensor {
  torch.manualSeed(seed);
  return torch.randint(low, high, shape, { dtype });
}
