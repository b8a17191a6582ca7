// Classic-histogram functions (histogram_quantile, histogram_quantiles,
// histogram_fraction): bucket series grouped by their labels without `le`, handed to the
// arithmetic in ./functions step by step.

import type { Call, Expr } from './ast.ts';
import { LABEL_NAME, scalarArg, stringArg, vectorArg } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { bucketFraction, bucketQuantile, formatOpenMetricsFloat, invalidQuantileWarning, type Bucket } from './functions/index.ts';
import { mergeSameLabels } from './series-set.ts';
import { labelsKey, withoutName, type StepSeries, type Value } from './values.ts';

interface BucketGroup {
  labels: Record<string, string>;
  members: { series: StepSeries; upperBound: number }[];
}

/** Classic histograms: series grouped by their labels without `le` (and the metric name). */
function bucketGroups(input: StepSeries[], e: Call, ctx: EvalContext): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of input) {
    const le = s.labels.le;
    const upperBound = le === undefined ? NaN : parseBound(le);
    if (upperBound !== upperBound) {
      const name = s.labels.__name__;
      ctx.annotate(
        'warning',
        `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le ?? '')} for metric name ${JSON.stringify(name ?? '')}`,
        e.args[e.args.length - 1].pos,
      );
      continue;
    }
    // Histograms with different names but equal labels stay apart here, and collide
    // (an error, as upstream) once the name is dropped from the output.
    const { le: _le, ...rest } = s.labels;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: withoutName(rest), members: [] }));
    g.members.push({ series: s, upperBound });
  }
  return [...groups.values()];
}

function parseBound(le: string): number {
  const t = le.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(le);
  return le.trim() === '' ? NaN : v;
}

function quantileAt(g: BucketGroup, i: number, q: number, e: Call, ctx: EvalContext): number | undefined {
  const buckets: Bucket[] = [];
  for (const m of g.members) if (m.series.has[i]) buckets.push({ upperBound: m.upperBound, count: m.series.values[i] });
  if (buckets.length === 0) return undefined;
  const r = bucketQuantile(q, buckets);
  const metric = g.members[0].series.labels.__name__ ?? '';
  if (r.forcedMonotonic) {
    ctx.annotate(
      'info',
      `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(metric)}`,
      e.args[e.args.length - 1].pos,
    );
  }
  return r.value;
}

function warnQuantiles(qs: Float64Array[], at: Expr, ctx: EvalContext): void {
  for (const q of qs) {
    for (let i = 0; i < q.length; i++) {
      if (q[i] >= 0 && q[i] <= 1) continue;
      ctx.annotate('warning', invalidQuantileWarning(q[i]), at.pos);
      return;
    }
  }
}

export function histogramQuantile(e: Call, ctx: EvalContext): Value {
  const q = scalarArg(e.args[0], ctx);
  warnQuantiles([q], e.args[0], ctx);
  const groups = bucketGroups(vectorArg(e.args[1], ctx), e, ctx);
  const out: StepSeries[] = [];
  for (const g of groups) {
    const r = ctx.newSeries(g.labels);
    for (let i = 0; i < ctx.steps; i++) {
      ctx.tick(g.members.length);
      const v = quantileAt(g, i, q[i], e, ctx);
      if (v === undefined) continue;
      r.values[i] = v;
      r.has[i] = 1;
    }
    out.push(r);
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

export function histogramQuantiles(e: Call, ctx: EvalContext): Value {
  const label = stringArg(e.args[1], ctx);
  if (!LABEL_NAME.test(label)) throw ctx.fail(`invalid label name ${JSON.stringify(label)} in histogram_quantiles()`, e.args[1].pos);
  const qs = e.args.slice(2).map((a) => scalarArg(a, ctx));
  warnQuantiles(qs, e.args[2] ?? e, ctx);
  const groups = bucketGroups(vectorArg(e.args[0], ctx), e, ctx);
  const out: StepSeries[] = [];
  for (const g of groups) {
    if (label in g.labels)
      throw ctx.fail(
        `label ${JSON.stringify(label)} already exists in the histogram's labels: choose another name for the quantile label`,
        e.args[1].pos,
      );
    const perQ = new Map<string, StepSeries>();
    for (let i = 0; i < ctx.steps; i++) {
      for (const q of qs) {
        ctx.tick(g.members.length);
        const v = quantileAt(g, i, q[i], e, ctx);
        if (v === undefined) continue;
        const text = formatOpenMetricsFloat(q[i]);
        let r = perQ.get(text);
        if (!r) perQ.set(text, (r = ctx.newSeries({ ...g.labels, [label]: text })));
        r.values[i] = v;
        r.has[i] = 1;
      }
    }
    out.push(...perQ.values());
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

export function histogramFraction(e: Call, ctx: EvalContext): Value {
  const lower = scalarArg(e.args[0], ctx);
  const upper = scalarArg(e.args[1], ctx);
  const groups = bucketGroups(vectorArg(e.args[2], ctx), e, ctx);
  const out: StepSeries[] = [];
  for (const g of groups) {
    const r = ctx.newSeries(g.labels);
    for (let i = 0; i < ctx.steps; i++) {
      ctx.tick(g.members.length);
      const buckets: Bucket[] = [];
      for (const m of g.members) if (m.series.has[i]) buckets.push({ upperBound: m.upperBound, count: m.series.values[i] });
      if (buckets.length === 0) continue;
      r.values[i] = bucketFraction(lower[i], upper[i], buckets);
      r.has[i] = 1;
    }
    out.push(r);
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}
