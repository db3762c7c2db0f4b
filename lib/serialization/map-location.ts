/**
 * torch.load's map_location: where each storage goes, given the location tag the file gives it ('cpu', 'cuda:0', …).
 * The same four forms as PyTorch, with PyTorch's messages when a storage cannot go where it is asked to.
 */
import { Device } from '../device';
import { TorchTypeError } from '../errors';
import { native } from '../native';
import { Tensor, wrap } from '../tensor';
import { loadError, LoadErrorCode, Where } from './load-errors';

/**
 * Where storages go:
 * - a string ('cpu', 'cuda:1') or a Device: every storage goes there;
 * - an object or Map { from: to }: a storage tagged `from` goes to `to`, others where their tag says;
 * - a function (storage, location) => …: called with the storage (a 1-D CPU tensor over its bytes) and its tag; it
 *   returns the storage moved (a Tensor), or a location (string or Device), or null/undefined for the default.
 */
export type MapLocation =
  | string
  | Device
  | Record<string, string | Device>
  | Map<string, string | Device>
  | ((storage: Tensor, location: string) => Tensor | string | Device | null | undefined);

/** Moves one storage (a CPU tensor over its bytes) to where it belongs; returns it on that device. */
export type Restore = (storage: Tensor, location: string) => Tensor;

/** PyTorch's default: each storage goes where its tag says (cpu, or cuda:N when CUDA has device N). */
function restoreDefault(storage: Tensor, location: string, where: Where): Tensor {
  if (location === 'cpu') return storage;
  const cuda = /^cuda(?::(\d+))?$/.exec(location);
  if (cuda) {
    if (!native.cudaIsAvailable()) {
      throw loadError(
        LoadErrorCode.BAD_LOCATION,
        'Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. ' +
          'If you are running on a CPU-only machine, please use torch.load with ' +
          "map_location=torch.device('cpu') to map your storages to the CPU.",
        where,
      );
    }
    const index = cuda[1] === undefined ? 0 : Number(cuda[1]);
    const count = native.cudaDeviceCount();
    if (index >= count) {
      throw loadError(
        LoadErrorCode.BAD_LOCATION,
        `Attempting to deserialize object on CUDA device ${index} but torch.cuda.device_count() is ${count}. ` +
          'Please use torch.load with map_location to map your storages to an existing device.',
        where,
      );
    }
    // Straight from the file's pages to the GPU through pinned staging (no pageable host copy in between).
    return wrap(native.copyToDevice(storage._h, `cuda:${index}`));
  }
  throw loadError(
    LoadErrorCode.BAD_LOCATION,
    `don't know how to restore data location of torch.storage.UntypedStorage (tagged with ${location})`,
    where,
  );
}

/**
 * Where a mapLocation that is not a function sends a storage tagged `location` (checked here, so a wrong option
 * fails before any work).
 */
function destination(
  mapLocation: Exclude<MapLocation, (...args: never[]) => unknown> | null | undefined,
): (location: string) => string {
  if (mapLocation === undefined || mapLocation === null) return (loc) => loc;
  if (typeof mapLocation === 'string' || mapLocation instanceof Device) {
    const to = String(mapLocation);
    return () => to;
  }
  if (mapLocation instanceof Map || typeof mapLocation === 'object') {
    const table = mapLocation instanceof Map ? mapLocation : new Map(Object.entries(mapLocation));
    for (const v of table.values()) {
      if (typeof v !== 'string' && !(v instanceof Device)) {
        throw new TorchTypeError('mapLocation entries must map a location to a location (string or Device)');
      }
    }
    return (loc) => String(table.get(loc) ?? loc);
  }
  throw new TorchTypeError('mapLocation must be a string, a Device, a { from: to } object or Map, or a function');
}

/** Where a file's storages go under a mapLocation option (checked here, so a wrong option fails before any work). */
export interface Placement {
  /** Moves one storage to where it belongs. */
  restore: Restore;
  /** Which storage locations stay on the CPU as they are (restore returns the very same tensor). */
  keepsOnCpu: (location: string) => boolean;
}

/** The placement for a mapLocation option. */
export function placement(mapLocation: MapLocation | null | undefined, where: Where): Placement {
  if (typeof mapLocation === 'function') {
    const restore: Restore = (s, loc) => {
      const r = mapLocation(s, loc);
      if (r === null || r === undefined) return restoreDefault(s, loc, where);
      if (r instanceof Tensor) return r;
      if (typeof r === 'string' || r instanceof Device) return restoreDefault(s, String(r), where);
      throw new TorchTypeError('mapLocation function must return a Tensor, a location, or null');
    };
    return { restore, keepsOnCpu: () => false };
  }
  const to = destination(mapLocation);
  return { restore: (s, loc) => restoreDefault(s, to(loc), where), keepsOnCpu: (loc) => to(loc) === 'cpu' };
}
