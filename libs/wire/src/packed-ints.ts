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
  /** Encoded size in bytes, header and patches included. */
  bytes: number;
  log2Block: number;
  /** Smallest packed value; miniblock minimums are stored as offsets from it. */
  base: number;
  /** Bits of each miniblock's width field. */
  widthBits: number;
  /** Bits of each miniblock's minimum-offset field. */
  offsetBits: number;
  /** Values outside [lowCut, highCut] are packed as `stand` and stored whole after the bits. */
  patches: number;
  lowCut: number;
  highCut: number;
  stand: number;
}

const blockMins = new ScratchF64();
const blockMaxs = new ScratchF64();
const sorted = new ScratchF64();
const FLAG_PATCHES = 0x40;

/** Per-16-value minimums and maximums (out-of-cut values counted as `stand`); returns the smallest. */
function gatherBlocks(src: Float64Array, start: number, len: number, lowCut: number, highCut: number, stand: number): number {
  const nb = (len + 15) >>> 4;
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
  const end = start + len;
  let base = Infinity;
  for (let k = 0, s = start; k < nb; k++, s += 16) {
    const e = s + 16 < end ? s + 16 : end;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s; i < e; i++) {
      let v = src[i];
      if (v < lowCut || v > highCut) v = stand;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    mins[k] = lo;
    maxs[k] = hi;
    if (lo < base) base = lo;
  }
  return base;
}

/** Tries miniblocks of 16 to 256 values over the gathered 16-blocks (merging them in place). */
function chooseBlocking(len: number, base: number): PackPlan | null {
  let nb = (len + 15) >>> 4;
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
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
    if (best === null || bytes < best.bytes) {
      best = { bytes, log2Block: log2, base, widthBits, offsetBits, patches: 0, lowCut: -Infinity, highCut: Infinity, stand: 0 };
    }
  }
  return best;
}

/** Whether some 16-block is much wider than the narrowest, the only case where patching can pay. */
function hasWideBlock(nb: number): boolean {
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
  let narrowest = Infinity;
  let widest = 0;
  for (let k = 0; k < nb; k++) {
    const range = maxs[k] - mins[k];
    if (range < narrowest) narrowest = range;
    if (range > widest) widest = range;
  }
  return bitLength(widest) > bitLength(narrowest) + 2;
}

function median(a: Float64Array, n: number, upper: boolean): number {
  const s = sorted.get(n).subarray(0, n);
  s.set(a.subarray(0, n));
  s.sort();
  return s[upper ? n >>> 1 : (n - 1) >>> 1];
}

/**
 * Sizes the packed form of the safe integers src[start, start + len), len >= 1. Returns null
 * when some difference would not be a safe integer (the caller then picks another form).
 *
 * A gap or a counter reset puts one huge value among small ones. Rather than widen its
 * miniblock (and, through the base, every offset field), such outliers may be patched: packed
 * as a typical value and stored whole after the bits. "Typical" is judged from the medians of
 * the 16-value minimums and maximums; the patched form is kept only when it is smaller.
 */
export function planPacked(src: Float64Array, start: number, len: number): PackPlan | null {
  const nb = (len + 15) >>> 4;
  const base = gatherBlocks(src, start, len, -Infinity, Infinity, 0);
  let lowCut = -Infinity;
  let highCut = Infinity;
  let stand = 0;
  if (nb >= 3 && hasWideBlock(nb)) {
    const lo = median(blockMins.get(nb), nb, false);
    const hi = median(blockMaxs.get(nb), nb, true);
    const spread = hi - lo;
    lowCut = lo - 2 * spread - 1;
    highCut = hi + 2 * spread + 1;
    stand = lo;
  }
  const plain = chooseBlocking(len, base);
  if (lowCut === -Infinity) return plain;

  let patches = 0;
  let patchBytes = 0;
  let last = -1;
  for (let i = 0; i < len; i++) {
    const v = src[start + i];
    if (v < lowCut || v > highCut) {
      if (++patches > len >>> 3) return plain;
      patchBytes += uvarintLength(i - last - 1) + svarintLength(v);
      last = i;
    }
  }
  if (patches === 0) return plain;
  const patched = chooseBlocking(len, gatherBlocks(src, start, len, lowCut, highCut, stand));
  if (patched === null) return plain;
  const bytes = patched.bytes + uvarintLength(patches) + patchBytes;
  if (plain !== null && plain.bytes <= bytes) return plain;
  return { ...patched, bytes, patches, lowCut, highCut, stand };
}

/**
 * Layout: u8 (log2Block - 4) | widthBits << 3 | 0x40 if patched, u8 offsetBits, svarint base,
 * then a bit stream of miniblocks: width (widthBits), minimum - base (offsetBits), values -
 * minimum (width each); then, if patched, uvarint count and per patch uvarint index gap and
 * svarint value.
 */
export function writePacked(w: ByteWriter, bw: BitWriter, src: Float64Array, start: number, len: number, plan: PackPlan): void {
  const { log2Block, base, widthBits, offsetBits, lowCut, highCut, stand } = plan;
  w.u8((log2Block - MIN_LOG2_BLOCK) | (widthBits << 3) | (plan.patches > 0 ? FLAG_PATCHES : 0));
  w.u8(offsetBits);
  w.svarint(base);
  bw.begin(w);
  const size = 1 << log2Block;
  const end = start + len;
  for (let s = start; s < end; s += size) {
    const e = s + size < end ? s + size : end;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s; i < e; i++) {
      let v = src[i];
      if (v < lowCut || v > highCut) v = stand;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const width = bitLength(hi - lo);
    bw.bits(width, widthBits);
    bw.wide(lo - base, offsetBits);
    if (width === 0) continue;
    for (let i = s; i < e; i++) {
      let v = src[i];
      if (v < lowCut || v > highCut) v = stand;
      bw.wide(v - lo, width);
    }
  }
  bw.end();
  if (plan.patches > 0) {
    w.uvarint(plan.patches);
    let last = -1;
    for (let i = 0; i < len; i++) {
      const v = src[start + i];
      if (v < lowCut || v > highCut) {
        w.uvarint(i - last - 1);
        w.svarint(v);
        last = i;
      }
    }
  }
}

/** Reads len values written by writePacked into out[start, start + len). */
export function readPacked(r: ByteReader, br: BitReader, out: Float64Array, start: number, len: number): void {
  const head = r.u8();
  const log2Block = (head & 7) + MIN_LOG2_BLOCK;
  const widthBits = (head >>> 3) & 7;
  const offsetBits = r.u8();
  if (log2Block > MAX_LOG2_BLOCK || widthBits > 6 || head >= 0x80 || offsetBits > MAX_PACKED_WIDTH) {
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
  if (head & FLAG_PATCHES) {
    const patches = r.uvarint();
    if (patches === 0 || patches > len) throw corrupt(`${patches} patches in a stream of ${len} values`);
    let i = -1;
    for (let k = 0; k < patches; k++) {
      i += r.uvarint() + 1;
      if (i >= len) throw corrupt(`patch index ${i} is past the ${len} packed values`);
      out[start + i] = r.svarint();
    }
  }
}
