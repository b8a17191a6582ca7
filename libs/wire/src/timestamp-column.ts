import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { corrupt } from './errors.ts';
import { planPacked, readPacked, uvarintLength, writePacked } from './packed-ints.ts';
import { ScratchF64 } from './scratch.ts';

// Timestamp column, for count >= 1:
//   u8 mode, svarint t0, then
//   mode 0 (regular):  uvarint delta                 (only when count >= 2)
//   mode 1 (deltas):   uvarint span, packed count-1 deltas
//   mode 2 (dod):      uvarint span, uvarint first delta, packed count-2 delta-of-deltas
//   mode 3 (grid):     uvarint span, packed count-1 offsets t[i] - (t0 + i * step),
//                      step = round(span / (count - 1))
// Regular scrapes cost a few bytes in all. Independent jitter around a steady schedule packs
// tightest as offsets from the grid (deltas double its spread, delta-of-deltas quadruple it),
// drifting or changing intervals as deltas or delta-of-deltas, so the encoder sizes all three.
// The span makes maxT readable without unpacking anything.
const MODE_REGULAR = 0;
const MODE_DELTA = 1;
const MODE_DOD = 2;
const MODE_GRID = 3;

const deltas = new ScratchF64();
const dods = new ScratchF64();
const offsets = new ScratchF64();

function gridStep(span: number, count: number): number {
  return Math.round(span / (count - 1));
}

function badTimestamp(ts: Float64Array, i: number, why: string): RangeError {
  return new RangeError(`timestamps[${i}] = ${ts[i]} ${why}`);
}

export function writeTimestamps(w: ByteWriter, bw: BitWriter, ts: Float64Array, count: number): void {
  if (count === 0) return;
  const max = Number.MAX_SAFE_INTEGER;
  const t0 = ts[0];
  if (t0 - Math.floor(t0) !== 0 || t0 > max || t0 < -max) throw badTimestamp(ts, 0, 'is not an integer millisecond timestamp below 2^53');
  const modeAt = w.pos;
  w.u8(MODE_REGULAR);
  w.svarint(t0);
  if (count === 1) return;

  const d = deltas.get(count);
  let prev = t0;
  let regular = true;
  const first = ts[1] - t0;
  for (let i = 1; i < count; i++) {
    const t = ts[i];
    if (t - Math.floor(t) !== 0 || t > max || t < -max) throw badTimestamp(ts, i, 'is not an integer millisecond timestamp below 2^53');
    if (t < prev) throw badTimestamp(ts, i, `is before timestamps[${i - 1}] = ${prev}; timestamps must not decrease`);
    const delta = t - prev;
    d[i - 1] = delta;
    if (delta !== first) regular = false;
    prev = t;
  }
  const span = prev - t0;
  if (span > max) throw new RangeError(`timestamps span ${span} ms, more than one chunk can hold (2^53 - 1 ms)`);
  if (regular) {
    w.uvarint(first);
    return;
  }

  // Deltas never exceed the span, so the delta plan always exists; the others may not.
  const deltaPlan = planPacked(d, 0, count - 1)!;
  const dd = dods.get(count);
  for (let i = 0; i < count - 2; i++) dd[i] = d[i + 1] - d[i];
  const dodPlan = count >= 3 ? planPacked(dd, 0, count - 2) : null;
  const dodBytes = dodPlan === null ? Infinity : dodPlan.bytes + uvarintLength(first);
  const step = gridStep(span, count);
  const off = offsets.get(count);
  for (let i = 1; i < count; i++) off[i - 1] = ts[i] - (t0 + i * step);
  const gridPlan = planPacked(off, 0, count - 1);
  const gridBytes = gridPlan === null ? Infinity : gridPlan.bytes;

  w.uvarint(span);
  if (gridBytes < deltaPlan.bytes && gridBytes <= dodBytes) {
    w.bytes[modeAt] = MODE_GRID;
    writePacked(w, bw, off, 0, count - 1, gridPlan!);
  } else if (dodBytes < deltaPlan.bytes) {
    w.bytes[modeAt] = MODE_DOD;
    w.uvarint(first);
    writePacked(w, bw, dd, 0, count - 2, dodPlan!);
  } else {
    w.bytes[modeAt] = MODE_DELTA;
    writePacked(w, bw, d, 0, count - 1, deltaPlan);
  }
}

/** Reads the mode byte, t0 and the maxT field; leaves the reader after them. */
function readHead(r: ByteReader, count: number): { mode: number; t0: number; maxT: number; step: number } {
  const mode = r.u8();
  const t0 = r.svarint();
  if (count === 1) {
    if (mode !== MODE_REGULAR) throw corrupt(`timestamp mode ${mode} for a single sample`);
    return { mode, t0, maxT: t0, step: 0 };
  }
  let maxT: number;
  let step = 0;
  if (mode === MODE_REGULAR) {
    step = r.uvarint();
    maxT = t0 + step * (count - 1);
  } else if (mode === MODE_DELTA || mode === MODE_DOD || mode === MODE_GRID) {
    maxT = t0 + r.uvarint();
  } else {
    throw corrupt(`unknown timestamp mode ${mode}`);
  }
  if (maxT > Number.MAX_SAFE_INTEGER) throw corrupt('timestamps exceed 2^53');
  return { mode, t0, maxT, step };
}

/** minT and maxT from the column head, without unpacking. */
export function timestampRange(r: ByteReader, count: number): { minT: number; maxT: number } {
  if (count === 0) return { minT: Infinity, maxT: -Infinity };
  const h = readHead(r, count);
  return { minT: h.t0, maxT: h.maxT };
}

export function readTimestamps(r: ByteReader, br: BitReader, out: Float64Array, count: number): void {
  if (count === 0) return;
  const { mode, t0, maxT, step } = readHead(r, count);
  out[0] = t0;
  if (count === 1) return;
  if (mode === MODE_REGULAR) {
    for (let i = 1; i < count; i++) out[i] = t0 + i * step;
    return;
  }
  let t = t0;
  let decreasing = false;
  if (mode === MODE_DELTA) {
    readPacked(r, br, out, 1, count - 1);
    for (let i = 1; i < count; i++) {
      const delta = out[i];
      decreasing ||= delta < 0;
      t += delta;
      out[i] = t;
    }
  } else if (mode === MODE_GRID) {
    const interval = gridStep(maxT - t0, count);
    readPacked(r, br, out, 1, count - 1);
    for (let i = 1; i < count; i++) {
      const next = t0 + i * interval + out[i];
      decreasing ||= next < t;
      out[i] = t = next;
    }
  } else {
    let delta = r.uvarint();
    readPacked(r, br, out, 2, count - 2);
    t += delta;
    out[1] = t;
    for (let i = 2; i < count; i++) {
      delta += out[i];
      decreasing ||= delta < 0;
      t += delta;
      out[i] = t;
    }
  }
  if (decreasing || t !== maxT) throw corrupt('timestamps do not add up to the recorded span');
}
