// Range functions (rate, avg_over_time, ...): the window of samples behind each step,
// handed to the arithmetic in ./functions, or whole rollup buckets when they give the
// same answer.

import type { Call, Expr } from './ast.ts';
import { rangeArg, scalarArg, unparen } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { FunctionArgumentError, lacksCounterSuffix, possibleNonCounterInfo, RANGE_FUNCTIONS, type RangeWindow } from './functions/index.ts';
import { FUNCTIONS } from './function-signatures.ts';
import { bucketFunction, ROLLUP_CAPABLE } from './rollup-functions.ts';
import { extrapolatedSteps } from './rollup-rate.ts';
import { mergeSameLabels } from './series-set.ts';
import { SERIES_FUNCTIONS, windowIndexes } from './sliding-windows.ts';
import { newSeries, withoutName, type StepSeries, type Value } from './values.ts';

// Each step's bucket bounds for series whose buckets have no gaps, reused from series to
// series: series scraped alike have the same first bucket and count, so the same bounds.
let denseFrom = new Int32Array(0);
let denseTo = new Int32Array(0);
let denseFor: { endBuckets: Float64Array; firstBucket: number; n: number; rangeBuckets: number } | undefined;

/** Range functions whose output keeps the metric name (they return a sample as it was). */
const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);

/**
 * A range call over rollup buckets (see rollupRangeFunction) with each series handed to
 * `sink` as it is computed, in one scratch series that the next overwrites: for a caller
 * that folds the series into something smaller (sum by). False when the call is not
 * answered from buckets; the sink must then forget what it was given.
 */
export function rollupRangeEach(e: Call, ctx: EvalContext, sink: (s: StepSeries) => void): boolean {
  const sig = FUNCTIONS[e.name];
  if (!RANGE_FUNCTIONS[e.name] || sig.args.length !== 1 || sig.args[0] !== 'matrix') return false;
  return rollupRangeFunction(e, unparen(e.args[0]), ctx, sink) !== undefined;
}

/**
 * A range function over whole buckets of the store's rollups, when that gives the same
 * answer as the samples (see rollup-functions.ts); undefined to use the samples. With a
 * sink, the series go there (see rollupRangeEach) and the vector returned is empty.
 */
function rollupRangeFunction(e: Call, arg: Expr, ctx: EvalContext, sink?: (s: StepSeries) => void): Value | undefined {
  const queryable = ctx.queryable;
  if (
    !ctx.limits.useRollups ||
    ctx.limits.leftClosedWindows ||
    !queryable.selectBuckets ||
    arg.type !== 'matrixSelector' ||
    !ROLLUP_CAPABLE.has(e.name)
  )
    return undefined;
  const sel = arg.selector;
  const rangeMs = ctx.ms(arg.range);
  const offsetMs = ctx.ms(sel.offset);
  const ends = Float64Array.from({ length: ctx.steps }, (_, i) => ctx.effectiveTime(i, sel.at, offsetMs));
  const resolution = ([3_600_000, 60_000] as const).find((r) => rangeMs >= r && rangeMs % r === 0 && ends.every((t) => t % r === 0));
  if (!resolution) return undefined;
  // A loop, not Math.min(...ends): a subquery's millions of steps would overflow the stack as arguments.
  let first = Infinity;
  let last = -Infinity;
  for (const t of ends) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  // Every end and the range are whole multiples of the resolution: counted in buckets
  // they place windows without a division per step.
  const endBuckets = ends.map((t) => t / resolution);
  const rangeBuckets = rangeMs / resolution;
  const stats = ctx.stats;
  // Reading buckets is reading samples, summarised: it counts as decoding. The store
  // decodes each series as it is taken (`streaming`), into a buffer the next overwrites.
  let t0 = stats?.clock() ?? 0;
  const found = queryable.selectBuckets(sel.matchers, first - rangeMs, last, resolution, { streaming: true });
  if (!found) return undefined;
  const out: StepSeries[] = [];
  let scratch: StepSeries | undefined;
  const selections = found[Symbol.iterator]();
  for (;;) {
    const next = selections.next();
    if (stats) stats.decodeMs += stats.clock() - t0;
    if (next.done) break;
    const s = next.value;
    if (stats) stats.samplesRead += s.buckets.length;
    const fn = bucketFunction(e.name, s.kind);
    // A series whose buckets lack what the function needs sends the whole call to the samples.
    if (!fn) return undefined;
    if ((e.name === 'rate' || e.name === 'increase') && lacksCounterSuffix(s.labels.__name__)) {
      ctx.annotate('info', possibleNonCounterInfo(s.labels.__name__!), arg.pos);
    }
    const labels = KEEPS_NAME.has(e.name) ? s.labels : withoutName(s.labels);
    let r: StepSeries;
    if (sink) {
      // Counted as if kept, so a query meets the same sample limit either way.
      ctx.hold(ctx.steps);
      scratch ??= newSeries(labels, ctx.steps);
      scratch.labels = labels;
      scratch.values.fill(0);
      scratch.has.fill(0);
      r = scratch;
    } else r = ctx.newSeries(labels);
    const b = s.buckets;
    ctx.tick(ctx.steps);
    // Buckets every `resolution` without a gap (the common case) place each window by
    // arithmetic; others are searched for.
    const n = b.length;
    const e0 = n > 0 ? b.ends[0] : 0;
    let dense = n > 0 && e0 % resolution === 0;
    for (let k = 1; dense && k < n; k++) dense = b.ends[k] === e0 + k * resolution;
    if (dense && denseFrom.length < ctx.steps) {
      denseFrom = new Int32Array(ctx.steps);
      denseTo = new Int32Array(ctx.steps);
      denseFor = undefined;
    }
    const { lo, hi } = dense ? { lo: denseFrom, hi: denseTo } : windowIndexes(b.ends, n, ends, rangeMs);
    const firstBucket = e0 / resolution;
    const f = denseFor;
    if (dense && !(f?.endBuckets === endBuckets && f.firstBucket === firstBucket && f.n === n && f.rangeBuckets === rangeBuckets)) {
      denseFor = { endBuckets, firstBucket, n, rangeBuckets };
      // How many bucket ends are <= end, and <= end - range, counted in whole buckets.
      for (let i = 0; i < ctx.steps; i++) {
        const to = endBuckets[i] - firstBucket + 1;
        const from = to - rangeBuckets;
        hi[i] = Math.min(n, Math.max(0, to));
        lo[i] = Math.min(n, Math.max(0, from));
      }
    }
    if (s.kind === 'counter' && (e.name === 'rate' || e.name === 'increase')) {
      extrapolatedSteps(b, lo, hi, ends, rangeMs, e.name === 'rate', r.values, r.has);
    } else {
      for (let i = 0; i < ctx.steps; i++) {
        const end = ends[i];
        if (hi[i] === lo[i]) continue;
        const v = fn(b, lo[i], hi[i], end - rangeMs, end);
        if (v === undefined) continue;
        r.values[i] = v;
        r.has[i] = 1;
      }
    }
    if (sink) sink(r);
    else out.push(r);
    t0 = stats?.clock() ?? 0;
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

export function rangeFunction(e: Call, ctx: EvalContext): Value {
  const fn = RANGE_FUNCTIONS[e.name];
  if (!fn) throw ctx.fail(`function ${e.name} is not implemented`, e.pos);
  const sig = FUNCTIONS[e.name];
  const matrixAt = sig.args.indexOf('matrix');
  const fromRollups = rollupRangeFunction(e, unparen(e.args[matrixAt]), ctx);
  if (fromRollups) return fromRollups;
  const src = rangeArg(e.args[matrixAt], ctx);
  const scalars = e.args.map((a, k) => (k === matrixAt ? undefined : scalarArg(a, ctx)));
  const keepName = KEEPS_NAME.has(e.name);
  const whole = SERIES_FUNCTIONS[e.name];
  const annotate = (level: 'warning' | 'info', message: string) => ctx.annotate(level, message, src.pos);
  const out: StepSeries[] = [];
  const args: number[] = [];
  for (const p of src.series) {
    const r = ctx.newSeries(keepName ? p.labels : withoutName(p.labels));
    out.push(r);
    const bounds = windowIndexes(p.ts, p.n, src.ends, src.rangeMs + ctx.windowSlackMs);
    ctx.tick(ctx.steps);
    const scalarArgs = scalars.filter((a) => a !== undefined);
    if (
      whole?.({
        p,
        w: bounds,
        ends: src.ends,
        evalTimes: ctx.times,
        rangeMs: src.rangeMs,
        args: scalarArgs,
        values: r.values,
        has: r.has,
        annotate,
        tick: (n) => ctx.tick(n),
      })
    ) {
      continue;
    }
    const window: RangeWindow = { start: 0, end: 0, evalTime: 0, metricName: p.labels.__name__, annotate };
    for (let i = 0; i < ctx.steps; i++) {
      const end = src.ends[i];
      const lo = bounds.lo[i];
      const hi = bounds.hi[i];
      // Some functions (quantile_over_time, mad_over_time) sort or scan the whole window.
      ctx.tick(1 + hi - lo);
      if (hi === lo) continue;
      args.length = 0;
      for (const s of scalarArgs) args.push(s[i]);
      window.start = end - src.rangeMs;
      window.end = end;
      window.evalTime = ctx.times[i];
      let v: number | undefined;
      try {
        v = fn({ ts: p.ts.subarray(lo, hi), vs: p.vs.subarray(lo, hi), n: hi - lo }, window, args);
      } catch (err) {
        if (err instanceof FunctionArgumentError) throw ctx.fail(err.message, e.pos);
        throw err;
      }
      if (v === undefined) continue;
      r.values[i] = v;
      r.has[i] = 1;
    }
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}
