import { fromWords, highWord, lowWord } from './float-bits.ts';

const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;
// V8 sets the quiet bit of a signalling NaN it stores in a plain JS array (number[],
// literals, map results); the marker then reads 0x7ff8000000000002 and must still count.
const QUIETED_STALE_HI = 0x7ff80000;

/**
 * Prometheus's staleness marker: a NaN with the exact bit pattern 0x7ff0000000000002. It must
 * survive storage bit for bit, since an ordinary NaN is a real (if odd) sample value.
 */
export const STALE_NAN: number = fromWords(STALE_HI, STALE_LO);

/** True for the staleness marker (also once V8 has quieted it), not for other NaNs. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  const hi = highWord(v);
  return (hi === STALE_HI || hi === QUIETED_STALE_HI) && lowWord(v) === STALE_LO;
}
