/** A Writable stream that keeps what it is given, for tests of writers that take streams. */
import { Writable } from 'stream';

export function collector(): Writable & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return Object.assign(w, { bytes: () => Buffer.concat(chunks) });
}
