import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { POW10, gcd } from './decimal-analysis.ts';
import { corrupt } from './errors.ts';
import { HI, LO, wordsOf } from './float-bits.ts';
import { type PackPlan, planPacked, readPacked, svarintLength, uvarintLength, writePacked } from './packed-ints.ts';
import { ScratchF64 } from './scratch.ts';

// Decimal value column: values that are short decimals (2.57, 1e-3, 4096 * k) become the
// integers n = round(v * 10^e) for one exponent e per column (decimal-analysis.ts). Those
// integers are stored as deltas, delta-of-deltas or levels, divided by their common factor
// and bit-packed. The few values that are not such decimals (NaN, the staleness marker,
// infinities, -0, long fractions) are exceptions kept verbatim.
//
//   u8 flags: e (bits 0-3) | mode << 4 | has factor (64) | has exceptions (128)
//   [uvarint factor g >= 2]
//   svarint n0
//   count >= 2, mode 0 (deltas): packed (count - 1) deltas / g
//   count >= 2, mode 1 (dod):    svarint first delta / g, packed (count - 2) dods / g
//   count >= 2, mode 2 (levels): packed (count - 1) values (n - n0) / g
//   near decimals only: packed count residuals in ulps
//   [uvarint exceptions, then per exception: uvarint index gap, 8 bytes raw float64 LE]
//
// Deltas suit counters and random walks, delta-of-deltas smooth lines, levels noise around a
// steady value (and differences between rollup columns); the encoder sizes all three.

const MODE_DELTA = 0;
const MODE_DOD = 1;
const MODE_LEVEL = 2;
const FLAG_FACTOR = 64;
const FLAG_EXCEPTIONS = 128;

/** Whether the decimal column starting at bytes[at] has no exceptions, so holds no NaN (staleness markers are NaNs). */
export function decimalWithoutExceptions(bytes: Uint8Array, at: number): boolean {
  return at < bytes.length && (bytes[at] & FLAG_EXCEPTIONS) === 0;
}
const TWO32 = 4294967296;

export interface IntPlan {
  count: number;
  /** Size of the body without residuals and exceptions. */
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
  if (count === 1) return { count, bytes: head, mode: MODE_DELTA, factor: 1, n0, firstDelta: 0, src: q, len: 0, pack: null };

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
  let best: IntPlan = {
    count,
    bytes: common + deltaPack.bytes,
    mode: MODE_DELTA,
    factor: g,
    n0,
    firstDelta,
    src: q,
    len: count - 1,
    pack: deltaPack,
  };

  const levels = levelScratch.get(count);
  let level = 0;
  for (let i = 0; i < count - 1; i++) levels[i] = level += q[i];
  const levelPack = planPacked(levels, 0, count - 1)!;
  if (common + levelPack.bytes < best.bytes) {
    best = {
      count,
      bytes: common + levelPack.bytes,
      mode: MODE_LEVEL,
      factor: g,
      n0,
      firstDelta,
      src: levels,
      len: count - 1,
      pack: levelPack,
    };
  }

  const dd = dodScratch.get(count);
  for (let i = 0; i < count - 2; i++) dd[i] = q[i + 1] - q[i];
  const dodPack = count === 2 ? null : planPacked(dd, 0, count - 2);
  const dodBytes = common + svarintLength(firstDelta) + (dodPack === null ? 0 : dodPack.bytes);
  if ((count === 2 || dodPack !== null) && dodBytes < best.bytes) {
    best = { count, bytes: dodBytes, mode: MODE_DOD, factor: g, n0, firstDelta, src: dd, len: count - 2, pack: dodPack };
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

/** Writes a decimal body; near decimals also pass their residuals and the plan packing them. */
export function writeDecimal(
  w: ByteWriter,
  bw: BitWriter,
  e: number,
  plan: IntPlan,
  values: Float64Array,
  exc: Int32Array,
  exceptions: number,
  residuals: Float64Array | null = null,
  residualPlan: PackPlan | null = null,
): void {
  w.u8(e | (plan.mode << 4) | (plan.factor > 1 ? FLAG_FACTOR : 0) | (exceptions > 0 ? FLAG_EXCEPTIONS : 0));
  if (plan.factor > 1) w.uvarint(plan.factor);
  w.svarint(plan.n0);
  if (plan.mode === MODE_DOD) w.svarint(plan.firstDelta);
  if (plan.pack !== null) writePacked(w, bw, plan.src, 0, plan.len, plan.pack);
  if (residuals !== null && residualPlan !== null) writePacked(w, bw, residuals, 0, plan.count, residualPlan);
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

const residualScratch = new ScratchF64();

/**
 * Reads a decimal column into out[0, count). With `ref`, the stored integers are differences
 * from the reference column's integers at the same exponent (see columns-chunk.ts); with
 * `near`, a residual stream follows the integers.
 */
export function readDecimal(r: ByteReader, br: BitReader, out: Float64Array, count: number, ref: Float64Array | null, near: boolean): void {
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

  // Unpack the stream into out, then integrate in place, dividing by 10^e on the way
  // unless a reference column is still to be added to the integers. x / 1 is x bit for
  // bit: integer columns (rollup rows, counts) skip the division.
  const q = ref === null ? p : 1;
  if (count >= 2) {
    if (mode === MODE_DOD) {
      let d = g * r.svarint();
      if (count >= 3) readPacked(r, br, out, 2, count - 2);
      let n = n0 + d;
      out[1] = n / q;
      if (q === 1) {
        for (let i = 2; i < count; i++) {
          d += g * out[i];
          n += d;
          out[i] = n;
        }
      } else {
        for (let i = 2; i < count; i++) {
          d += g * out[i];
          n += d;
          out[i] = n / q;
        }
      }
    } else if (mode === MODE_DELTA) {
      readPacked(r, br, out, 1, count - 1);
      let n = n0;
      if (q === 1) {
        for (let i = 1; i < count; i++) {
          n += g * out[i];
          out[i] = n;
        }
      } else {
        for (let i = 1; i < count; i++) {
          n += g * out[i];
          out[i] = n / q;
        }
      }
    } else {
      readPacked(r, br, out, 1, count - 1);
      if (q === 1) for (let i = 1; i < count; i++) out[i] = n0 + g * out[i];
      else for (let i = 1; i < count; i++) out[i] = (n0 + g * out[i]) / q;
    }
  }
  out[0] = n0 / q;
  if (ref !== null) {
    if (p === 1) for (let i = 0; i < count; i++) out[i] = out[i] + Math.round(ref[i]);
    else for (let i = 0; i < count; i++) out[i] = (out[i] + Math.round(ref[i] * p)) / p;
  }

  if (near) {
    const residuals = residualScratch.get(count);
    readPacked(r, br, residuals, 0, count);
    const u = wordsOf(out);
    for (let i = 0; i < count; i++) {
      const k = residuals[i];
      if (k === 0) continue;
      // 64-bit pattern + k, with the carry or borrow moved into the high word
      const lo = u[2 * i + LO] + k;
      u[2 * i + HI] += Math.floor(lo / TWO32);
      u[2 * i + LO] = lo;
    }
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
