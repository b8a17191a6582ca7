import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { corrupt } from './errors.ts';
import { HI, LO, wordsOf } from './float-bits.ts';
import { type PackPlan, planPacked, readPacked, svarintLength, uvarintLength, writePacked } from './packed-ints.ts';
import { ScratchF64 } from './scratch.ts';

// Decimal value column: values that are short decimals (2.57, 1e-3, 4096 * k) become the
// integers n = round(v * 10^e) for one exponent e per column, accepted only where n / 10^e
// gives back v bit for bit. Those integers are stored as deltas or delta-of-deltas, divided
// by their common factor and bit-packed. The few values that are not such decimals (NaN,
// the staleness marker, infinities, -0, long fractions) are exceptions kept verbatim.
//
//   u8 flags: e (bits 0-3) | mode << 4 | has factor (64) | has exceptions (128)
//   [uvarint factor g >= 2]
//   svarint n0
//   count >= 2, mode 0 (deltas): packed (count - 1) deltas / g
//   count >= 2, mode 1 (dod):    svarint first delta / g, packed (count - 2) dods / g
//   count >= 2, mode 2 (levels): packed (count - 1) values (n - n0) / g
// Deltas suit counters and random walks, delta-of-deltas smooth lines, levels noise around a
// steady value (and differences between rollup columns); the encoder sizes all three.
//   [uvarint exceptions, then per exception: uvarint index gap, 8 bytes raw float64 LE]

export const MAX_EXPONENT = 15;
/** Literals, so encoder and decoder divide by exactly the same correctly rounded powers. */
const POW10 = new Float64Array([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);
/**
 * Bound on |n|: deltas stay below 2^51 and delta-of-deltas below 2^52, so every difference
 * the packer forms is an exact safe integer.
 */
export const INT_LIMIT = 2 ** 50;
const NOT_DECIMAL = MAX_EXPONENT + 1;
/** Rough cost of one exception (index and raw float) against one more digit on every value. */
const EXCEPTION_BITS = 76;
const DIGIT_BITS = 3.33;

export const MODE_DELTA = 0;
export const MODE_DOD = 1;
export const MODE_LEVEL = 2;
const FLAG_FACTOR = 64;
const FLAG_EXCEPTIONS = 128;

/** Exceptions allowed before the column is better off as XOR. */
export function exceptionLimit(count: number): number {
  return count >>> 4;
}

/** The smallest e for which v is exactly n / 10^e with |n| <= 2^50, or NOT_DECIMAL. */
function minimalExponent(v: number): number {
  if (v === 0) return 1 / v > 0 ? 0 : NOT_DECIMAL;
  if (!(Math.abs(v) <= INT_LIMIT)) return NOT_DECIMAL;
  for (let e = 0; e <= MAX_EXPONENT; e++) {
    const p = POW10[e];
    const n = Math.round(v * p);
    if (!(Math.abs(n) <= INT_LIMIT)) return NOT_DECIMAL;
    if (n / p === v) return e;
  }
  return NOT_DECIMAL;
}

const histogram = new Int32Array(NOT_DECIMAL + 1);

/**
 * Converts values to scaled integers in ints[0, count), listing the indexes that must be
 * exceptions in exc (whose ints repeat their neighbour so they cost nothing in the stream).
 * Returns null when too many values are not decimals.
 */
export function analyzeDecimal(values: Float64Array, count: number, ints: Float64Array, exc: Int32Array): { e: number; exceptions: number } | null {
  const limit = exceptionLimit(count);
  const hist = histogram;
  hist.fill(0);
  let notDecimal = 0;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    // Most values have the precision of the values before them: two trials (at e, and at
    // e - 1 to prove e minimal) settle those. Fitting at some exponent implies fitting at
    // every larger one, so the histogram below records each value's minimal exponent.
    const p = POW10[e];
    const n = Math.round(v * p);
    if (n / p === v && Math.abs(n) <= INT_LIMIT && (v !== 0 || 1 / v > 0)) {
      // Once more than `limit` values need e, no smaller exponent can be chosen and the
      // minimal exponents of the rest no longer matter.
      if (e > 0 && hist[e] <= limit && Math.round(v * POW10[e - 1]) / POW10[e - 1] === v) hist[minimalExponent(v)]++;
      else hist[e]++;
      continue;
    }
    const m = minimalExponent(v);
    hist[m]++;
    if (m === NOT_DECIMAL) {
      if (++notDecimal > limit) return null;
    } else if (m > e) {
      e = m;
    }
  }

  // Values needing more digits than e become exceptions: pick e by the rough size of each option.
  let chosen = -1;
  let bestCost = Infinity;
  let above = hist[NOT_DECIMAL];
  for (let f = MAX_EXPONENT; f >= 0; f--) {
    if (above <= limit && f <= e) {
      const cost = above * EXCEPTION_BITS + f * count * DIGIT_BITS;
      if (cost <= bestCost) {
        bestCost = cost;
        chosen = f;
      }
    }
    above += hist[f];
  }
  if (chosen < 0) return null;

  const p = POW10[chosen];
  let exceptions = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    const n = Math.round(v * p);
    if (n / p === v && Math.abs(n) <= INT_LIMIT && (v !== 0 || 1 / v > 0)) {
      ints[i] = n;
    } else {
      if (exceptions >= limit) return null;
      exc[exceptions++] = i;
      ints[i] = NaN;
    }
  }
  fillExceptions(ints, count, exc, exceptions);
  return { e: chosen, exceptions };
}

/**
 * Gives each exception position (NaN in ints) the integer that continues the line of its
 * neighbours, in steps of their common factor, so it costs no bits in either the delta or
 * the delta-of-delta stream. Needs at least one exact value.
 */
export function fillExceptions(ints: Float64Array, count: number, exc: Int32Array, exceptions: number): void {
  if (exceptions === 0) return;
  let g = 0;
  let last = NaN;
  for (let i = 0; i < count && g !== 1; i++) {
    const n = ints[i];
    if (n !== n) continue;
    const d = n - last;
    if (d === d && d !== 0) g = gcd(d < 0 ? -d : d, g);
    last = n;
  }
  if (g === 0) g = 1;
  for (let k = 0; k < exceptions; ) {
    const first = exc[k];
    let end = first + 1;
    while (++k < exceptions && exc[k] === end) end++;
    const left = first - 1;
    if (left >= 0 && end < count) {
      const a = ints[left];
      const steps = (ints[end] - a) / g;
      const span = end - left;
      for (let i = first; i < end; i++) ints[i] = a + g * Math.round((steps * (i - left)) / span);
    } else if (left >= 0) {
      const a = ints[left];
      const slope = left > 0 ? a - ints[left - 1] : 0;
      for (let i = first; i < end; i++) {
        const n = a + slope * (i - left);
        ints[i] = n <= INT_LIMIT && n >= -INT_LIMIT ? n : a;
      }
    } else {
      const b = ints[end];
      const next = end + 1 < count ? ints[end + 1] : NaN;
      const slope = next === next ? next - b : 0;
      for (let i = first; i < end; i++) {
        const n = b - slope * (end - i);
        ints[i] = n <= INT_LIMIT && n >= -INT_LIMIT ? n : b;
      }
    }
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export interface IntPlan {
  /** Size of the body without flags and exceptions. */
  bytes: number;
  mode: number;
  factor: number;
  n0: number;
  firstDelta: number;
  /** Packed stream (in scratch space, valid until the next planInts call). */
  src: Float64Array;
  len: number;
  pack: PackPlan | null;
}

const deltaScratch = new ScratchF64();
const dodScratch = new ScratchF64();
const levelScratch = new ScratchF64();

/** Chooses the mode and the common factor for ints[0, count), count >= 1. */
export function planInts(ints: Float64Array, count: number): IntPlan {
  const n0 = ints[0];
  const q = deltaScratch.get(count);
  const head = 1 + svarintLength(n0);
  if (count === 1) return { bytes: head, mode: MODE_DELTA, factor: 1, n0, firstDelta: 0, src: q, len: 0, pack: null };

  let g = 0;
  let prev = n0;
  for (let i = 1; i < count; i++) {
    const n = ints[i];
    const d = n - prev;
    q[i - 1] = d;
    prev = n;
    if (d !== 0 && g !== 1) g = gcd(d < 0 ? -d : d, g);
  }
  if (g > 1) {
    for (let i = 0; i < count - 1; i++) q[i] /= g;
  } else {
    g = 1;
  }
  const common = head + (g > 1 ? uvarintLength(g) : 0);
  const firstDelta = q[0];

  // Deltas are below 2^51 in magnitude and levels below 2^52, so both always pack.
  const deltaPack = planPacked(q, 0, count - 1)!;
  let best: IntPlan = { bytes: common + deltaPack.bytes, mode: MODE_DELTA, factor: g, n0, firstDelta, src: q, len: count - 1, pack: deltaPack };

  const levels = levelScratch.get(count);
  let level = 0;
  for (let i = 0; i < count - 1; i++) levels[i] = level += q[i];
  const levelPack = planPacked(levels, 0, count - 1)!;
  if (common + levelPack.bytes < best.bytes) {
    best = { bytes: common + levelPack.bytes, mode: MODE_LEVEL, factor: g, n0, firstDelta, src: levels, len: count - 1, pack: levelPack };
  }

  const dd = dodScratch.get(count);
  for (let i = 0; i < count - 2; i++) dd[i] = q[i + 1] - q[i];
  const dodPack = count === 2 ? null : planPacked(dd, 0, count - 2);
  const dodBytes = common + svarintLength(firstDelta) + (dodPack === null ? 0 : dodPack.bytes);
  if ((count === 2 || dodPack !== null) && dodBytes < best.bytes) {
    best = { bytes: dodBytes, mode: MODE_DOD, factor: g, n0, firstDelta, src: dd, len: count - 2, pack: dodPack };
  }
  return best;
}

/** Bytes the exception list adds for the given indexes. */
export function exceptionBytes(exc: Int32Array, exceptions: number): number {
  if (exceptions === 0) return 0;
  let bytes = uvarintLength(exceptions) + 8 * exceptions;
  let prev = -1;
  for (let k = 0; k < exceptions; k++) {
    bytes += uvarintLength(exc[k] - prev - 1);
    prev = exc[k];
  }
  return bytes;
}

export function writeDecimal(
  w: ByteWriter,
  bw: BitWriter,
  e: number,
  plan: IntPlan,
  values: Float64Array,
  exc: Int32Array,
  exceptions: number,
): void {
  w.u8(e | (plan.mode << 4) | (plan.factor > 1 ? FLAG_FACTOR : 0) | (exceptions > 0 ? FLAG_EXCEPTIONS : 0));
  if (plan.factor > 1) w.uvarint(plan.factor);
  w.svarint(plan.n0);
  if (plan.mode === MODE_DOD) w.svarint(plan.firstDelta);
  if (plan.pack !== null) writePacked(w, bw, plan.src, 0, plan.len, plan.pack);
  if (exceptions > 0) {
    const u = wordsOf(values);
    w.uvarint(exceptions);
    let prev = -1;
    for (let k = 0; k < exceptions; k++) {
      const i = exc[k];
      w.uvarint(i - prev - 1);
      w.float64Words(u[2 * i + HI], u[2 * i + LO]);
      prev = i;
    }
  }
}

/**
 * Reads a decimal column into out[0, count). With `ref`, the stored integers are differences
 * from the reference column's integers at the same exponent (see columns-chunk.ts).
 */
export function readDecimal(r: ByteReader, br: BitReader, out: Float64Array, count: number, ref: Float64Array | null): void {
  if (count === 0) return;
  const flags = r.u8();
  const p = POW10[flags & 15];
  const mode = (flags >>> 4) & 3;
  if (mode > MODE_LEVEL) throw corrupt(`unknown decimal column mode ${mode}`);
  let g = 1;
  if (flags & FLAG_FACTOR) {
    g = r.uvarint();
    if (g < 2) throw corrupt(`common factor ${g} is impossible`);
  }
  const n0 = r.svarint();

  // Unpack the stream into out, then integrate in place.
  if (count >= 2) {
    if (mode === MODE_DOD) {
      let d = g * r.svarint();
      if (count >= 3) readPacked(r, br, out, 2, count - 2);
      let n = n0 + d;
      out[1] = n;
      for (let i = 2; i < count; i++) {
        d += g * out[i];
        n += d;
        out[i] = n;
      }
    } else if (mode === MODE_DELTA) {
      readPacked(r, br, out, 1, count - 1);
      let n = n0;
      for (let i = 1; i < count; i++) {
        n += g * out[i];
        out[i] = n;
      }
    } else {
      readPacked(r, br, out, 1, count - 1);
      for (let i = 1; i < count; i++) out[i] = n0 + g * out[i];
    }
  }
  out[0] = n0;
  if (ref === null) {
    for (let i = 0; i < count; i++) out[i] = out[i] / p;
  } else {
    for (let i = 0; i < count; i++) out[i] = (out[i] + Math.round(ref[i] * p)) / p;
  }

  if (flags & FLAG_EXCEPTIONS) {
    const exceptions = r.uvarint();
    if (exceptions === 0 || exceptions > count) throw corrupt(`${exceptions} exceptions in a column of ${count} values`);
    const u = wordsOf(out);
    let i = -1;
    for (let k = 0; k < exceptions; k++) {
      i += r.uvarint() + 1;
      if (i >= count) throw corrupt(`exception index ${i} is past the ${count} values`);
      u[2 * i + LO] = r.u32le();
      u[2 * i + HI] = r.u32le();
    }
  }
}
