/**
 * Byte-level encodings of pickle payloads as CPython writes them: str as UTF-8 with 'surrogatepass', ints as
 * minimal two's-complement bytes (LONG1/LONG4), and the growable buffer the pickler writes into.
 */

/** UTF-8 as Python's 'surrogatepass' writes it: a lone surrogate becomes its 3-byte form instead of U+FFFD. */
export function encodeSurrogatePass(s: string): Buffer {
  if (!/[\ud800-\udfff]/.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const paired = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (paired) {
      i++;
      continue;
    }
    parts.push(
      Buffer.from(s.slice(start, i), 'utf8'),
      Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]),
    );
    start = i + 1;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Minimal two's-complement little-endian bytes of n, as CPython's encode_long (LONG1/LONG4 payload). */
export function encodeLong(n: bigint): Buffer {
  if (n === 0n) return Buffer.alloc(0);
  const magnitude = n < 0n ? -n : n;
  const nbytes = Math.floor(magnitude.toString(2).length / 8) + 1;
  const out = Buffer.alloc(nbytes);
  let v = BigInt.asUintN(nbytes * 8, n);
  for (let i = 0; i < nbytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  // -(2**(8j-1)) is its own 256's complement: the extra sign byte is not needed.
  if (n < 0n && nbytes > 1 && out[nbytes - 1] === 0xff && (out[nbytes - 2] & 0x80) !== 0) return out.subarray(0, -1);
  return out;
}

/** A growable byte buffer. */
export class Sink {
  buf = Buffer.allocUnsafe(4096);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u16(v: number): void {
    this.reserve(2);
    this.length = this.buf.writeUInt16LE(v, this.length);
  }
  u32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeUInt32LE(v, this.length);
  }
  i32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32LE(v, this.length);
  }
  u64(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeBigUInt64LE(BigInt(v), this.length);
  }
  f64be(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeDoubleBE(v, this.length);
  }
  ascii(s: string): void {
    this.bytes(Buffer.from(s, 'latin1'));
  }
  take(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
