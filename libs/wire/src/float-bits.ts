// Float64 values are read and written as two 32-bit halves so that bit-exact work (NaN
// payloads, XOR) needs only 32-bit integer operations. Which half of a Uint32Array view
// holds the high word depends on the platform's byte order.
const probe = new Uint8Array(new Uint16Array([1]).buffer);
const littleEndian = probe[0] === 1;

/** Index of the high (sign, exponent, top of mantissa) word of element i is 2*i + HI. */
export const HI = littleEndian ? 1 : 0;
/** Index of the low word of element i is 2*i + LO. */
export const LO = littleEndian ? 0 : 1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export function highWord(v: number): number {
  f64[0] = v;
  return u32[HI];
}

export function lowWord(v: number): number {
  f64[0] = v;
  return u32[LO];
}

export function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

/** A 32-bit view over the same memory; element i of `a` is at [2*i + HI, 2*i + LO]. */
export function wordsOf(a: Float64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}
