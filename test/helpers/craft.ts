/**
 * Crafting checkpoint files for load tests: pickle byte streams assembled opcode by opcode (to say exactly what a
 * hostile or unusual file says), and archives written by PyTorch's own zip writer (torch._C.PyTorchFileWriter, run in
 * the Python oracle) so that the container is PyTorch's, not ours.
 */
import { execFileSync } from 'child_process';
import { PYTHON } from './python';

/** Assembles a pickle opcode by opcode. */
export class PickleBytes {
  private parts: Buffer[] = [];

  raw(...bytes: (number | Buffer | string)[]): this {
    for (const b of bytes) {
      if (typeof b === 'number') this.parts.push(Buffer.from([b]));
      else if (typeof b === 'string') this.parts.push(Buffer.from(b, 'latin1'));
      else this.parts.push(b);
    }
    return this;
  }
  proto(n = 2): this {
    return this.raw(0x80, n);
  }
  mark(): this {
    return this.raw(0x28);
  }
  global(module: string, name: string): this {
    return this.raw('c', `${module}\n${name}\n`);
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return this.raw(0x58, len, b);
  }
  int(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.raw(0x4a, b);
  }
  ints(ns: number[]): this {
    this.mark();
    for (const n of ns) this.int(n);
    return this.tuple();
  }
  tuple(): this {
    return this.raw(0x74);
  }
  bool(v: boolean): this {
    return this.raw(v ? 0x88 : 0x89);
  }
  none(): this {
    return this.raw(0x4e);
  }
  reduce(): this {
    return this.raw(0x52);
  }
  emptyTuple(): this {
    return this.raw(0x29);
  }
  persid(): this {
    return this.raw(0x51);
  }
  stop(): this {
    return this.raw(0x2e);
  }
  /** ('storage', torch.<cls>, key, location, numel) BINPERSID */
  storage(cls: string, key: string, location: string, numel: number): this {
    this.mark().str('storage').global('torch', cls).str(key).str(location).int(numel).tuple();
    return this.persid();
  }
  /** _rebuild_tensor_v2(storage(...), offset, size, stride, False, OrderedDict()) */
  tensorV2(
    s: { cls?: string; key?: string; location?: string; numel: number },
    offset: number,
    size: number[],
    stride: number[],
  ): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.storage(s.cls ?? 'FloatStorage', s.key ?? '0', s.location ?? 'cpu', s.numel);
    this.int(offset).ints(size).ints(stride).bool(false);
    this.global('collections', 'OrderedDict').emptyTuple().reduce();
    return this.tuple().reduce();
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** An archive to write: its path and records (name inside the archive folder → bytes); `version` is added. */
export interface ArchiveSpec {
  path: string;
  records: [string, Buffer][];
}

/** Writes the archives with PyTorch's writer (one Python process for all). */
export function writeArchives(specs: ArchiveSpec[]): void {
  const code = [
    'import sys, json, torch',
    'for spec in json.loads(sys.stdin.read()):',
    "    w = torch._C.PyTorchFileWriter(spec['path'])",
    "    for name, data in spec['records']:",
    '        b = bytes.fromhex(data)',
    '        w.write_record(name, b, len(b))',
    '    w.write_end_of_file()',
  ].join('\n');
  const input = JSON.stringify(
    specs.map((s) => ({ path: s.path, records: s.records.map(([n, b]) => [n, b.toString('hex')]) })),
  );
  execFileSync(PYTHON, ['-c', code], { input, stdio: ['pipe', 'pipe', 'pipe'] });
}
