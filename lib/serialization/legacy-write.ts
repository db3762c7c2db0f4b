/**
 * The legacy format (`torch.save(..., _use_new_zipfile_serialization=False)`, pytorch-format.md §3): five pickles
 * in a row (magic number, protocol version 1001, sys_info, the object, the sorted storage keys), then each storage
 * as its element count (int64, little-endian) and its raw bytes. Python names storages by their address
 * (str(storage._cdata)); this writer names them '0', '1', … in first-pickled order, which Python reads the same way.
 * Python also adds a ('module', class, source file, source) persistent id before the first instance of each
 * nn.Module class, which only feeds a source-change warning when loading; it is not written here.
 */
import { elementSize } from '../dtype';
import type { Segment } from '../native';
import { pickle, PickleProtocol } from './pickler';
import type { SavedStorage } from './torch-reduce';

/** torch.serialization.MAGIC_NUMBER and PROTOCOL_VERSION. */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** sys_info as Python writes it: 'long' is always 4 (struct.calcsize('=l')). */
function sysInfo(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['protocol_version', PROTOCOL_VERSION],
    ['little_endian', true],
    [
      'type_sizes',
      new Map([
        ['short', 2],
        ['int', 4],
        ['long', 4],
      ]),
    ],
  ]);
}

/** The whole legacy file as segments to write in order, given the object's pickle and its storages. */
export function legacySegments(
  objectPickle: Buffer,
  storages: readonly SavedStorage[],
  protocol: PickleProtocol,
): Segment[] {
  const sorted = [...storages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: Segment[] = [
    pickle(MAGIC_NUMBER, {}, protocol),
    pickle(PROTOCOL_VERSION, {}, protocol),
    pickle(sysInfo(), {}, protocol),
    objectPickle,
    pickle(
      sorted.map((s) => s.key),
      {},
      protocol,
    ),
  ];
  for (const s of sorted) {
    const numel = Buffer.alloc(8);
    numel.writeBigInt64LE(BigInt(s.nbytes / elementSize(s.dtype)));
    out.push(numel, s.bytes);
  }
  return out;
}
