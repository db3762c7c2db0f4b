/**
 * Byte-for-byte comparison of two PyTorch files with a message that says where they part (offset, and which zip
 * record holds it), so a failing parity test points at the difference.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';

/** The zip record whose local header is at or before offset (names are read from the local headers). */
function recordAt(bytes: Buffer, offset: number): string {
  let name = '(before the first record)';
  for (let i = bytes.indexOf('PK\x03\x04'); i >= 0 && i <= offset; i = bytes.indexOf('PK\x03\x04', i + 4)) {
    const len = bytes.readUInt16LE(i + 26);
    name = bytes.subarray(i + 30, i + 30 + len).toString('utf8');
  }
  return name;
}

/** Asserts that two files hold the same bytes. */
export function assertSameFile(expected: string, actual: string): void {
  const a = fs.readFileSync(expected);
  const b = fs.readFileSync(actual);
  if (a.equals(b)) return;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  assert.fail(
    `${actual} differs from ${expected} at byte ${i} (record ${recordAt(a, i)}; sizes ${b.length} vs ${a.length})`,
  );
}
