import { fromWords, highWord, lowWord } from './float-bits.ts';

const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/**
 * Prometheus's staleness marker: a NaN with the exact bit pattern 0x7ff0000000000002. It must
 * survive storage bit for bit, since an ordinary NaN is a real (if odd) sample value.
 */
export const STALE_NAN: number = fromWords(STALE_HI, STALE_LO);

/** True only for the staleness marker's exact bits, not for other NaNs. */
export function isStaleNaN(v: number): boolean {
  return v !== v && highWord(v) === STALE_HI && lowWord(v) === STALE_LO;
}
