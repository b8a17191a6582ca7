// The whole-series range functions must give the very floats the step-by-step ones give:
// compared bit for bit over random series with resets, repeats, gaps and odd step grids.
// (deriv and predict_linear slide their sums and differ by rounding: sliding-regression.test.ts.)

import { describe, expect, it } from 'vitest';
import { RANGE_FUNCTIONS, type RangeWindow } from './functions/index.ts';
import { SERIES_FUNCTIONS, windowIndexes } from './sliding-windows.ts';
import type { PointSeries } from './values.ts';
import { seededRandom } from '@metrics-hub/testing';

/** Samples about every 10 s with jitter and gaps; counters with resets, or gauges with repeated values. */
function series(rnd: () => number, n: number, kind: 'counter' | 'gauge'): PointSeries {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let t = 1_000_000;
  let v = 0;
  for (let i = 0; i < n; i++) {
    t += rnd() < 0.05 ? 120_000 : 10_000 + Math.round((rnd() - 0.5) * 500);
    ts[i] = t;
    if (kind === 'counter') v = rnd() < 0.03 ? rnd() * 5 : v + Math.round(rnd() * 1000) / 100;
    // (+ 0 turns a -0 from Math.round into 0: -0 has its own test)
    else v = rnd() < 0.3 ? v : Math.round((rnd() - 0.4) * 100) / 10 + 0;
    vs[i] = v;
  }
  return { labels: { __name__: kind === 'counter' ? 'x_total' : 'x' }, ts, vs, n };
}

function compare(name: string, p: PointSeries, ends: Float64Array, rangeMs: number, args: Float64Array[]) {
  const w = windowIndexes(p.ts, p.n, ends, rangeMs);
  const values = new Float64Array(ends.length);
  const has = new Uint8Array(ends.length);
  const notes = new Set<string>();
  const annotate = (level: string, message: string) => void notes.add(`${level}: ${message}`);
  const answered = SERIES_FUNCTIONS[name]({ p, w, ends, evalTimes: ends, rangeMs, args, values, has, annotate, tick: () => {} });
  const stepNotes = new Set<string>();
  const window: RangeWindow = { start: 0, end: 0, metricName: p.labels.__name__, annotate: (l, m) => void stepNotes.add(`${l}: ${m}`) };
  for (let i = 0; i < ends.length; i++) {
    const lo = w.lo[i];
    const hi = w.hi[i];
    window.start = ends[i] - rangeMs;
    window.end = ends[i];
    window.evalTime = ends[i];
    const v =
      hi === lo
        ? undefined
        : RANGE_FUNCTIONS[name](
            { ts: p.ts.subarray(lo, hi), vs: p.vs.subarray(lo, hi), n: hi - lo },
            window,
            args.map((a) => a[i]),
          );
    if (!answered) continue;
    expect(has[i], `${name} step ${i}`).toBe(v === undefined ? 0 : 1);
    if (v !== undefined) expect(Object.is(values[i], v), `${name} step ${i}: ${values[i]} vs ${v}`).toBe(true);
  }
  if (answered) expect(notes).toEqual(stepNotes);
  return answered;
}

const grid = (from: number, step: number, count: number) => Float64Array.from({ length: count }, (_, i) => from + i * step);

describe('whole-series range functions', () => {
  it.each(['rate', 'increase', 'delta'])('%s gives the step-by-step floats, resets and gaps included', (name) => {
    const rnd = seededRandom(7);
    for (let k = 0; k < 6; k++) {
      const p = series(rnd, 2000, k % 2 ? 'counter' : 'gauge');
      for (const [range, step] of [
        [300_000, 60_000],
        [60_000, 15_000],
        [3_600_000, 60_000],
        [20_000, 90_000],
      ]) {
        expect(compare(name, p, grid(1_000_000 + range / 2, step, Math.floor(20_000_000 / step)), range, [])).toBe(true);
      }
    }
  });

  it('say so for rate over a name that is not a counter, as the step-by-step function does', () => {
    const p = series(seededRandom(3), 500, 'gauge');
    expect(compare('rate', p, grid(1_000_000, 60_000, 100), 300_000, [])).toBe(true);
  });

  it('quantile_over_time gives the step-by-step floats, whatever the quantile and the overlap', () => {
    const rnd = seededRandom(11);
    for (let k = 0; k < 6; k++) {
      const p = series(rnd, 2000, k % 2 ? 'counter' : 'gauge');
      for (const [range, step] of [
        [1_800_000, 60_000],
        [300_000, 240_000],
        [600_000, 10_000],
      ]) {
        const ends = grid(1_000_000, step, Math.floor(20_000_000 / step));
        const q = Float64Array.from(ends, (_, i) => [0.95, 0, 1, 0.5, -1, 2, NaN][i % 7]);
        expect(compare('quantile_over_time', p, ends, range, [q])).toBe(true);
      }
    }
  });

  it('quantile_over_time leaves series with NaN or -0 to the step-by-step function, which sorts them its way', () => {
    const p = series(seededRandom(5), 200, 'gauge');
    p.vs[50] = NaN;
    const ends = grid(1_000_000, 60_000, 30);
    const q = new Float64Array(30).fill(0.5);
    expect(compare('quantile_over_time', p, ends, 600_000, [q])).toBe(false);
    p.vs[50] = -0;
    expect(compare('quantile_over_time', p, ends, 600_000, [q])).toBe(false);
  });

  it('windows move back when the step times do (an @ or a subquery can order them so)', () => {
    const p = series(seededRandom(9), 300, 'counter');
    const ends = Float64Array.from([2_000_000, 1_500_000, 2_500_000, 1_200_000, 3_000_000]);
    const w = windowIndexes(p.ts, p.n, ends, 300_000);
    expect(w.forward).toBe(false);
    expect(compare('rate', p, ends, 300_000, [])).toBe(true);
    expect(compare('quantile_over_time', p, ends, 300_000, [new Float64Array(5).fill(0.9)])).toBe(false);
  });
});
