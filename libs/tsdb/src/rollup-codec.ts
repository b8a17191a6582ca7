// How a row of rollup buckets is stored. Only the columns that answer questions for the
// series' kind are kept (a counter's sum or min means nothing; a gauge has no resets),
// and where the raw values are short decimals the columns are scaled integers rewritten
// as small differences (a counter's first value as the step from the previous bucket's
// last...), which the chunk codec packs into a few bits. The row:
//
//   u8 format (2, or 3 on a timeline) | u8 kind (0 gauge, 1 counter)
//   | i8 scale (-1: plain floats)
//   | u8 constant mask (bit k: kept column k holds one value throughout)
//   | format 3 only: uvarint timeline ref | u32 LE timeline checksum
//   | per constant column: tag 0 + zigzag varint, or tag 1 + f64 LE (see writeConstant)
//   | columns chunk (the kept columns that are not constant)
//
// Constant columns (a regular scrape gives every bucket the same count and offsets) cost
// a byte or two instead of a codec column. A 1 m row whose samples are exactly those of
// a timeline (the window's one chunk is on it, and no staleness marker was left out) is
// written in format 3: the bucket counts and the first and last sample offsets follow
// from the timeline's times, so the row keeps only the value columns; with jittered
// scrapes the offsets were most of the row.
//
// With scale e >= 0 a stored integer n stands for n / 10^e, bit-exact with the codec's
// own decimal decoding.

import { decodeColumns, encodeColumns, isStaleNaN, type TimelineRef } from '@metrics-hub/wire';
import {
  COUNT,
  emptyBuckets,
  FIRST,
  FIRST_OFFSET,
  LAST,
  LAST_OFFSET,
  MAX,
  MIN,
  RESETS,
  ROLLUP_COLUMNS,
  SUM,
  type RollupBuckets,
} from './rollup.ts';

export type { SeriesKind } from '@metrics-hub/wire';
import type { SeriesKind } from '@metrics-hub/wire';

// 2: constants carry a tag byte (in format 1 a varint starting 0xff read as a float).
const FORMAT = 2;
const FORMAT_ON_TIMELINE = 3;
const KEPT: Record<SeriesKind, readonly number[]> = {
  counter: [COUNT, FIRST, LAST, RESETS, FIRST_OFFSET, LAST_OFFSET],
  gauge: [COUNT, SUM, MIN, MAX, LAST, FIRST_OFFSET, LAST_OFFSET],
};
/** The columns a timeline gives a format-3 row, and those the row stores itself. */
const FROM_TIMELINE = [COUNT, FIRST_OFFSET, LAST_OFFSET] as const;
const KEPT_ON_TIMELINE: Record<SeriesKind, readonly number[]> = {
  counter: KEPT.counter.filter(isValueColumn),
  gauge: KEPT.gauge.filter(isValueColumn),
};

/**
 * The 1 m buckets of a timeline's samples, by the reference a row names (ends, counts and
 * offsets filled), with the timeline's checksum; the store finds and caches them.
 */
export type TimelineMinutes = (ref: TimelineRef) => { checksum: number; buckets: RollupBuckets };
const MAX_SCALE = 12;
const SAFE = 2 ** 53;
const POW10 = Array.from({ length: MAX_SCALE + 1 }, (_, e) => 10 ** e);

export class RollupFormatError extends Error {}

/**
 * The smallest decimal exponent at which every value is an integer that converts back
 * exactly, or -1 when there is none (NaN, infinities, -0, too many digits). Staleness
 * markers are skipped: rollups leave them out.
 */
export function decimalScale(values: Float64Array, count: number): number {
  let e = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v !== v) {
      if (isStaleNaN(v)) continue;
      return -1;
    }
    if (v === Infinity || v === -Infinity) return -1;
    while (e <= MAX_SCALE) {
      const n = Math.round(v * POW10[e]);
      if (Math.abs(n) <= 2 ** 50 && n / POW10[e] === v && !(n === 0 && 1 / v < 0)) break;
      e++;
    }
    if (e > MAX_SCALE) return -1;
  }
  return e;
}

/** Values scaled to integers at exponent `e` (the caller checked with decimalScale). */
export function scaleValues(values: Float64Array, count: number, e: number): Float64Array {
  const out = new Float64Array(count);
  const p = POW10[e];
  for (let i = 0; i < count; i++) out[i] = values[i] !== values[i] ? values[i] : Math.round(values[i] * p);
  return out;
}

/** Encodes float buckets, as scaled integers where every kept value is a short decimal. */
export function encodeFloatRollupRow(b: RollupBuckets, kind: SeriesKind): Uint8Array {
  const valueColumns = KEPT[kind].filter(isValueColumn);
  let scale = 0;
  for (const c of valueColumns) {
    const e = decimalScale(b.columns[c], b.length);
    if (e < 0) return encodeRollupRow(b, kind, -1);
    scale = Math.max(scale, e);
  }
  const scaled: RollupBuckets = { length: b.length, ends: b.ends, columns: b.columns.slice() };
  for (const c of valueColumns) scaled.columns[c] = scaleValues(b.columns[c], b.length, scale);
  return encodeRollupRow(scaled, kind, scale);
}

/** Sets the columns a row of `kind` does not keep to NaN, so stored and computed buckets agree. */
export function maskToKind(b: RollupBuckets, kind: SeriesKind): RollupBuckets {
  const kept = new Set(KEPT[kind]);
  b.columns.forEach((col, c) => {
    if (!kept.has(c)) col.fill(NaN);
  });
  return b;
}

/**
 * Encodes buckets of a series of `kind`. `scale` says the value columns already hold
 * integers standing for n / 10^scale; -1 means plain floats.
 */
export function encodeRollupRow(b: RollupBuckets, kind: SeriesKind, scale: number, timeline?: TimelineRef): Uint8Array {
  const kept = timeline ? KEPT_ON_TIMELINE[kind] : KEPT[kind];
  const n = b.length;
  let columns = kept.map((c) => b.columns[c].subarray(0, n));
  let storedScale = scale;
  if (scale >= 0) {
    const diffs = toDifferences(b, kind, kept);
    if (diffs) columns = diffs;
    else storedScale = -1;
  }
  if (storedScale < 0 && scale >= 0) columns = columns.map((col, k) => (isValueColumn(kept[k]) ? divide(col, POW10[scale]) : col));
  const head: number[] = [timeline ? FORMAT_ON_TIMELINE : FORMAT, kind === 'counter' ? 1 : 0, storedScale & 0xff, 0];
  if (timeline) {
    writeUvarint(head, timeline.ref);
    const c = timeline.checksum;
    head.push(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24);
  }
  const varying: Float64Array[] = [];
  columns.forEach((col, k) => {
    if (n > 0 && isConstant(col)) {
      head[3] |= 1 << k;
      writeConstant(head, col[0]);
    } else varying.push(col);
  });
  const body = encodeColumns(b.ends.subarray(0, n), varying, n);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const f64 = new Float64Array(1);
const bytesOfF64 = new Uint8Array(f64.buffer);

function isConstant(col: Float64Array): boolean {
  f64[0] = col[0];
  const first = bytesOfF64.slice();
  for (let i = 1; i < col.length; i++) {
    f64[0] = col[i];
    for (let b = 0; b < 8; b++) if (bytesOfF64[b] !== first[b]) return false;
  }
  return true;
}

/** A constant: tag 0 and a zigzag varint for a small safe integer, else tag 1 and 8 raw bytes. */
function writeConstant(out: number[], v: number): void {
  if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 48 && !Object.is(v, -0)) {
    out.push(0);
    writeUvarint(out, v < 0 ? -2 * v - 1 : 2 * v);
    return;
  }
  out.push(1);
  f64[0] = v;
  for (let b = 0; b < 8; b++) out.push(bytesOfF64[b]);
}

function writeUvarint(out: number[], z: number): void {
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}

function readUvarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let z = 0;
  let mul = 1;
  let i = at;
  for (;;) {
    if (i >= bytes.length || i - at >= 8) throw new RollupFormatError('bad varint in row');
    const byte = bytes[i++];
    z += (byte & 0x7f) * mul;
    mul *= 0x80;
    if (byte < 0x80) return { value: z, next: i };
  }
}

interface RowHead {
  counter: boolean;
  scale: number;
  mask: number;
  /** The columns the row stores (constant or in its chunk), in order. */
  kept: readonly number[];
  timeline: TimelineRef | null;
  /** Where the constants start. */
  pos: number;
}

function readRowHead(bytes: Uint8Array): RowHead {
  if (bytes.length < 4 || (bytes[0] !== FORMAT && bytes[0] !== FORMAT_ON_TIMELINE)) {
    throw new RollupFormatError(`unknown rollup row format ${bytes[0]}`);
  }
  const counter = bytes[1] === 1;
  const head: RowHead = {
    counter,
    scale: (bytes[2] << 24) >> 24,
    mask: bytes[3],
    kept: KEPT[counter ? 'counter' : 'gauge'],
    timeline: null,
    pos: 4,
  };
  if (bytes[0] === FORMAT_ON_TIMELINE) {
    head.kept = KEPT_ON_TIMELINE[counter ? 'counter' : 'gauge'];
    const ref = readUvarint(bytes, 4);
    const p = ref.next;
    if (p + 4 > bytes.length) throw new RollupFormatError('row ends inside its timeline checksum');
    head.timeline = { ref: ref.value, checksum: (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0 };
    head.pos = p + 4;
  }
  return head;
}

/**
 * Copies counts and offsets into `out` from bucket `at` on, from the buckets of the
 * timeline the row names; their ends must be the row's.
 */
function fillFromTimeline(ref: TimelineRef, minutesOf: TimelineMinutes | undefined, out: RollupBuckets, at: number, n: number): void {
  if (minutesOf === undefined)
    throw new RollupFormatError(`the row takes its sample times from timeline ${ref.ref}, which the reader was not given`);
  const { checksum, buckets } = minutesOf(ref);
  if (checksum !== ref.checksum || buckets.length !== n) {
    throw new RollupFormatError(
      `the row's timeline ${ref.ref} has checksum 0x${checksum.toString(16)} and ${buckets.length} buckets, not 0x${ref.checksum.toString(16)} and ${n}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (buckets.ends[i] !== out.ends[at + i])
      throw new RollupFormatError(`the row's bucket ${i} ends at ${out.ends[at + i]}, its timeline's at ${buckets.ends[i]}`);
  }
  for (const c of FROM_TIMELINE) out.columns[c].set(buckets.columns[c].subarray(0, n), at);
}

function readConstant(bytes: Uint8Array, at: number): { value: number; next: number } {
  if (at >= bytes.length) throw new RollupFormatError('row ends inside its constants');
  if (bytes[at] === 1) {
    if (at + 9 > bytes.length) throw new RollupFormatError('row ends inside a constant');
    bytesOfF64.set(bytes.subarray(at + 1, at + 9));
    return { value: f64[0], next: at + 9 };
  }
  if (bytes[at] !== 0) throw new RollupFormatError(`unknown constant tag ${bytes[at]}`);
  const { value: z, next } = readUvarint(bytes, at + 1);
  return { value: z % 2 === 1 ? -(z + 1) / 2 : z / 2, next };
}

/** Decodes a row into float buckets; columns the row does not keep are NaN. */
export function decodeRollupRow(bytes: Uint8Array, minutesOf?: TimelineMinutes): { kind: SeriesKind; buckets: RollupBuckets } {
  const { counter, scale, mask, kept, timeline, pos } = readRowHead(bytes);
  const kind: SeriesKind = counter ? 'counter' : 'gauge';
  const constants = new Map<number, number>();
  let at = pos;
  for (let k = 0; k < kept.length; k++) {
    if (!(mask & (1 << k))) continue;
    const c = readConstant(bytes, at);
    constants.set(k, c.value);
    at = c.next;
  }
  const d = decodeColumns(bytes.subarray(at));
  if (d.columns.length + constants.size !== kept.length)
    throw new RollupFormatError(`expected ${kept.length} columns, found ${d.columns.length + constants.size}`);
  const out = emptyBuckets(d.count);
  out.length = d.count;
  out.ends.set(d.timestamps.subarray(0, d.count));
  for (const col of out.columns) col.fill(NaN);
  let next = 0;
  kept.forEach((c, k) => {
    const constant = constants.get(k);
    if (constant !== undefined) out.columns[c].fill(constant);
    else out.columns[c].set(d.columns[next++].subarray(0, d.count));
  });
  if (timeline) fillFromTimeline(timeline, minutesOf, out, 0, d.count);
  if (scale >= 0) {
    fromDifferences(out, kind);
    for (const c of kept) if (isValueColumn(c)) out.columns[c] = divide(out.columns[c], POW10[scale]);
  }
  return { kind, buckets: out };
}

/**
 * Decodes a row into `out` from bucket `at` on, the same floats `decodeRollupRow` gives;
 * returns the number of buckets. `out` must have room for them (a 1 m row holds at most a
 * chunk window's minutes, a 1 h row a day's hours): a row that does not fit throws.
 */
export function decodeRollupRowInto(bytes: Uint8Array, out: RollupBuckets, at: number, minutesOf?: TimelineMinutes): number {
  const head = readRowHead(bytes);
  const { counter, scale, mask, kept, timeline } = head;
  const c = out.columns;
  const varying: Float64Array[] = [];
  let pos = head.pos;
  let constants = 0;
  for (let k = 0; k < kept.length; k++) {
    if (mask & (1 << k)) {
      const constant = readConstant(bytes, pos);
      constantScratch[constants++] = constant.value;
      pos = constant.next;
    } else varying.push(c[kept[k]].subarray(at));
  }
  const ends = out.ends.subarray(at);
  const d = decodeColumns(bytes.subarray(pos), { timestamps: ends, columns: varying });
  if (d.columns.length !== varying.length)
    throw new RollupFormatError(`expected ${kept.length} columns, found ${d.columns.length + kept.length - varying.length}`);
  const n = d.count;
  if (d.timestamps !== ends) throw new RangeError(`a rollup row of ${n} buckets does not fit at ${at} of ${out.ends.length}`);
  const end = at + n;
  const unkept = counter ? UNKEPT.counter : UNKEPT.gauge;
  // Columns of bucketsFor share one array: filled once.
  for (let k = 0; k < unkept.length; k++) if (k === 0 || c[unkept[k]] !== c[unkept[k - 1]]) c[unkept[k]].fill(NaN, at, end);
  for (let k = 0, j = 0; k < kept.length; k++) if (mask & (1 << k)) c[kept[k]].fill(constantScratch[j++], at, end);
  if (timeline) fillFromTimeline(timeline, minutesOf, out, at, n);
  if (scale >= 0) undoDifferences(c, counter, at, end, POW10[scale]);
  out.length = Math.max(out.length, end);
  return n;
}

/**
 * Room for `capacity` buckets of a series of `kind`, in one allocation: the columns the kind
 * does not keep (NaN throughout) share one array. Fewer bytes to clear and collect for a
 * read of many series; a reader must not write a number into those columns.
 */
export function bucketsFor(kind: SeriesKind, capacity: number): RollupBuckets {
  const kept = KEPT[kind];
  const all = new Float64Array(capacity * (kept.length + 2));
  const column = (k: number) => all.subarray(k * capacity, (k + 1) * capacity);
  const shared = column(kept.length + 1).fill(NaN);
  const columns: Float64Array[] = [];
  for (let c = 0; c < ROLLUP_COLUMNS.length; c++) {
    const k = kept.indexOf(c);
    columns.push(k < 0 ? shared : column(k + 1));
  }
  return { length: 0, ends: column(0), columns };
}

/**
 * The number of buckets a row says it holds, read from its header without checking the
 * row (decodeRollupRowInto does), or `atMost` when the header is cut short or says more:
 * room to allocate before decoding.
 */
export function rollupRowLength(bytes: Uint8Array, atMost: number): number {
  let head: RowHead;
  try {
    head = readRowHead(bytes);
  } catch {
    return atMost;
  }
  const kept = head.kept;
  let pos = head.pos;
  for (let k = 0; k < kept.length; k++) {
    if (!(head.mask & (1 << k))) continue;
    if (bytes[pos] === 1) pos += 9;
    else {
      pos++;
      while (pos < bytes.length && bytes[pos] >= 0x80) pos++;
      pos++;
    }
  }
  // The columns chunk: u8 version, u8 kind, uvarint count.
  pos += 2;
  let count = 0;
  for (let shift = 1; pos < bytes.length && shift < 2 ** 21; shift *= 0x80) {
    const byte = bytes[pos++];
    count += (byte & 0x7f) * shift;
    if (byte < 0x80) return Math.min(count, atMost);
  }
  return atMost;
}

const constantScratch: number[] = [];
const UNKEPT: Record<SeriesKind, readonly number[]> = {
  counter: [SUM, MIN, MAX],
  gauge: [FIRST, RESETS],
};

/**
 * fromDifferences and divide of decodeRollupRow over buckets [from, to), in one pass per
 * kind with the columns in locals (the hot loop of every rollup read).
 */
function undoDifferences(c: Float64Array[], counter: boolean, from: number, to: number, p: number): void {
  const last = c[LAST];
  let prevLast = 0;
  if (counter) {
    const first = c[FIRST];
    const resets = c[RESETS];
    for (let i = from; i < to; i++) {
      const f = first[i] + prevLast;
      const l = last[i] + f;
      prevLast = l;
      first[i] = f / p;
      last[i] = l / p;
      resets[i] = resets[i] / p;
    }
    return;
  }
  const count = c[COUNT];
  const sum = c[SUM];
  const min = c[MIN];
  const max = c[MAX];
  for (let i = from; i < to; i++) {
    const l = last[i] + prevLast;
    prevLast = l;
    sum[i] = (sum[i] + count[i] * l) / p;
    min[i] = (min[i] + l) / p;
    max[i] = (max[i] + l) / p;
    last[i] = l / p;
  }
}

function isValueColumn(c: number): boolean {
  return c !== COUNT && c !== FIRST_OFFSET && c !== LAST_OFFSET;
}

function divide(col: Float64Array, p: number): Float64Array {
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = col[i] / p;
  return out;
}

// Differences that make neighbouring values small: exact on integers, refused (null) when
// a value is not a safe integer.
function toDifferences(b: RollupBuckets, kind: SeriesKind, kept: readonly number[]): Float64Array[] | null {
  const n = b.length;
  const c = b.columns;
  const out = kept.map(() => new Float64Array(n));
  let prevLast = 0;
  for (let i = 0; i < n; i++) {
    const last = c[LAST][i];
    for (let k = 0; k < kept.length; k++) {
      const col = kept[k];
      let v = c[col][i];
      if (kind === 'counter') {
        if (col === FIRST) v -= prevLast;
        else if (col === LAST) v -= c[FIRST][i];
      } else if (col === SUM) v -= c[COUNT][i] * last;
      else if (col === MIN || col === MAX) v -= last;
      else if (col === LAST) v -= prevLast;
      if (!Number.isSafeInteger(v) || Math.abs(v) >= SAFE) return null;
      out[k][i] = v;
    }
    prevLast = last;
  }
  return out;
}

function fromDifferences(b: RollupBuckets, kind: SeriesKind): void {
  const c = b.columns;
  let prevLast = 0;
  for (let i = 0; i < b.length; i++) {
    if (kind === 'counter') {
      c[FIRST][i] += prevLast;
      c[LAST][i] += c[FIRST][i];
    } else {
      c[LAST][i] += prevLast;
      c[SUM][i] += c[COUNT][i] * c[LAST][i];
      c[MIN][i] += c[LAST][i];
      c[MAX][i] += c[LAST][i];
    }
    prevLast = c[LAST][i];
  }
}
