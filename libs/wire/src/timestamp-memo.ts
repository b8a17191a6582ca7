// Series scraped together carry the very same timestamps (every series of one scrape, of
// one agent's collection), so their chunks of one window start their timestamp columns
// with the same bytes. Decoding is a function of the bytes it consumes and the sample
// count alone, so a column whose bytes equal a column decoded a moment ago decodes to the
// same timestamps: they are copied instead of unpacked again, which halves the work of
// reading a host's many series. A few recent columns are remembered per sample count.

import type { BitReader } from './bit-reader.ts';
import type { ByteReader } from './byte-buffer.ts';
import { readTimestamps } from './timestamp-column.ts';

/** Columns this short (regular scrapes: a few bytes) are decoded as fast as compared. */
const MIN_BYTES = 16;
/** Columns remembered per sample count: one per chunk window of a typical query range. */
const PER_COUNT = 16;

interface Column {
  bytes: Uint8Array;
  timestamps: Float64Array;
}

const recent = new Map<number, Column[]>();

/** readTimestamps, copying the result of an identical column read recently. */
export function readTimestampsMemo(r: ByteReader, br: BitReader, out: Float64Array, count: number): void {
  const start = r.pos;
  const list = recent.get(count);
  if (list) {
    for (let k = 0; k < list.length; k++) {
      const c = list[k];
      if (!sameBytes(r.bytes, start, r.end, c.bytes)) continue;
      out.set(c.timestamps);
      r.pos = start + c.bytes.length;
      if (k > 0) {
        // Most recently matched first: the next series of the same scrape asks again.
        list.splice(k, 1);
        list.unshift(c);
      }
      return;
    }
  }
  readTimestamps(r, br, out, count);
  if (r.pos - start < MIN_BYTES) return;
  const column = { bytes: r.bytes.slice(start, r.pos), timestamps: out.slice(0, count) };
  if (list) {
    list.unshift(column);
    if (list.length > PER_COUNT) list.pop();
  } else {
    recent.set(count, [column]);
    // A bound on the counts remembered, whatever the data.
    if (recent.size > PER_COUNT) recent.delete(recent.keys().next().value!);
  }
}

function sameBytes(bytes: Uint8Array, at: number, end: number, column: Uint8Array): boolean {
  const n = column.length;
  if (end - at < n) return false;
  // Columns that differ mostly differ in their first bytes (t0): those are compared one by
  // one, the rest of a likely match four at a time (DataView reads need no alignment).
  const head = Math.min(n, MIN_BYTES);
  for (let i = 0; i < head; i++) if (bytes[at + i] !== column[i]) return false;
  const x = new DataView(bytes.buffer, bytes.byteOffset + at, n);
  const y = new DataView(column.buffer, column.byteOffset, n);
  let i = head;
  for (; i + 4 <= n; i += 4) if (x.getInt32(i, true) !== y.getInt32(i, true)) return false;
  for (; i < n; i++) if (bytes[at + i] !== column[i]) return false;
  return true;
}
