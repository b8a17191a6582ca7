// Evaluates a syntax tree over all steps at once: selectors read each series' samples one
// time and walk them alongside the steps; everything else combines per-step values.

import { isStaleNaN } from '@metrics-hub/wire';
import type { Expr, MatrixSelector, Subquery, VectorSelector } from './ast.ts';
import { evalAggregate } from './aggregate.ts';
import { evalBinary } from './binary.ts';
import { evalCall } from './calls.ts';
import type { EvalContext } from './eval-context.ts';
import type { QueryableSeries } from './queryable.ts';
import { mergeSameLabels } from './series-set.ts';
import { withoutName, type PointSeries, type StepSeries, type Value } from './values.ts';

export function evaluate(e: Expr, ctx: EvalContext): Value {
  ctx.checkTime();
  const given = ctx.given?.get(e);
  if (given) return given;
  switch (e.type) {
    case 'number':
      return { kind: 'scalar', values: ctx.newValues().fill(e.value) };
    case 'string':
      return { kind: 'string', value: e.value };
    case 'paren':
      return evaluate(e.expr, ctx);
    case 'unary': {
      const v = evaluate(e.expr, ctx);
      if (e.op === '+') return v;
      if (v.kind === 'scalar') {
        ctx.hold(ctx.steps);
        return { kind: 'scalar', values: v.values.map((x) => -x) };
      }
      if (v.kind !== 'vector') throw ctx.fail('unary minus needs a scalar or an instant vector', e.pos);
      const negated = v.series.map((s) => {
        ctx.hold(ctx.steps);
        ctx.tick(ctx.steps);
        return { labels: withoutName(s.labels), values: s.values.map((x) => -x), has: s.has };
      });
      return { kind: 'vector', series: mergeSameLabels(negated, ctx, e.pos) };
    }
    case 'vectorSelector':
      return { kind: 'vector', series: selectVector(e, ctx) };
    case 'matrixSelector':
    case 'subquery':
      return rangeValue(e, ctx);
    case 'call':
      return evalCall(e, ctx);
    case 'aggregate':
      return evalAggregate(e, ctx);
    case 'binary':
      return evalBinary(e, ctx);
  }
}

/** Raw samples of the series a selector matches, covering [mint, maxt], each in arrays of its own. */
function loadSeries(sel: VectorSelector, mint: number, maxt: number, ctx: EvalContext): PointSeries[] {
  const out: PointSeries[] = [];
  eachSeries(sel, mint, maxt, ctx, undefined, (p) => out.push(p));
  return out;
}

/** Where a selector's samples are read into when the caller is done with them before the next series. */
export interface Scratch {
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Calls `each` with the raw samples of every series a selector matches, covering [mint,
 * maxt]. With `scratch`, a store may write them there: they are then valid only until
 * `each` returns (the next series reuses the buffer), which keeps a selection over
 * thousands of series from holding all their samples at once. The samples still count
 * toward the query's limit as if they were all kept.
 */
export function eachSeries(
  sel: VectorSelector,
  mint: number,
  maxt: number,
  ctx: EvalContext,
  scratch: Scratch | undefined,
  each: (p: PointSeries) => void,
  timesOnly = false,
): void {
  const stats = ctx.stats;
  const t0 = stats?.clock() ?? 0;
  const selected = [...ctx.queryable.select(sel.matchers, mint, maxt, ctx.selectHints)];
  if (stats) stats.selectMs += stats.clock() - t0;
  for (const s of selected) {
    ctx.tick();
    const t1 = stats?.clock() ?? 0;
    const p = readSeries(s, scratch, timesOnly);
    if (stats) {
      stats.decodeMs += stats.clock() - t1;
      stats.samplesRead += p.n;
    }
    // Room for a series this long next time, with the parts of two chunks a store may
    // read past the range's edges before cutting them off.
    const needed = p.n + 4096;
    if (scratch && p.ts.buffer !== scratch.timestamps.buffer && needed > scratch.timestamps.length) {
      const size = 2 ** Math.ceil(Math.log2(needed));
      scratch.timestamps = new Float64Array(size);
      scratch.values = new Float64Array(size);
    }
    if (p.n === 0) continue;
    ctx.hold(p.n);
    ctx.tick(p.n);
    each(p);
    ctx.checkTime();
  }
}

function readSeries(s: QueryableSeries, scratch: Scratch | undefined, timesOnly: boolean): PointSeries {
  if (s.samples) {
    const whole = s.samples(scratch, { timesOnly });
    return { labels: s.labels, ts: whole.timestamps, vs: whole.values, n: whole.length };
  }
  const blocks = [...s.blocks()];
  let n = 0;
  for (const b of blocks) n += b.length;
  if (blocks.length === 1) return { labels: s.labels, ts: blocks[0].timestamps, vs: blocks[0].values, n };
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let k = 0;
  for (const b of blocks) {
    ts.set(b.timestamps.subarray(0, b.length), k);
    vs.set(b.values.subarray(0, b.length), k);
    k += b.length;
  }
  return { labels: s.labels, ts, vs, n };
}

/** The times a selector or subquery looks at, step by step (after @ and offset), and their bounds. */
function stepTimes(ctx: EvalContext, at: VectorSelector['at'], offsetMs: number): { times: Float64Array; lo: number; hi: number } {
  const times = new Float64Array(ctx.steps);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ctx.steps; i++) {
    const t = ctx.effectiveTime(i, at, offsetMs);
    times[i] = t;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return { times, lo, hi };
}

function timeBounds(ctx: EvalContext, at: VectorSelector['at'], offsetMs: number): [number, number] {
  const { lo, hi } = stepTimes(ctx, at, offsetMs);
  return [lo, hi];
}

/**
 * An instant vector selector: at each step the newest sample within the lookback, unless
 * stale. With `presence`, the caller uses only which steps have a value (count, group):
 * the store may then skip decoding values that cannot be staleness markers, and values
 * may read as 0.
 */
export function selectVector(sel: VectorSelector, ctx: EvalContext, presence = false): StepSeries[] {
  const offsetMs = ctx.ms(sel.offset);
  const lookback = ctx.limits.lookbackDeltaMs + ctx.windowSlackMs;
  const { times, lo, hi } = stepTimes(ctx, sel.at, offsetMs);
  const steps = ctx.steps;
  const keepTimes = ctx.keepsSampleTimes;
  const out: StepSeries[] = [];
  const scratch: Scratch = { timestamps: new Float64Array(1024), values: new Float64Array(1024) };
  eachSeries(
    sel,
    lo - lookback + 1,
    hi,
    ctx,
    scratch,
    ({ labels, ts, vs, n }) => {
      const s: StepSeries = ctx.newSeries(labels);
      const sampleTimes = keepTimes ? new Float64Array(steps) : undefined;
      const { values, has } = s;
      ctx.tick(steps);
      let any = false;
      let j = -1;
      let prevT = -Infinity;
      for (let i = 0; i < steps; i++) {
        const t = times[i];
        // Steps move forward, so the sample pointer does too (a binary search otherwise).
        if (t >= prevT) {
          while (j + 1 < n && ts[j + 1] <= t) j++;
        } else {
          j = lastAtOrBefore(ts, n, t);
        }
        prevT = t;
        if (j < 0 || ts[j] <= t - lookback) continue;
        const v = vs[j];
        if (v !== v && isStaleNaN(v)) continue;
        values[i] = v;
        has[i] = 1;
        if (sampleTimes) sampleTimes[i] = ts[j];
        any = true;
      }
      if (sampleTimes) s.sampleTimes = sampleTimes;
      if (any) out.push(s);
    },
    presence,
  );
  return out;
}

/** Index of the last timestamp <= t, or -1. */
export function lastAtOrBefore(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A range selector or subquery: the points of every series, staleness markers removed, covering
 * every step's window; `ends[i]` is step i's window end (the window is (end - range, end]).
 */
export interface RangeSource {
  series: PointSeries[];
  rangeMs: number;
  ends: Float64Array;
  /** Where the range expression sits, for annotations. */
  pos: Expr['pos'];
}

export function rangeSource(e: MatrixSelector | Subquery, ctx: EvalContext): RangeSource {
  if (e.type === 'matrixSelector') {
    const sel = e.selector;
    const offsetMs = ctx.ms(sel.offset);
    const rangeMs = ctx.ms(e.range);
    const ends = new Float64Array(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) ends[i] = ctx.effectiveTime(i, sel.at, offsetMs);
    const [lo, hi] = timeBounds(ctx, sel.at, offsetMs);
    const series = loadSeries(sel, lo - rangeMs - ctx.windowSlackMs + 1, hi, ctx)
      .map((p) => dropStale(p, ctx))
      .filter((s) => s.n > 0);
    return { series, rangeMs, ends, pos: e.pos };
  }
  return subquerySource(e, ctx);
}

function dropStale(p: PointSeries, ctx: EvalContext): PointSeries {
  ctx.tick(p.n);
  let stale = 0;
  for (let i = 0; i < p.n; i++) if (p.vs[i] !== p.vs[i] && isStaleNaN(p.vs[i])) stale++;
  if (stale === 0) return p;
  ctx.hold(p.n - stale);
  const ts = new Float64Array(p.n - stale);
  const vs = new Float64Array(p.n - stale);
  let k = 0;
  for (let i = 0; i < p.n; i++) {
    if (p.vs[i] !== p.vs[i] && isStaleNaN(p.vs[i])) continue;
    ts[k] = p.ts[i];
    vs[k++] = p.vs[i];
  }
  return { labels: p.labels, ts, vs, n: k };
}

/**
 * A subquery evaluates its expression once, at multiples of its step over the union of all
 * steps' windows, then serves each step the points inside its window.
 */
function subquerySource(e: Subquery, ctx: EvalContext): RangeSource {
  const offsetMs = ctx.ms(e.offset);
  const rangeMs = ctx.ms(e.range);
  const stepMs = e.step ? ctx.ms(e.step) : ctx.limits.defaultSubqueryStepMs;
  if (!(stepMs > 0)) throw ctx.fail('subquery step must be positive', e.pos);
  const ends = new Float64Array(ctx.steps);
  for (let i = 0; i < ctx.steps; i++) ends[i] = ctx.effectiveTime(i, e.at, offsetMs);
  const [lo, hi] = timeBounds(ctx, e.at, offsetMs);
  // Inner evaluation times are multiples of the step, as in Prometheus, so that a
  // subquery gives the same points whatever the outer query's start.
  let first = Math.floor((lo - rangeMs) / stepMs) * stepMs;
  if (first <= lo - rangeMs - ctx.windowSlackMs) first += stepMs;
  // Every inner step is a slot in each series the inner expression makes: a subquery
  // over years at a 1 s step is refused here, before its times are even listed.
  const count = hi < first ? 0 : Math.floor((hi - first) / stepMs) + 1;
  ctx.hold(count);
  const times = new Float64Array(count);
  for (let k = 0; k < count; k++) times[k] = first + k * stepMs;
  const inner = ctx.child(times);
  const value = evaluate(e.expr, inner);
  if (value.kind !== 'vector') throw ctx.fail('subquery is only allowed on instant vector', e.pos);
  const series: PointSeries[] = [];
  for (const s of value.series) {
    ctx.tick(inner.steps);
    let n = 0;
    for (let i = 0; i < inner.steps; i++) n += s.has[i];
    ctx.hold(n);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < inner.steps; i++) {
      if (!s.has[i]) continue;
      ts[k] = inner.times[i];
      vs[k++] = s.values[i];
    }
    if (n) series.push({ labels: s.labels, ts, vs, n });
  }
  return { series, rangeMs, ends, pos: e.pos };
}

/** A range expression as a value of its own (top level of an instant query). */
function rangeValue(e: MatrixSelector | Subquery, ctx: EvalContext): Value {
  const src = rangeSource(e, ctx);
  return { kind: 'matrix', series: src.series, rangeMs: src.rangeMs, offsets: src.ends };
}

/** The window (end - range, end] of a sorted point array as index bounds [lo, hi). */
export function windowBounds(ts: Float64Array, n: number, end: number, rangeMs: number): [number, number] {
  const hi = lastAtOrBefore(ts, n, end) + 1;
  const lo = lastAtOrBefore(ts, hi, end - rangeMs) + 1;
  return [lo, hi];
}
