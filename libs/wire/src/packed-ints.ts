import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { corrupt } from './errors.ts';
import { ScratchF64 } from './scratch.ts';

// Frame-of-reference bit packing in miniblocks (the idea of Parquet's DELTA_BINARY_PACKED):
// each miniblock stores its own minimum and bit width, so one outlier (a scrape gap, a
// counter reset) widens only the miniblock it falls in. The encoder measures every
// miniblock size from 16 to 256 and keeps the smallest result.

const MIN_LOG2_BLOCK = 4;
const MAX_LOG2_BLOCK = 8;
/** Widest packed field: every value and offset is a safe integer. */
export const MAX_PACKED_WIDTH = 53;
const TWO32 = 4294967296;

/** Number of bits needed to write a non-negative safe integer x. */
export function bitLength(x: number): number {
  return x < TWO32 ? 32 - Math.clz32(x) : 64 - Math.clz32(x / TWO32);
}

/** Bytes of the zigzag varint for v. */
export function svarintLength(v: number): number {
  let m = v < 0 ? -v - 1 : v;
  if (m < 64) return 1;
  m = Math.floor(m / 64);
  let n = 2;
  while (m >= 128) {
    m = Math.floor(m / 128);
    n++;
  }
  return n;
}

export function uvarintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

export interface PackPlan {
  /** Encoded size in bytes, header included. */
  bytes: number;
  log2Block: number;
  /** Smallest value of the stream; miniblock minimums are stored as offsets from it. */
  base: number;
  /** Bits of each miniblock's width field. */
  widthBits: number;
  /** Bits of each miniblock's minimum-offset field. */
  offsetBits: number;
}

const blockMins = new ScratchF64();
const blockMaxs = new ScratchF64();

/**
 * Sizes the packed form of the safe integers src[start, start + len), len >= 1. Returns null
 * when some difference would not be a safe integer (the caller then picks another form).
 */
export function planPacked(src: Float64Array, start: number, len: number): PackPlan | null {
  let nb = (len + 15) >>> 4;
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
  const end = start + len;
  let base = Infinity;
  for (let k = 0, s = start; k < nb; k++, s += 16) {
    const e = s + 16 < end ? s + 16 : end;
    let lo = src[s];
    let hi = lo;
    for (let i = s + 1; i < e; i++) {
      const v = src[i];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    mins[k] = lo;
    maxs[k] = hi;
    if (lo < base) base = lo;
  }

  let best: PackPlan | null = null;
  for (let log2 = MIN_LOG2_BLOCK; log2 <= MAX_LOG2_BLOCK; log2++) {
    if (log2 > MIN_LOG2_BLOCK) {
      if (nb === 1) break;
      const merged = (nb + 1) >>> 1;
      for (let k = 0; k < merged; k++) {
        const a = 2 * k;
        const b = a + 1 < nb ? a + 1 : a;
        mins[k] = mins[a] < mins[b] ? mins[a] : mins[b];
        maxs[k] = maxs[a] > maxs[b] ? maxs[a] : maxs[b];
      }
      nb = merged;
    }
    const size = 1 << log2;
    let payload = 0;
    let maxWidth = 0;
    let maxOffset = 0;
    let fits = true;
    for (let k = 0; k < nb; k++) {
      const range = maxs[k] - mins[k];
      const offset = mins[k] - base;
      if (range > Number.MAX_SAFE_INTEGER || offset > Number.MAX_SAFE_INTEGER) {
        fits = false;
        break;
      }
      const w = bitLength(range);
      payload += w * (k === nb - 1 ? len - k * size : size);
      if (w > maxWidth) maxWidth = w;
      if (offset > maxOffset) maxOffset = offset;
    }
    if (!fits) continue;
    const widthBits = bitLength(maxWidth);
    const offsetBits = bitLength(maxOffset);
    const bits = payload + nb * (widthBits + offsetBits);
    const bytes = 2 + svarintLength(base) + Math.ceil(bits / 8);
    if (best === null || bytes < best.bytes) best = { bytes, log2Block: log2, base, widthBits, offsetBits };
  }
  return best;
}

/**
 * Layout: u8 (log2Block - 4) | widthBits << 3, u8 offsetBits, svarint base, then a bit stream
 * of miniblocks: width (widthBits), minimum - base (offsetBits), values - minimum (width each).
 */
export function writePacked(w: ByteWriter, bw: BitWriter, src: Float64Array, start: number, len: number, plan: PackPlan): void {
  const { log2Block, base, widthBits, offsetBits } = plan;
  w.u8((log2Block - MIN_LOG2_BLOCK) | (widthBits << 3));
  w.u8(offsetBits);
  w.svarint(base);
  bw.begin(w);
  const size = 1 << log2Block;
  const end = start + len;
  for (let s = start; s < end; s += size) {
    const e = s + size < end ? s + size : end;
    let lo = src[s];
    let hi = lo;
    for (let i = s + 1; i < e; i++) {
      const v = src[i];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    const width = bitLength(hi - lo);
    bw.bits(width, widthBits);
    bw.wide(lo - base, offsetBits);
    if (width === 0) continue;
    if (width <= 32) {
      for (let i = s; i < e; i++) bw.bits(src[i] - lo, width);
    } else {
      for (let i = s; i < e; i++) bw.wide(src[i] - lo, width);
    }
  }
  bw.end();
}

/** Reads len values written by writePacked into out[start, start + len). */
export function readPacked(r: ByteReader, br: BitReader, out: Float64Array, start: number, len: number): void {
  const head = r.u8();
  const log2Block = (head & 7) + MIN_LOG2_BLOCK;
  const widthBits = head >>> 3;
  const offsetBits = r.u8();
  if (log2Block > MAX_LOG2_BLOCK || widthBits > 6 || offsetBits > MAX_PACKED_WIDTH) {
    throw corrupt(`bad bit-packing header at byte ${r.pos - 2}`);
  }
  const base = r.svarint();
  br.begin(r.bytes, r.pos, r.end);
  const size = 1 << log2Block;
  const end = start + len;
  for (let s = start; s < end; s += size) {
    const e = s + size < end ? s + size : end;
    const width = widthBits === 0 ? 0 : br.bits(widthBits);
    if (width > MAX_PACKED_WIDTH) throw corrupt(`bit width ${width} is impossible`);
    const lo = base + br.wide(offsetBits);
    if (width === 0) {
      for (let i = s; i < e; i++) out[i] = lo;
    } else if (width <= 32) {
      for (let i = s; i < e; i++) out[i] = lo + br.bits(width);
    } else {
      for (let i = s; i < e; i++) out[i] = lo + br.wide(width);
    }
  }
  r.pos = br.end();
}
