// sum by/without over a range call answered from rollup buckets (sum by (instance)
// (rate(node_cpu_seconds_total[5m])), the dashboard's commonest query): each series' steps
// are added to its group's sums as soon as they are computed, into the same compensated
// sums member by member that `sum` builds over the call's whole result, without keeping
// a thousand step series around until the last is done.
//
// The same floats as the two steps apart, because the members reach each group in the
// same order: the call's result lists its series in the order they are computed, leaving
// out those without a value (so those open no group here either). What the call's result
// would do differently is merge series that share a label set once the metric name is
// dropped; such a query is evaluated the ordinary way instead.

import type { Aggregate } from './ast.ts';
import { unparen } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { rollupRangeEach } from './range-calls.ts';
import { groupLabels } from './series-set.ts';
import { labelsKey, type StepSeries, type Value } from './values.ts';

/** Adds member m's values into the sums r.values with compensations c (kahanSumInc, step by step). */
export function addToSum(r: StepSeries, c: Float64Array, m: StepSeries, steps: number): void {
  const sum = r.values;
  const { has, values } = m;
  for (let i = 0; i < steps; i++) {
    if (!has[i]) continue;
    // kahanSumInc, written out.
    const v = values[i];
    const s0 = sum[i];
    const t = s0 + v;
    if (t === Infinity || t === -Infinity) c[i] = 0;
    else if (Math.abs(s0) >= Math.abs(v)) c[i] += s0 - t + v;
    else c[i] += v - t + s0;
    sum[i] = t;
    r.has[i] = 1;
  }
}

/** The compensated sums, once every member is in. */
export function finishSum(r: StepSeries, c: Float64Array, steps: number): void {
  for (let i = 0; i < steps; i++) if (r.has[i]) r.values[i] += c[i];
}

/** `sum` over a range call read from rollup buckets, or undefined to evaluate it the ordinary way. */
export function sumOfRollupCall(e: Aggregate, ctx: EvalContext): Value | undefined {
  const call = unparen(e.expr);
  if (e.op !== 'sum' || e.param || call.type !== 'call' || ctx.given?.has(call)) return undefined;
  const groups = new Map<string, { r: StepSeries; c: Float64Array }>();
  const seen = new Set<string>();
  let merges = false;
  const answered = rollupRangeEach(call, ctx, (s) => {
    if (merges || !s.has.includes(1)) return;
    const key = labelsKey(s.labels);
    if (seen.has(key)) merges = true;
    seen.add(key);
    const labels = groupLabels(s.labels, e.grouping, e.without);
    const groupKey = labelsKey(labels);
    let g = groups.get(groupKey);
    if (!g) groups.set(groupKey, (g = { r: ctx.newSeries(labels), c: new Float64Array(ctx.steps) }));
    ctx.tick(ctx.steps);
    addToSum(g.r, g.c, s, ctx.steps);
  });
  if (!answered || merges) return undefined;
  const out: StepSeries[] = [];
  for (const { r, c } of groups.values()) {
    finishSum(r, c, ctx.steps);
    out.push(r);
  }
  return { kind: 'vector', series: out };
}
