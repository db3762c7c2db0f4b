/**
 * Devices as PyTorch spells them ('cpu', 'cuda', 'cuda:1'), and the `torch.cuda` namespace.
 */
import { inspect } from 'util';
import { TorchError, TorchTypeError } from './errors';
import { native } from './native';

/** A parsed device: `type` and optional `index`, printed as PyTorch prints it. */
export class Device {
  constructor(
    public readonly type: string,
    public readonly index: number | null = null,
  ) {}
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
}

/** A device as a string ('cpu', 'cuda:1') or a parsed Device. */
export type DeviceLike = string | Device;

/**
 * Parses 'cpu', 'cuda', 'cuda:1' (or a Device) as torch.device does: libtorch's own parser, so the accepted forms and
 * the messages ("Invalid device string: 'cuda:x'") are PyTorch's.
 */
export function parseDevice(d: DeviceLike): Device {
  if (d instanceof Device) return d;
  if (typeof d !== 'string') {
    throw new TorchTypeError(`expected a device string such as 'cpu' or 'cuda:0', got ${inspect(d)}`);
  }
  const [type, index] = native.parseDevice(d);
  return new Device(type, index);
}

/**
 * Checks that a device can hold tensors in this build, with PyTorch's messages: a CUDA device in a CPU-only build
 * raises "Torch not compiled with CUDA enabled".
 */
export function checkDevice(d: DeviceLike): string {
  const dev = parseDevice(d);
  if (dev.type === 'cuda') {
    if (!native.cudaIsAvailable()) {
      if (native.build.flavour === 'cpu')
        throw new TorchError('Torch not compiled with CUDA enabled', 'AssertionError');
      throw new TorchError(
        'Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from ' +
          'http://www.nvidia.com/Download/index.aspx',
      );
    }
    const count = native.cudaDeviceCount();
    if (dev.index !== null && dev.index >= count) {
      throw new TorchError(`CUDA error: invalid device ordinal (device ${dev.index}, ${count} available)`);
    }
  } else if (dev.type !== 'cpu') {
    throw new TorchError(`device type '${dev.type}' is not supported by this build of torch-node`);
  }
  return dev.toString();
}

/** `torch.cuda`: availability, device count, synchronisation. */
export const cuda = {
  /** True when this build has CUDA and a GPU is present. */
  isAvailable(): boolean {
    return native.cudaIsAvailable();
  },
  /** Number of visible GPUs (0 without CUDA). */
  deviceCount(): number {
    return native.cudaDeviceCount();
  },
  /** Waits for all work queued on a device (the current one by default). */
  synchronize(device?: DeviceLike | number): void {
    const index = typeof device === 'number' ? device : device === undefined ? null : parseDevice(device).index;
    checkDevice(index === null ? 'cuda' : `cuda:${index}`);
    native.cudaSynchronize(index);
  },
  /** Seeds every GPU's generator (torch.manual_seed already does). */
  manualSeedAll(seed: number | bigint): void {
    native.manualSeed(seed);
  },
};

/** `torch.backends`: cuDNN switches. */
export const backends = {
  cudnn: {
    get deterministic(): boolean {
      return native.getCudnn('deterministic');
    },
    set deterministic(on: boolean) {
      native.setCudnn('deterministic', on);
    },
    get benchmark(): boolean {
      return native.getCudnn('benchmark');
    },
    set benchmark(on: boolean) {
      native.setCudnn('benchmark', on);
    },
    get enabled(): boolean {
      return native.getCudnn('enabled');
    },
    set enabled(on: boolean) {
      native.setCudnn('enabled', on);
    },
  },
};
