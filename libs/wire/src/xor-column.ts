import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { corrupt } from './errors.ts';
import { HI, LO, wordsOf } from './float-bits.ts';

// Gorilla XOR value column (Pelkonen et al., VLDB 2015, as used by Prometheus), on 32-bit
// halves so that no BigInt is involved. One bit stream:
//   first value: 64 bits (low word, then high word)
//   each next value, XORed with the previous one:
//     0                               identical
//     1 0 <bits>                      fits the previous window of leading/trailing zeros
//     1 1 <lead:5> <width:6> <bits>   new window (width 64 is written as 0)
// Control bits and the window fields go into one write so a value costs few calls.

/** Trailing zero count of a non-zero 32-bit word. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

export function writeXor(w: ByteWriter, bw: BitWriter, values: Float64Array, count: number): void {
  if (count === 0) return;
  const u = wordsOf(values);
  bw.begin(w);
  let ph = u[HI];
  let pl = u[LO];
  bw.bits(pl, 32);
  bw.bits(ph, 32);
  let lead = -1;
  let trail = 0;
  for (let i = 1; i < count; i++) {
    const h = u[2 * i + HI];
    const l = u[2 * i + LO];
    const xh = h ^ ph;
    const xl = l ^ pl;
    ph = h;
    pl = l;
    if ((xh | xl) === 0) {
      bw.bits(0, 1);
      continue;
    }
    const nl = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const nt = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    let width: number;
    if (lead >= 0 && nl >= lead && nt >= trail) {
      width = 64 - lead - trail;
      bw.bits(0b01, 2);
    } else {
      lead = Math.min(nl, 31);
      trail = nt;
      width = 64 - lead - trail;
      bw.bits(0b11 | (lead << 2) | ((width & 63) << 7), 13);
    }
    let sh: number;
    let sl: number;
    if (trail === 0) {
      sh = xh;
      sl = xl;
    } else if (trail < 32) {
      sl = (xl >>> trail) | (xh << (32 - trail));
      sh = xh >>> trail;
    } else {
      sl = xh >>> (trail - 32);
      sh = 0;
    }
    if (width <= 32) {
      bw.bits(sl, width);
    } else {
      bw.bits(sl, 32);
      bw.bits(sh, width - 32);
    }
  }
  bw.end();
}

/** Size in bytes that writeXor would produce, without writing. */
export function xorBytes(values: Float64Array, count: number): number {
  if (count === 0) return 0;
  const u = wordsOf(values);
  let bits = 64;
  let ph = u[HI];
  let pl = u[LO];
  let lead = -1;
  let trail = 0;
  for (let i = 1; i < count; i++) {
    const h = u[2 * i + HI];
    const l = u[2 * i + LO];
    const xh = h ^ ph;
    const xl = l ^ pl;
    ph = h;
    pl = l;
    if ((xh | xl) === 0) {
      bits += 1;
      continue;
    }
    const nl = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const nt = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (lead >= 0 && nl >= lead && nt >= trail) {
      bits += 2 + 64 - lead - trail;
    } else {
      lead = Math.min(nl, 31);
      trail = nt;
      bits += 13 + 64 - lead - trail;
    }
  }
  return Math.ceil(bits / 8);
}

export function readXor(r: ByteReader, br: BitReader, out: Float64Array, count: number): void {
  if (count === 0) return;
  const u = wordsOf(out);
  br.begin(r.bytes, r.pos, r.end);
  let pl = br.bits(32);
  let ph = br.bits(32);
  u[LO] = pl;
  u[HI] = ph;
  let lead = -1;
  let trail = 0;
  let width = 0;
  for (let i = 1; i < count; i++) {
    if (br.bit() !== 0) {
      if (br.bit() !== 0) {
        lead = br.bits(5);
        width = br.bits(6);
        if (width === 0) width = 64;
        trail = 64 - lead - width;
        if (trail < 0) throw corrupt(`XOR window of ${lead} + ${width} bits is impossible`);
      } else if (lead < 0) {
        throw corrupt('XOR value reuses a window before any was set');
      }
      let sl: number;
      let sh: number;
      if (width <= 32) {
        sl = br.bits(width);
        sh = 0;
      } else {
        sl = br.bits(32);
        sh = br.bits(width - 32);
      }
      if (trail === 0) {
        ph ^= sh;
        pl ^= sl;
      } else if (trail < 32) {
        ph ^= (sh << trail) | (sl >>> (32 - trail));
        pl ^= sl << trail;
      } else {
        ph ^= sl << (trail - 32);
      }
    }
    u[2 * i + HI] = ph;
    u[2 * i + LO] = pl;
  }
  r.pos = br.end();
}
