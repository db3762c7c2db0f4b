/**
 * Seeding libtorch's generators. torch.manualSeed(s) seeds the very generator PyTorch uses, so the same seed and the
 * same sequence of random ops give Python's numbers.
 */
import { native } from './native';
import { Tensor, wrap } from './tensor';

/** Seeds every generator (CPU and each CUDA device), as torch.manual_seed. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** The seed of the CPU generator. */
export function initialSeed(): bigint {
  return native.initialSeed();
}

/** The CPU generator's state as a uint8 tensor (torch.get_rng_state). */
export function getRngState(): Tensor {
  return wrap(native.getRngState());
}

/** Restores the CPU generator from a state getRngState returned (torch.set_rng_state). */
export function setRngState(state: Tensor): void {
  native.setRngState(state._h);
}

/** Intra-op threads libtorch uses (torch.set_num_threads / get_num_threads). */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

/** The number of intra-op threads libtorch uses. */
export function getNumThreads(): number {
  return native.getNumThreads();
}
