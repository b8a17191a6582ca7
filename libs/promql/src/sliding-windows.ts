// Range functions over all steps of one series at once. Consecutive steps' windows
// overlap almost entirely (a 5 m rate at a 60 s step shares four fifths of its samples
// with the step before), so what one window learned is kept for the next where that
// gives the very same floats as starting over: the increase of a rate is still last minus
// first plus the value before each reset in order (only the resets are remembered), and
// a quantile still reads ranks of the window's sorted values (the sorted window is
// updated rather than sorted again). Sums are not slid: a compensated sum depends on the
// order it was built in, so avg_over_time and friends start over at every step. deriv and
// predict_linear are the exception (sliding-regression.ts): upstream's sums cancel so badly
// that its own floats are off by far more than sliding ones, so there only the answer up
// to rounding is kept, not the floats.

import {
  extrapolateIncrease,
  invalidQuantileWarning,
  lacksCounterSuffix,
  possibleNonCounterInfo,
  sortedQuantile,
} from './functions/index.ts';
import { slidingRegression } from './sliding-regression.ts';
import type { PointSeries } from './values.ts';

/** Every step's window (end - range, end] of ascending timestamps, as index bounds [lo[i], hi[i]). */
export interface WindowIndexes {
  lo: Int32Array;
  hi: Int32Array;
  /** Whether both bounds never move back from one step to the next. */
  forward: boolean;
}

export function windowIndexes(ts: Float64Array, n: number, ends: Float64Array, rangeMs: number): WindowIndexes {
  const steps = ends.length;
  const lo = new Int32Array(steps);
  const hi = new Int32Array(steps);
  let a = 0;
  let b = 0;
  let forward = true;
  for (let i = 0; i < steps; i++) {
    const end = ends[i];
    if (i > 0 && end < ends[i - 1]) {
      forward = false;
      a = 0;
      b = 0;
    }
    while (b < n && ts[b] <= end) b++;
    while (a < b && ts[a] <= end - rangeMs) a++;
    lo[i] = a;
    hi[i] = b;
  }
  return { lo, hi, forward };
}

/** What a whole-series function is given: the points, each step's window and scalar arguments, where to write. */
export interface SeriesWindows {
  p: PointSeries;
  w: WindowIndexes;
  ends: Float64Array;
  /** Each step's evaluation time before offset and @ (predict_linear predicts from it). */
  evalTimes: Float64Array;
  rangeMs: number;
  /** Scalar arguments per step, in order. */
  args: readonly Float64Array[];
  values: Float64Array;
  has: Uint8Array;
  annotate(level: 'warning' | 'info', message: string): void;
  /** Counts work for the query's timeout. */
  tick(units: number): void;
}

/** Returns false when it cannot answer this series exactly (the caller then goes step by step). */
export type SeriesFunction = (s: SeriesWindows) => boolean;

/** rate, increase and delta: the increase from the window's first and last samples and the resets between them. */
function slidingIncrease(isCounter: boolean, isRate: boolean): SeriesFunction {
  return (s) => {
    const { ts, vs, n, labels } = s.p;
    const resets: number[] = [];
    if (isCounter) for (let i = 1; i < n; i++) if (vs[i] < vs[i - 1]) resets.push(i);
    s.tick(n);
    const { lo, hi } = s.w;
    let any = false;
    let k = 0;
    for (let i = 0; i < lo.length; i++) {
      const a = lo[i];
      const b = hi[i];
      if (b - a < 2) continue;
      let increase = vs[b - 1] - vs[a];
      if (resets.length) {
        // The first reset after the window's first sample; windows mostly move forward.
        if (k > 0 && resets[k - 1] > a) k = 0;
        while (k < resets.length && resets[k] <= a) k++;
        for (let j = k; j < resets.length && resets[j] < b; j++) increase += vs[resets[j] - 1];
      }
      const end = s.ends[i];
      s.values[i] = extrapolateIncrease(increase, ts[a], ts[b - 1], vs[a], b - a, end - s.rangeMs, end, isCounter, isRate);
      s.has[i] = 1;
      any = true;
    }
    s.tick(lo.length);
    const name = labels.__name__;
    if (isCounter && any && name !== undefined && lacksCounterSuffix(name)) s.annotate('info', possibleNonCounterInfo(name));
    return true;
  };
}

/** quantile_over_time over a sorted copy of the window, updated as the window moves. */
const slidingQuantile: SeriesFunction = (s) => {
  const { vs, n } = s.p;
  if (!s.w.forward) return false;
  // The sorted order of a typed array puts -0 before 0 and NaNs last; plain comparisons
  // below do not, so such series take the step-by-step path.
  for (let i = 0; i < n; i++) if (vs[i] !== vs[i] || (vs[i] === 0 && 1 / vs[i] < 0)) return false;
  const { lo, hi } = s.w;
  const q = s.args[0];
  let width = 0;
  for (let i = 0; i < lo.length; i++) width = Math.max(width, hi[i] - lo[i]);
  const sorted = new Float64Array(width);
  let len = 0;
  // The window sorted[0, len) holds vs[from, to).
  let from = 0;
  let to = 0;
  for (let i = 0; i < lo.length; i++) {
    const a = lo[i];
    const b = hi[i];
    const changes = a - from + (b - to);
    // Each insertion or removal may move the whole window, a sort costs about
    // len * log2(len): slide only while the changes stay below 2 log2(len).
    if (a >= to || changes > 2 * Math.log2(len + 2)) {
      s.tick(1 + (b - a) * Math.log2(2 + b - a));
      sorted.set(vs.subarray(a, b));
      sorted.subarray(0, b - a).sort();
      len = b - a;
    } else {
      // Each insertion or removal moves at most the values above it.
      s.tick(1 + changes * len);
      // A value leaving and one entering together move only the values between them.
      let out = from;
      let into = to;
      for (; out < a && into < b; out++, into++) replace(sorted, len, vs[out], vs[into]);
      for (; out < a; out++) len = remove(sorted, len, vs[out]);
      for (; into < b; into++) len = insert(sorted, len, vs[into]);
    }
    from = a;
    to = b;
    if (len === 0) continue;
    const phi = q[i];
    if (phi !== phi || phi < 0 || phi > 1) s.annotate('warning', invalidQuantileWarning(phi));
    s.values[i] = phi !== phi ? NaN : phi < 0 ? -Infinity : phi > 1 ? Infinity : sortedQuantile(phi, sorted, len);
    s.has[i] = 1;
  }
  return true;
};

/** First index in sorted[0, len) holding a value > v. */
function upperBound(sorted: Float64Array, len: number, v: number): number {
  let a = 0;
  let b = len;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] <= v) a = m + 1;
    else b = m;
  }
  return a;
}

// Both at the top of a run of equal values, so that a window of repeated values moves nothing.
function insert(sorted: Float64Array, len: number, v: number): number {
  const at = upperBound(sorted, len, v);
  sorted.copyWithin(at + 1, at, len);
  sorted[at] = v;
  return len + 1;
}

/** remove(old) then insert(v), in one move of the values between the two places. */
function replace(sorted: Float64Array, len: number, old: number, v: number): void {
  const from = upperBound(sorted, len, old) - 1;
  // v goes just above the values <= v (after old left); copyWithin moves the values
  // between the two places in one memmove, faster than moving them one by one.
  const to = upperBound(sorted, len, v);
  if (to > from) {
    sorted.copyWithin(from, from + 1, to);
    sorted[to - 1] = v;
  } else {
    sorted.copyWithin(to + 1, to, from);
    sorted[to] = v;
  }
}

function remove(sorted: Float64Array, len: number, v: number): number {
  const at = upperBound(sorted, len, v) - 1;
  sorted.copyWithin(at, at + 1, len);
  return len - 1;
}

export const SERIES_FUNCTIONS: Readonly<Record<string, SeriesFunction>> = {
  deriv: (s) => slidingRegression(s, false),
  predict_linear: (s) => slidingRegression(s, true),
  rate: slidingIncrease(true, true),
  increase: slidingIncrease(true, false),
  delta: slidingIncrease(false, false),
  quantile_over_time: slidingQuantile,
};
