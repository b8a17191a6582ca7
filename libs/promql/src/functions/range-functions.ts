// Functions over a range vector, evaluated for one series at one step: they see the float
// samples of the window and return the value of the output sample, or undefined for none.
// Each mirrors its upstream counterpart in promql/functions.go (named per function below),
// restricted to float samples: the engine drops native histograms before calling.

import { formatFloat } from '@metrics-hub/go-format';
import { AverageAccumulator, compensatedVariance, kahanSumInc, quantile } from './aggregation-math.ts';
import { invalidQuantileWarning, lacksCounterSuffix, possibleNonCounterInfo } from './annotations.ts';
import { linearRegression } from './linear-regression.ts';

/** Samples of one series inside one range window, ascending, staleness markers already removed. */
export interface RangePoints {
  ts: Float64Array;
  vs: Float64Array;
  n: number;
}

export interface RangeWindow {
  /** Window is (start, end]; end is the evaluation time (after offset/@), in ms. */
  start: number;
  end: number;
  /**
   * The step's evaluation time before offset and @ are applied, in ms. Only predict_linear
   * reads it (upstream predicts relative to the step time, not the window end); when absent,
   * `end` is used, which is right unless the selector has an offset or @.
   */
  evalTime?: number;
  /** The metric name of the series (undefined if dropped), for annotations. */
  metricName: string | undefined;
  /** Report an annotation like Prometheus's PossibleNonCounterInfo etc. */
  annotate(level: 'warning' | 'info', message: string): void;
}

/**
 * Returns the output value, or undefined when the function yields no sample for this series
 * at this step. `args` are the scalar arguments evaluated at this step (e.g.
 * quantile_over_time's φ, predict_linear's t, double_exponential_smoothing's sf and tf).
 * Throws FunctionArgumentError, with upstream's message, for arguments upstream rejects at run time.
 */
export type RangeFunction = (points: RangePoints, window: RangeWindow, args: readonly number[]) => number | undefined;

/** An argument upstream rejects while evaluating (it panics, failing the query with this message). */
export class FunctionArgumentError extends Error {
  override name = 'FunctionArgumentError';
}

/** `time.Duration.Seconds()` of a whole-millisecond range, rounded the way Go rounds it. */
function rangeSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  return sec + ((ms - sec * 1000) * 1e6) / 1e9;
}

/**
 * `extrapolatedRate`: the increase between the first and last sample (plus, for counters,
 * the value before every drop), extrapolated toward the window edges. An edge is reached
 * when the nearest sample is within 110% of the average sample spacing, otherwise the
 * extrapolation stops half a spacing out; for counters it also stops where the line through
 * the samples would cross zero.
 */
function extrapolatedRate(p: RangePoints, w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, n } = p;
  if (n < 2) return undefined;
  let result = vs[n - 1] - vs[0];
  if (isCounter) {
    for (let i = 1; i < n; i++) {
      if (vs[i] < vs[i - 1]) result += vs[i - 1];
    }
  }
  return extrapolateIncrease(result, ts[0], ts[n - 1], vs[0], n, w.start, w.end, isCounter, isRate);
}

/**
 * The rest of `extrapolatedRate` once the increase over the window's `n` samples is known
 * (last minus first, plus for counters the value before every reset, added in order).
 */
export function extrapolateIncrease(
  increase: number,
  firstT: number,
  lastT: number,
  firstV: number,
  n: number,
  start: number,
  end: number,
  isCounter: boolean,
  isRate: boolean,
): number {
  let durationToStart = (firstT - start) / 1000;
  let durationToEnd = (end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (increase > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / increase);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= rangeSeconds(end - start);
  return increase * factor;
}

/** rate()/increase() flag metrics that do not look like counters (upstream does it in the engine). */
function counterRate(isRate: boolean): RangeFunction {
  return (p, w) => {
    const v = extrapolatedRate(p, w, true, isRate);
    const name = w.metricName;
    if (v !== undefined && name !== undefined && lacksCounterSuffix(name)) w.annotate('info', possibleNonCounterInfo(name));
    return v;
  };
}

/** `instantValue`: irate/idelta from the last two samples; irate treats a drop as a reset from 0. */
function instantValue(p: RangePoints, isRate: boolean): number | undefined {
  const { ts, vs, n } = p;
  if (n < 2) return undefined;
  const interval = ts[n - 1] - ts[n - 2];
  if (interval === 0) return undefined;
  const prev = vs[n - 2];
  const last = vs[n - 1];
  let result = isRate && last < prev ? last : last - prev;
  if (isRate) result /= interval / 1000;
  return result;
}

/** `funcDoubleExponentialSmoothing`: Holt's linear method; sf and tf must lie in (0, 1). */
function doubleExponentialSmoothing(p: RangePoints, _w: RangeWindow, args: readonly number[]): number | undefined {
  const sf = args[0];
  const tf = args[1];
  if (sf === undefined || tf === undefined) return undefined;
  // A NaN factor passes both checks, as upstream's, and makes the result NaN.
  if (sf <= 0 || sf >= 1)
    throw new FunctionArgumentError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatFloat(sf, 'f', 6)}`);
  if (tf <= 0 || tf >= 1) throw new FunctionArgumentError(`invalid trend factor. Expected: 0 < tf < 1, got: ${formatFloat(tf, 'f', 6)}`);
  const { vs, n } = p;
  if (n < 2) return undefined;
  let s0 = 0;
  let s1 = vs[0];
  let b = vs[1] - vs[0];
  for (let i = 1; i < n; i++) {
    const x = sf * vs[i];
    // The trend of the first step is the raw difference seeded above.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

function values(p: RangePoints): Float64Array {
  return p.vs.subarray(0, p.n);
}

/** `compareOverTime`: the value (or its timestamp) that wins `better` against all others. */
function compareOverTime(p: RangePoints, better: (cur: number, best: number) => boolean, returnTimestamp: boolean): number | undefined {
  if (p.n === 0) return undefined;
  let best = p.vs[0];
  let bestT = p.ts[0];
  for (let i = 0; i < p.n; i++) {
    if (better(p.vs[i], best)) {
      best = p.vs[i];
      bestT = p.ts[i];
    }
  }
  return returnTimestamp ? bestT / 1000 : best;
}

function nonEmpty(f: (p: RangePoints) => number): RangeFunction {
  return (p) => (p.n === 0 ? undefined : f(p));
}

const table: Record<string, RangeFunction> = {
  rate: counterRate(true),
  increase: counterRate(false),
  delta: (p, w) => extrapolatedRate(p, w, false, false),
  irate: (p) => instantValue(p, true),
  idelta: (p) => instantValue(p, false),

  deriv: (p) => (p.n < 2 ? undefined : linearRegression(p.ts, p.vs, 0, p.n, p.ts[0], false)[0]),
  predict_linear: (p, w, args) => {
    if (p.n < 2 || args[0] === undefined) return undefined;
    const [slope, intercept] = linearRegression(p.ts, p.vs, 0, p.n, w.evalTime ?? w.end, false);
    return slope * args[0] + intercept;
  },
  double_exponential_smoothing: doubleExponentialSmoothing,

  resets: nonEmpty(({ vs, n }) => {
    let resets = 0;
    for (let i = 1; i < n; i++) if (vs[i] < vs[i - 1]) resets++;
    return resets;
  }),
  changes: nonEmpty(({ vs, n }) => {
    let changes = 0;
    for (let i = 1; i < n; i++) {
      const prev = vs[i - 1];
      const cur = vs[i];
      // NaN to NaN is no change, although NaN !== NaN.
      if (cur !== prev && !(cur !== cur && prev !== prev)) changes++;
    }
    return changes;
  }),

  avg_over_time: nonEmpty((p) => {
    const acc = new AverageAccumulator();
    for (let i = 0; i < p.n; i++) acc.add(p.vs[i]);
    return acc.value();
  }),
  sum_over_time: nonEmpty(({ vs, n }) => {
    let sum = 0;
    let c = 0;
    for (let i = 0; i < n; i++) [sum, c] = kahanSumInc(vs[i], sum, c);
    return sum === Infinity || sum === -Infinity ? sum : sum + c;
  }),
  count_over_time: nonEmpty((p) => p.n),
  // A NaN is only the result when every sample is NaN.
  min_over_time: (p) => compareOverTime(p, (cur, best) => cur < best || best !== best, false),
  max_over_time: (p) => compareOverTime(p, (cur, best) => cur > best || best !== best, false),
  // Ties go to the latest sample, unlike min/max_over_time which keep the first.
  ts_of_min_over_time: (p) => compareOverTime(p, (cur, best) => cur <= best || best !== best, true),
  ts_of_max_over_time: (p) => compareOverTime(p, (cur, best) => cur >= best || best !== best, true),
  first_over_time: nonEmpty((p) => p.vs[0]),
  last_over_time: nonEmpty((p) => p.vs[p.n - 1]),
  ts_of_first_over_time: nonEmpty((p) => p.ts[0] / 1000),
  ts_of_last_over_time: nonEmpty((p) => p.ts[p.n - 1] / 1000),
  present_over_time: nonEmpty(() => 1),

  quantile_over_time: (p, w, args) => {
    const q = args[0];
    if (p.n === 0 || q === undefined) return undefined;
    if (q !== q || q < 0 || q > 1) w.annotate('warning', invalidQuantileWarning(q));
    return quantile(q, values(p));
  },
  stdvar_over_time: nonEmpty((p) => compensatedVariance(p.vs, p.n)),
  stddev_over_time: nonEmpty((p) => Math.sqrt(compensatedVariance(p.vs, p.n))),
  mad_over_time: nonEmpty((p) => {
    const vs = values(p);
    // A NaN makes the median undefined; upstream returns NaN rather than ranking it lowest.
    if (vs.some((v) => v !== v)) return NaN;
    const median = quantile(0.5, vs);
    return quantile(
      0.5,
      vs.map((v) => Math.abs(v - median)),
    );
  }),
};

export const RANGE_FUNCTIONS: Readonly<Record<string, RangeFunction>> = Object.freeze(table);
