// BucketWindows answers counts and counter increases of any window of a series' buckets
// in constant time: they must be the floats countOf/increaseOver give by walking it.

import { describe, expect, it } from 'vitest';
import { COUNT, FIRST, increaseOver, LAST, RESETS, ROLLUP_COLUMNS, type RollupBuckets } from '@metrics-hub/wire';
import { BucketWindows } from './rollup-functions.ts';
import { seededRandom } from '@metrics-hub/testing';

/** Counter buckets with resets inside buckets and at seams, and a few NaNs. */
function buckets(n: number, seed: number): RollupBuckets {
  const rnd = seededRandom(seed);
  const columns = ROLLUP_COLUMNS.map(() => new Float64Array(n));
  const ends = Float64Array.from({ length: n }, (_, i) => (i + 1) * 60_000);
  let v = 10;
  for (let i = 0; i < n; i++) {
    columns[COUNT][i] = 1 + Math.floor(rnd() * 8);
    if (rnd() < 0.05) v = rnd() * 3; // a reset at the seam
    columns[FIRST][i] = v;
    v += Math.round(rnd() * 1e4) / 100;
    columns[RESETS][i] = rnd() < 0.05 ? Math.round(rnd() * 1e5) / 10 : 0;
    columns[LAST][i] = rnd() < 0.01 ? NaN : v;
  }
  return { length: n, ends, columns };
}

describe('BucketWindows', () => {
  it('gives the counts and increases of walking each window, bit for bit', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const b = buckets(400, seed);
      const w = new BucketWindows(b);
      for (let from = 0; from < b.length; from += 3) {
        for (const width of [1, 2, 5, 60, 400]) {
          const to = Math.min(b.length, from + width);
          let count = 0;
          for (let i = from; i < to; i++) count += b.columns[COUNT][i];
          expect(w.count(from, to)).toBe(count);
          expect(Object.is(w.increase(from, to), increaseOver(b, from, to)), `${from}..${to}`).toBe(true);
        }
      }
    }
  });
});
