// extrapolatedSteps answers rate and increase of every step's window in one loop over a
// series' buckets: it must give the floats the per-window bucket function gives by walking
// each window (countOf, increaseOver), bit for bit, whatever order the windows come in.

import { describe, expect, it } from 'vitest';
import { COUNT, FIRST, FIRST_OFFSET, LAST, LAST_OFFSET, RESETS, ROLLUP_COLUMNS, type RollupBuckets } from '@metrics-hub/wire';
import { seededRandom } from '@metrics-hub/testing';
import { bucketFunction } from './rollup-functions.ts';
import { extrapolatedSteps } from './rollup-rate.ts';

/** Counter buckets with resets inside buckets and at seams, empty and one-sample buckets, and a few NaNs. */
function buckets(n: number, seed: number): RollupBuckets {
  const rnd = seededRandom(seed);
  const columns = ROLLUP_COLUMNS.map(() => new Float64Array(n));
  const ends = Float64Array.from({ length: n }, (_, i) => (i + 1) * 60_000);
  let v = 10;
  for (let i = 0; i < n; i++) {
    columns[COUNT][i] = rnd() < 0.05 ? Math.floor(rnd() * 2) : 1 + Math.floor(rnd() * 8);
    if (rnd() < 0.05) v = rnd() < 0.3 ? 0 : rnd() * 3; // a reset at the seam
    columns[FIRST][i] = v;
    v += Math.round(rnd() * 1e4) / 100;
    columns[RESETS][i] = rnd() < 0.05 ? Math.round(rnd() * 1e5) / 10 : 0;
    columns[LAST][i] = rnd() < 0.01 ? NaN : v;
    columns[FIRST_OFFSET][i] = 60_000 - Math.floor(rnd() * 10_000);
    columns[LAST_OFFSET][i] = Math.floor(rnd() * 10_000);
  }
  return { length: n, ends, columns };
}

/** Windows of `width` buckets ending at each step, in the given order of steps. */
function windows(b: RollupBuckets, steps: number[], width: number) {
  const from = new Int32Array(steps.length);
  const to = new Int32Array(steps.length);
  const ends = new Float64Array(steps.length);
  steps.forEach((s, i) => {
    to[i] = Math.min(b.length, Math.max(0, s + 1));
    from[i] = Math.min(b.length, Math.max(0, s + 1 - width));
    ends[i] = (s + 1) * 60_000;
  });
  return { from, to, ends };
}

describe('extrapolatedSteps', () => {
  it('gives the rate and increase of walking each window, bit for bit', () => {
    let answered = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const b = buckets(400, seed);
      const rnd = seededRandom(100 + seed);
      const forward = Array.from({ length: 420 }, (_, i) => i - 10);
      const shuffled = forward
        .map((s) => [rnd(), s])
        .sort((x, y) => x[0] - y[0])
        .map(([, s]) => s);
      for (const order of [forward, shuffled]) {
        for (const width of [1, 2, 5, 60, 400]) {
          const { from, to, ends } = windows(b, order, width);
          for (const name of ['rate', 'increase']) {
            const fn = bucketFunction(name, 'counter')!;
            const values = new Float64Array(order.length).fill(-1);
            const has = new Uint8Array(order.length);
            extrapolatedSteps(b, from, to, ends, width * 60_000, name === 'rate', values, has);
            for (let i = 0; i < order.length; i++) {
              const want = to[i] === from[i] ? undefined : fn(b, from[i], to[i], ends[i] - width * 60_000, ends[i]);
              const got = has[i] ? values[i] : undefined;
              if (want !== undefined) answered++;
              const same = got === undefined ? want === undefined : Object.is(got, want);
              expect(same, `${name} ${from[i]}..${to[i]}: ${got} != ${want}`).toBe(true);
            }
          }
        }
      }
    }
    expect(answered).toBeGreaterThan(10_000);
  });
});
