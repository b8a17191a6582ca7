import { readColumnsBody, readHead, readSingleBody } from './chunk-body.ts';
import { beginChunk, bitWriter, finishChunk, openChunk } from './chunk-frame.ts';
import { sampleCount } from './chunk.ts';
import { INT_LIMIT, analyzeDecimal, exceptionLimit, fillExceptions } from './decimal-analysis.ts';
import { exceptionBytes, planInts, writeDecimal } from './decimal-column.ts';
import { writeInexactColumn } from './float-column.ts';
import { KIND_COLUMNS, KIND_TIMELINE, MAX_COLUMNS, TAG_DECIMAL, TAG_DECIMAL_RELATIVE } from './format.ts';
import { uvarintLength } from './packed-ints.ts';
import { timestampRange, writeTimestamps } from './timestamp-column.ts';

// Multi-column chunk: one timestamp column and k float columns of equal length, for rollups
// (count, sum, min, max, first, last... per bucket). Such columns move together, so a
// decimal column may be stored as its integer difference from an earlier decimal column of
// the same exponent (max - min, last - first). Scaled integers subtract exactly, so this is
// lossless; it is chosen per column only when it measures smaller.

interface DecimalColumn {
  e: number;
  ints: Float64Array;
  exc: Int32Array;
  exceptions: number;
  isException: Uint8Array;
}

function analyze(values: Float64Array, count: number): DecimalColumn | null {
  const ints = new Float64Array(count);
  const exc = new Int32Array(count);
  const a = analyzeDecimal(values, count, ints, exc);
  if (a === null) return null;
  const isException = new Uint8Array(count);
  for (let k = 0; k < a.exceptions; k++) isException[exc[k]] = 1;
  return { e: a.e, ints, exc, exceptions: a.exceptions, isException };
}

/**
 * Writes col.ints - ref.ints into out and the union of both exception sets into exc; returns
 * the exception count, or -1 when the difference cannot be stored exactly or cheaply.
 */
function difference(col: DecimalColumn, ref: DecimalColumn, count: number, out: Float64Array, exc: Int32Array): number {
  const limit = exceptionLimit(count);
  let exceptions = 0;
  for (let i = 0; i < count; i++) {
    if (col.isException[i] || ref.isException[i]) {
      if (exceptions >= limit) return -1;
      exc[exceptions++] = i;
      out[i] = NaN;
      continue;
    }
    const d = col.ints[i] - ref.ints[i];
    if (d > INT_LIMIT || d < -INT_LIMIT) return -1;
    out[i] = d;
  }
  if (exceptions === count) return -1;
  fillExceptions(out, count, exc, exceptions);
  return exceptions;
}

/**
 * Encodes a timestamp column and up to 64 float columns of `count` samples each (default:
 * the common length). Every column round-trips bit for bit, like chunk values.
 */
export function encodeColumns(timestamps: Float64Array, columns: Float64Array[], count?: number): Uint8Array {
  if (columns.length > MAX_COLUMNS) throw new RangeError(`${columns.length} columns is above the limit of ${MAX_COLUMNS}`);
  const n = sampleCount([timestamps.length, ...columns.map((c) => c.length)], count);
  const w = beginChunk(KIND_COLUMNS, n);
  w.uvarint(columns.length);
  writeTimestamps(w, bitWriter, timestamps, n);

  const decimals: (DecimalColumn | null)[] = [];
  const diff = new Float64Array(n);
  const diffExc = new Int32Array(n);
  for (let c = 0; c < columns.length; c++) {
    const values = columns[c];
    const col = n === 0 ? null : analyze(values, n);
    decimals.push(col);
    if (n === 0) {
      w.u8(TAG_DECIMAL);
      continue;
    }
    if (col === null) {
      const tagAt = w.pos;
      w.u8(0);
      // the writer may grow while the column is written, so index its buffer afterwards
      const tag = writeInexactColumn(w, bitWriter, values, n);
      w.bytes[tagAt] = tag;
      continue;
    }
    let bestBytes = planInts(col.ints, n).bytes + exceptionBytes(col.exc, col.exceptions);
    let bestRef = -1;
    for (let j = 0; j < c; j++) {
      const ref = decimals[j];
      if (ref === null || ref.e !== col.e) continue;
      const exceptions = difference(col, ref, n, diff, diffExc);
      if (exceptions < 0) continue;
      const bytes = uvarintLength(j) + planInts(diff, n).bytes + exceptionBytes(diffExc, exceptions);
      if (bytes < bestBytes) {
        bestBytes = bytes;
        bestRef = j;
      }
    }
    // Plans share scratch space, so the winner is planned again right before writing.
    if (bestRef < 0) {
      w.u8(TAG_DECIMAL);
      writeDecimal(w, bitWriter, col.e, planInts(col.ints, n), values, col.exc, col.exceptions);
    } else {
      const exceptions = difference(col, decimals[bestRef]!, n, diff, diffExc);
      w.u8(TAG_DECIMAL_RELATIVE);
      w.uvarint(bestRef);
      writeDecimal(w, bitWriter, col.e, planInts(diff, n), values, diffExc, exceptions);
    }
  }
  return finishChunk(w);
}

export interface DecodedColumns {
  count: number;
  timestamps: Float64Array;
  columns: Float64Array[];
}

/**
 * Decodes a multi-column chunk (a single-series chunk reads as one column). When `out`
 * has room (as many columns, each and the timestamps at least `count` long) the values
 * are written there and its arrays returned; otherwise new arrays of exactly `count` are.
 */
export function decodeColumns(bytes: Uint8Array, out?: { timestamps: Float64Array; columns: readonly Float64Array[] }): DecodedColumns {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.kind === KIND_TIMELINE || head.timeline !== null) throw timelineChunk();
  const n = head.count;
  const room =
    out !== undefined && out.timestamps.length >= n && out.columns.length === head.columns && out.columns.every((c) => c.length >= n);
  const timestamps = room ? out.timestamps : new Float64Array(n);
  const columns: Float64Array[] = [];
  for (let c = 0; c < head.columns; c++) columns.push(room ? out.columns[c] : new Float64Array(n));
  if (head.kind === KIND_COLUMNS) readColumnsBody(r, head, timestamps, columns);
  else readSingleBody(r, head, timestamps, columns[0]);
  return { count: n, timestamps, columns };
}

/** Count, time range and number of value columns of any chunk, without decoding it. */
export function columnsHeader(bytes: Uint8Array): { count: number; minT: number; maxT: number; columns: number } {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.kind === KIND_TIMELINE || head.timeline !== null) throw timelineChunk();
  const { minT, maxT } = timestampRange(r, head.count);
  return { count: head.count, minT, maxT, columns: head.columns };
}

function timelineChunk(): TypeError {
  return new TypeError('these bytes are a timeline or a chunk on one; read them with decodeTimeline or decodeChunk');
}
