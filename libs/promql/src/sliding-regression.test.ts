// deriv and predict_linear by sliding sums must give upstream's answers up to rounding:
// compared over random series (flat, linear, noisy, level shifts, offsets up to 1e12,
// sparse enough for windows of 0, 1 and 2 samples) with upstream's window-by-window
// regression (within 1e-9 of the values' scale), and with the exact regression in
// rational arithmetic (BigInt), which the sliding sums must meet far more closely than
// upstream's cancelling sums can. Series upstream's way must take keep its very floats.

import { describe, expect, it } from 'vitest';
import { RANGE_FUNCTIONS, type RangeWindow } from './functions/index.ts';
import { SERIES_FUNCTIONS, windowIndexes } from './sliding-windows.ts';
import type { PointSeries } from './values.ts';
import { seededRandom } from '@metrics-hub/testing';
import { STALE_NAN } from '@metrics-hub/wire';

type Shape = 'flat' | 'linear' | 'noisy' | 'linear+noise' | 'shifts' | 'runs';
const SHAPES: Shape[] = ['flat', 'linear', 'noisy', 'linear+noise', 'shifts', 'runs'];
const OFFSETS = [0, 5, -3.25, 1e-12, 1e10, 2.5e11, -1e12, 1e12];

/** A 10 s scrape with jitter from a realistic epoch; `gaps` makes windows of 0, 1 and 2 samples. */
function series(rnd: () => number, n: number, shape: Shape, offset: number, gaps: boolean): PointSeries {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let t = 1_700_000_000_000;
  const slope = (rnd() - 0.5) * (offset === 0 ? 10 : Math.abs(offset) * 1e-6);
  const noise = offset === 0 ? 1 : Math.abs(offset) * 10 ** -(3 + Math.floor(rnd() * 8));
  let level = offset;
  let v = offset;
  for (let i = 0; i < n; i++) {
    t += gaps && rnd() < 0.1 ? 40_000 + Math.round(rnd() * 600_000) : 10_000 + Math.round((rnd() - 0.5) * 500);
    ts[i] = t;
    const x = (t - 1_700_000_000_000) / 1e3;
    if (shape === 'flat') v = offset;
    else if (shape === 'linear') v = offset + slope * x;
    else if (shape === 'noisy') v = offset + noise * (rnd() - 0.5);
    else if (shape === 'linear+noise') v = offset + slope * x + noise * (rnd() - 0.5);
    else if (shape === 'shifts') {
      if (rnd() < 0.02) level += noise * 1000 * (rnd() - 0.5);
      v = level + noise * (rnd() - 0.5);
    } else if (rnd() < 0.1) v = offset + Math.round(noise * rnd() * 100);
    vs[i] = v;
  }
  return { labels: { __name__: 'x' }, ts, vs, n };
}

interface Run {
  answered: boolean;
  values: Float64Array;
  has: Uint8Array;
}

function sliding(name: string, p: PointSeries, ends: Float64Array, evalTimes: Float64Array, rangeMs: number, h: Float64Array): Run {
  const w = windowIndexes(p.ts, p.n, ends, rangeMs);
  const values = new Float64Array(ends.length);
  const has = new Uint8Array(ends.length);
  const args = name === 'deriv' ? [] : [h];
  const answered = SERIES_FUNCTIONS[name]({ p, w, ends, evalTimes, rangeMs, args, values, has, annotate: () => {}, tick: () => {} });
  return { answered, values, has };
}

/** Upstream's regression, window by window. */
function upstream(name: string, p: PointSeries, lo: number, hi: number, end: number, evalTime: number, rangeMs: number, h: number) {
  if (hi === lo) return undefined;
  const window: RangeWindow = { start: end - rangeMs, end, evalTime, metricName: 'x', annotate: () => {} };
  return RANGE_FUNCTIONS[name]({ ts: p.ts.subarray(lo, hi), vs: p.vs.subarray(lo, hi), n: hi - lo }, window, [h]);
}

/** A finite double as m / 2^k, both integers. */
function dyadic(v: number): [bigint, number] {
  let k = 0;
  while (!Number.isInteger(v)) {
    v *= 2;
    k++;
  }
  return [BigInt(v), k];
}

/** p / q (q > 0) rounded to a double within a few ulps. */
function toNumber(p: bigint, q: bigint): number {
  if (p === 0n) return 0;
  const neg = p < 0n;
  const a = neg ? -p : p;
  const shift = q.toString(2).length - a.toString(2).length + 64;
  const r = shift >= 0 ? (a << BigInt(shift)) / q : a / (q << BigInt(-shift));
  const v = Number(r) * 2 ** -shift;
  return neg ? -v : v;
}

/** The least-squares line through samples [lo, hi), exactly: the slope per second, and the value at t (ms). */
function exact(p: PointSeries, lo: number, hi: number, t: number): { slope: number; at: number } {
  const parts = Array.from(p.vs.subarray(lo, hi), dyadic);
  const k = Math.max(...parts.map(([, e]) => e));
  const ys = parts.map(([m, e]) => m << BigInt(k - e));
  const n = BigInt(hi - lo);
  let sx = 0n;
  let sy = 0n;
  let sxy = 0n;
  let sxx = 0n;
  for (let i = lo; i < hi; i++) {
    const x = BigInt(p.ts[i]);
    const y = ys[i - lo];
    sx += x;
    sy += y;
    sxy += x * y;
    sxx += x * x;
  }
  const num = n * sxy - sx * sy;
  const den = n * sxx - sx * sx;
  // y(t) = mean(y) + slope * (t - mean(x)) = (sy den + num (n t - sx)) / (n den), all y scaled by 2^k.
  const at = sy * den + num * (n * BigInt(t) - sx);
  return { slope: toNumber(num * 1000n, den << BigInt(k)), at: toNumber(at, (n * den) << BigInt(k)) };
}

/** |a - b| in units of scale (a scale of 0, all values 0, asks for equality). */
const relative = (a: number, b: number, scale: number) => (a === b ? 0 : Math.abs(a - b) / scale);

const grid = (from: number, step: number, count: number) => Float64Array.from({ length: count }, (_, i) => from + i * step);

describe('deriv and predict_linear by sliding sums', () => {
  it.each(['deriv', 'predict_linear'])('%s agrees with upstream and with the exact regression on random series', (name) => {
    const rnd = seededRandom(name === 'deriv' ? 23 : 29);
    let windows = 0;
    let worstUpstream = 0;
    let worstExact = 0;
    for (const shape of SHAPES) {
      for (const offset of OFFSETS) {
        const gaps = rnd() < 0.3;
        const p = series(rnd, 900, shape, offset, gaps);
        const from = p.ts[0] - 30_000;
        for (const [range, step, steps] of [
          [3_600_000, 60_000, 150],
          [300_000, 60_000, 150],
          [30_000, 60_000, 150],
          [600_000, 7_000, 300],
        ]) {
          const ends = grid(from + range / 2, step, steps);
          // An offset of an hour moves the windows, not the evaluation times predict_linear reads.
          const evalTimes = rnd() < 0.5 ? ends : Float64Array.from(ends, (e) => e + 3_600_000);
          const h = Float64Array.from(ends, (_, i) => [14_400, 0, -60, 86_400][i % 4]);
          const run = sliding(name, p, ends, evalTimes, range, h);
          expect(run.answered).toBe(true);
          const w = windowIndexes(p.ts, p.n, ends, range);
          for (let i = 0; i < steps; i++) {
            const lo = w.lo[i];
            const hi = w.hi[i];
            const want = upstream(name, p, lo, hi, ends[i], evalTimes[i], range, h[i]);
            expect(run.has[i], `${shape} ${offset} step ${i}`).toBe(want === undefined ? 0 : 1);
            if (want === undefined) continue;
            windows++;
            // The values' scale: how far a line through the window's values can reach per
            // second (deriv), or at the predicted time (predict_linear).
            let maxAbsY = 0;
            for (let j = lo; j < hi; j++) maxAbsY = Math.max(maxAbsY, Math.abs(p.vs[j]));
            const spanS = (p.ts[hi - 1] - p.ts[lo]) / 1e3;
            const reach = Math.abs(evalTimes[i] / 1e3 + h[i] - p.ts[lo] / 1e3);
            const scale = name === 'deriv' ? maxAbsY / spanS : maxAbsY * (1 + reach / spanS);
            const got = run.values[i];
            const e = exact(p, lo, hi, evalTimes[i] + h[i] * 1000);
            const truth = name === 'deriv' ? e.slope : e.at;
            const vsUpstream = relative(got, want, scale);
            const vsExact = relative(got, truth, scale);
            worstUpstream = Math.max(worstUpstream, vsUpstream);
            worstExact = Math.max(worstExact, vsExact);
            expect(vsUpstream, `${shape} ${offset} step ${i}: ${got} vs upstream ${want}`).toBeLessThanOrEqual(1e-9);
            // The exact line is met to within a few roundings of the values' scale.
            expect(vsExact, `${shape} ${offset} step ${i}: ${got} vs exact ${truth}`).toBeLessThanOrEqual(1e-13);
            // A window of equal values gives upstream's exact [0, value].
            if (shape === 'flat') expect(got).toBe(want);
          }
        }
      }
    }
    expect(windows).toBeGreaterThan(10_000);
    // For the record when run alone (npx vitest run ... --reporter verbose shows nothing of it otherwise).
    expect(worstUpstream).toBeLessThan(1e-9);
    expect(worstExact).toBeLessThan(1e-13);
  });

  it('a noisy flat series with a huge offset: closer to the exact slope than upstream gets', () => {
    // 1e10 bytes with noise of a byte: upstream's sums of t*v near 1e17 cancel down to ~1e3.
    const rnd = seededRandom(31);
    const p = series(rnd, 2200, 'noisy', 1e10, false);
    for (let i = 0; i < p.n; i++) p.vs[i] = Math.round(p.vs[i]);
    const ends = grid(p.ts[0] + 21_600_000, 60_000, 60);
    const run = sliding('deriv', p, ends, ends, 21_600_000, new Float64Array(60));
    const w = windowIndexes(p.ts, p.n, ends, 21_600_000);
    let ours = 0;
    let theirs = 0;
    for (let i = 0; i < 60; i++) {
      const truth = exact(p, w.lo[i], w.hi[i], 0).slope;
      ours = Math.max(ours, Math.abs(run.values[i] - truth));
      theirs = Math.max(theirs, Math.abs(upstream('deriv', p, w.lo[i], w.hi[i], ends[i], ends[i], 21_600_000, 0)! - truth));
    }
    expect(ours).toBeLessThanOrEqual(theirs);
    expect(ours).toBeLessThan(1e-12);
  });

  it.each([
    ['NaN', NaN],
    ['a staleness marker', STALE_NAN],
    ['a value that could overflow the sums', 1e200],
  ])('a series holding %s takes upstream window by window, its very floats', (_, odd) => {
    for (const name of ['deriv', 'predict_linear']) {
      const p = series(seededRandom(37), 400, 'linear+noise', 1e10, false);
      p.vs[200] = odd;
      const ends = grid(p.ts[0], 60_000, 70);
      const h = new Float64Array(70).fill(3600);
      const run = sliding(name, p, ends, ends, 600_000, h);
      expect(run.answered).toBe(true);
      const w = windowIndexes(p.ts, p.n, ends, 600_000);
      for (let i = 0; i < 70; i++) {
        const want = upstream(name, p, w.lo[i], w.hi[i], ends[i], ends[i], 600_000, 3600);
        expect(run.has[i]).toBe(want === undefined ? 0 : 1);
        if (want !== undefined) expect(Object.is(run.values[i], want), `${name} step ${i}: ${run.values[i]} vs ${want}`).toBe(true);
      }
    }
  });

  it('a series holding an infinity, or windows that move back, go upstream step by step or window by window', () => {
    const p = series(seededRandom(41), 300, 'linear', 1e10, false);
    const ends = Float64Array.from([p.ts[0] + 2_000_000, p.ts[0] + 1_500_000, p.ts[0] + 2_500_000]);
    const back = sliding('deriv', p, ends, ends, 600_000, new Float64Array(3));
    const w = windowIndexes(p.ts, p.n, ends, 600_000);
    for (let i = 0; i < 3; i++)
      expect(Object.is(back.values[i], upstream('deriv', p, w.lo[i], w.hi[i], ends[i], ends[i], 600_000, 0))).toBe(true);
    p.vs[100] = -Infinity;
    expect(sliding('deriv', p, ends, ends, 600_000, new Float64Array(3)).answered).toBe(false);
  });
});
