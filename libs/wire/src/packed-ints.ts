import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { corrupt } from './errors.ts';
import { ScratchF64 } from './scratch.ts';

// Frame-of-reference bit packing in miniblocks (the idea of Parquet's DELTA_BINARY_PACKED):
// each miniblock stores its own minimum and range, so one outlier widens only the miniblock
// it falls in. The encoder measures every miniblock size from 16 to 256 and keeps the
// smallest result.
//
// Within a miniblock, a value x in [0, range] is written in truncated binary: with
// range + 1 = M not a power of two, 2^w > M > 2^(w-1), the u = 2^w - M smallest values take
// w - 1 bits and the others w. For increments spread evenly over their range (counters,
// random walks) this saves up to a bit a value against a plain w-bit field, and it is never
// larger. Decoding costs one comparison and sometimes one extra bit read.

const MIN_LOG2_BLOCK = 4;
const MAX_LOG2_BLOCK = 8;
/** Widest packed field: every value and offset is a safe integer. */
const MAX_PACKED_WIDTH = 53;
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
  /** Bits of each miniblock's range field. */
  rangeBits: number;
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
const bestMins = new ScratchF64();
const bestMaxs = new ScratchF64();
const sorted = new ScratchF64();
const FLAG_PATCHES = 8;

/** Per-16-value minimums and maximums (out-of-cut values counted as `stand`); returns the smallest. */
function gatherBlocks(src: Float64Array, start: number, len: number, lowCut: number, highCut: number, stand: number): number {
  const nb = (len + 15) >>> 4;
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
  const end = start + len;
  let base = Infinity;
  for (let k = 0, s = start; k < nb; k++, s += 16) {
    const e = Math.min(s + 16, end);
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

const POW2 = Float64Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Values below `short` of a miniblock with this range take one bit less (0 when range + 1 is a power of two). */
function shortCodes(range: number): number {
  return POW2[bitLength(range)] - range - 1;
}

/** Bits of the values src[start, start + len) in miniblocks of 2^log2 with the bounds kept in bestMins/bestMaxs. */
function payloadBits(src: Float64Array, start: number, len: number, log2: number, lowCut: number, highCut: number, stand: number): number {
  const size = 1 << log2;
  const end = start + len;
  const mins = bestMins.get(0);
  const maxs = bestMaxs.get(0);
  let bits = 0;
  for (let k = 0, s = start; s < end; k++, s += size) {
    const e = Math.min(s + size, end);
    const range = maxs[k] - mins[k];
    const short = shortCodes(range);
    const w = bitLength(range);
    if (short === 0) {
      bits += w * (e - s);
      continue;
    }
    const limit = mins[k] + short;
    let long = 0;
    for (let i = s; i < e; i++) {
      let v = src[i];
      if (v < lowCut || v > highCut) v = stand;
      if (v >= limit) long++;
    }
    bits += (w - 1) * (e - s) + long;
  }
  return bits;
}

/**
 * Picks the miniblock size over the gathered 16-blocks (merging them in place). Sizes are
 * compared as plain bit widths, which needs only the block bounds; the exact truncated-binary
 * size is then measured for the winner alone.
 */
function chooseBlocking(
  src: Float64Array,
  start: number,
  len: number,
  base: number,
  lowCut: number,
  highCut: number,
  stand: number,
): PackPlan | null {
  let nb = (len + 15) >>> 4;
  const mins = blockMins.get(nb);
  const maxs = blockMaxs.get(nb);
  let bestBits = Infinity;
  let best: PackPlan | null = null;
  for (let log2 = MIN_LOG2_BLOCK; log2 <= MAX_LOG2_BLOCK; log2++) {
    if (log2 > MIN_LOG2_BLOCK) {
      if (nb === 1) break;
      const merged = (nb + 1) >>> 1;
      for (let k = 0; k < merged; k++) {
        const a = 2 * k;
        const b = a + 1 < nb ? a + 1 : a;
        mins[k] = Math.min(mins[a], mins[b]);
        maxs[k] = Math.max(maxs[a], maxs[b]);
      }
      nb = merged;
    }
    const size = 1 << log2;
    let payload = 0;
    let maxRange = 0;
    let maxOffset = 0;
    let fits = true;
    for (let k = 0; k < nb; k++) {
      const range = maxs[k] - mins[k];
      const offset = mins[k] - base;
      if (range > Number.MAX_SAFE_INTEGER || offset > Number.MAX_SAFE_INTEGER) {
        fits = false;
        break;
      }
      payload += bitLength(range) * (k === nb - 1 ? len - k * size : size);
      if (range > maxRange) maxRange = range;
      if (offset > maxOffset) maxOffset = offset;
    }
    if (!fits) continue;
    const rangeBits = bitLength(maxRange);
    const offsetBits = bitLength(maxOffset);
    const headers = nb * (rangeBits + offsetBits);
    if (payload + headers < bestBits) {
      bestBits = payload + headers;
      bestMins.get(nb).set(mins.subarray(0, nb));
      bestMaxs.get(nb).set(maxs.subarray(0, nb));
      best = { bytes: headers, log2Block: log2, base, rangeBits, offsetBits, patches: 0, lowCut, highCut, stand };
    }
  }
  if (best !== null) {
    const bits = best.bytes + payloadBits(src, start, len, best.log2Block, lowCut, highCut, stand);
    best.bytes = 2 + svarintLength(base) + Math.ceil(bits / 8);
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
  const plain = chooseBlocking(src, start, len, base, -Infinity, Infinity, 0);
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
  const patched = chooseBlocking(src, start, len, gatherBlocks(src, start, len, lowCut, highCut, stand), lowCut, highCut, stand);
  if (patched === null) return plain;
  const bytes = patched.bytes + uvarintLength(patches) + patchBytes;
  if (plain !== null && plain.bytes <= bytes) return plain;
  return { ...patched, bytes, patches };
}

/**
 * Layout: u16le (log2Block - 4) | 8 if patched | rangeBits << 4 | offsetBits << 10, svarint
 * base, then a bit stream of miniblocks: range (rangeBits), minimum - base (offsetBits), the
 * values - minimum in truncated binary; then, if patched, uvarint count and per patch
 * uvarint index gap and svarint value.
 */
export function writePacked(w: ByteWriter, bw: BitWriter, src: Float64Array, start: number, len: number, plan: PackPlan): void {
  const { log2Block, base, rangeBits, offsetBits, lowCut, highCut, stand } = plan;
  const head = (log2Block - MIN_LOG2_BLOCK) | (plan.patches > 0 ? FLAG_PATCHES : 0) | (rangeBits << 4) | (offsetBits << 10);
  w.u8(head & 0xff);
  w.u8(head >>> 8);
  w.svarint(base);
  bw.begin(w);
  const size = 1 << log2Block;
  const end = start + len;
  for (let s = start; s < end; s += size) {
    const e = Math.min(s + size, end);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s; i < e; i++) {
      let v = src[i];
      if (v < lowCut || v > highCut) v = stand;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo;
    bw.wide(range, rangeBits);
    bw.wide(lo - base, offsetBits);
    if (range === 0) continue;
    const width = bitLength(range);
    const short = shortCodes(range);
    if (short === 0) {
      for (let i = s; i < e; i++) {
        let v = src[i];
        if (v < lowCut || v > highCut) v = stand;
        bw.wide(v - lo, width);
      }
      continue;
    }
    const k = width - 1;
    if (width <= 32) {
      for (let i = s; i < e; i++) {
        let v = src[i];
        if (v < lowCut || v > highCut) v = stand;
        const x = v - lo;
        if (x < short) {
          bw.bits(x, k);
        } else {
          const t = x - short;
          bw.bits((short + (t >>> 1)) | ((t & 1) << k), width);
        }
      }
    } else {
      for (let i = s; i < e; i++) {
        let v = src[i];
        if (v < lowCut || v > highCut) v = stand;
        const x = v - lo;
        if (x < short) {
          bw.wide(x, k);
        } else {
          const t = x - short;
          bw.wide(short + Math.floor(t / 2), k);
          bw.bits(t % 2, 1);
        }
      }
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
  const head = r.u8() | (r.u8() << 8);
  const log2Block = (head & 7) + MIN_LOG2_BLOCK;
  const rangeBits = (head >>> 4) & 63;
  const offsetBits = head >>> 10;
  if (log2Block > MAX_LOG2_BLOCK || rangeBits > MAX_PACKED_WIDTH || offsetBits > MAX_PACKED_WIDTH) {
    throw corrupt(`bad bit-packing header at byte ${r.pos - 2}`);
  }
  const base = r.svarint();
  br.begin(r.bytes, r.pos, r.end);
  const size = 1 << log2Block;
  const end = start + len;
  for (let s = start; s < end; s += size) {
    const e = Math.min(s + size, end);
    const range = br.wide(rangeBits);
    const lo = base + br.wide(offsetBits);
    if (range === 0) {
      for (let i = s; i < e; i++) out[i] = lo;
      continue;
    }
    const width = bitLength(range);
    const short = shortCodes(range);
    if (width <= 31) {
      br.unpack(out, s, e, lo, width, short);
    } else if (short === 0) {
      if (width <= 32) for (let i = s; i < e; i++) out[i] = lo + br.bits(width);
      else for (let i = s; i < e; i++) out[i] = lo + br.wide(width);
    } else if (width <= 32) {
      const k = width - 1;
      for (let i = s; i < e; i++) {
        const x = br.bits(k);
        out[i] = lo + (x < short ? x : x + x - short + br.bit());
      }
    } else {
      const k = width - 1;
      for (let i = s; i < e; i++) {
        const x = br.wide(k);
        out[i] = lo + (x < short ? x : x + x - short + br.bit());
      }
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
