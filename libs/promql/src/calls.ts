// Function calls: the engine's side of each function (which argument is the range, which
// labels survive, what an empty input yields); the arithmetic lives in ./functions.

import { compileAnchoredRegex, type AnchoredRegex, type RegexMatch } from '@metrics-hub/wire';
import type { Call, Expr, Matcher } from './ast.ts';
import type { EvalContext } from './eval-context.ts';
import { evaluate, lastAtOrBefore, rangeSource, windowBounds, type RangeSource } from './evaluate.ts';
import {
  bucketFraction,
  bucketQuantile,
  formatOpenMetricsFloat,
  FunctionArgumentError,
  INSTANT_FUNCTIONS,
  invalidQuantileWarning,
  lacksCounterSuffix,
  possibleNonCounterInfo,
  RANGE_FUNCTIONS,
  type Bucket,
  type RangeWindow,
} from './functions/index.ts';
import { bucketFunction, ROLLUP_CAPABLE } from './rollup-functions.ts';
import { FUNCTIONS } from './function-signatures.ts';
import { mergeSameLabels } from './series-set.ts';
import { labelsKey, withLabel, withoutName, type StepSeries, type Value } from './values.ts';

/** Range functions whose output keeps the metric name (they return a sample as it was). */
const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);

export function evalCall(e: Call, ctx: EvalContext): Value {
  const scalar = (values: (i: number) => number): Value => {
    const out = ctx.newValues();
    for (let i = 0; i < ctx.steps; i++) out[i] = values(i);
    return { kind: 'scalar', values: out };
  };
  switch (e.name) {
    case 'time':
      return scalar((i) => ctx.times[i] / 1000);
    case 'pi':
      return scalar(() => Math.PI);
    case 'step':
      return scalar(() => ctx.queryStep / 1000);
    case 'range':
      return scalar(() => (ctx.queryEnd - ctx.queryStart) / 1000);
    case 'start':
      return scalar(() => ctx.queryStart / 1000);
    case 'end':
      return scalar(() => ctx.queryEnd / 1000);
    case 'vector': {
      const v = scalarArg(e.args[0], ctx);
      const s = ctx.newSeries({});
      s.values.set(v);
      s.has.fill(1);
      return { kind: 'vector', series: [s] };
    }
    case 'scalar': {
      const v = vectorArg(e.args[0], ctx);
      return scalar((i) => {
        ctx.tick(v.length);
        let found = NaN;
        let count = 0;
        for (const s of v) {
          if (!s.has[i]) continue;
          count++;
          found = s.values[i];
        }
        return count === 1 ? found : NaN;
      });
    }
    case 'absent':
      return absent(e, vectorArg(e.args[0], ctx), ctx);
    case 'absent_over_time':
      return absentOverTime(e, ctx);
    case 'timestamp':
      return timestamp(e, ctx);
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sort(e, ctx);
    case 'label_replace':
      return labelReplace(e, ctx);
    case 'label_join':
      return labelJoin(e, ctx);
    case 'histogram_quantile':
      return histogramQuantile(e, ctx);
    case 'histogram_quantiles':
      return histogramQuantiles(e, ctx);
    case 'histogram_fraction':
      return histogramFraction(e, ctx);
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // Native histograms only: float samples give nothing.
      for (const a of e.args) evaluate(a, ctx);
      return { kind: 'vector', series: [] };
  }
  const sig = FUNCTIONS[e.name];
  if (sig.args.includes('matrix')) return rangeFunction(e, ctx);
  return instantFunction(e, ctx);
}

function scalarArg(e: Expr, ctx: EvalContext): Float64Array {
  const v = evaluate(e, ctx);
  if (v.kind !== 'scalar') throw ctx.fail('expected a scalar argument', e.pos);
  return v.values;
}

function vectorArg(e: Expr, ctx: EvalContext): StepSeries[] {
  const v = evaluate(e, ctx);
  if (v.kind !== 'vector') throw ctx.fail('expected an instant vector argument', e.pos);
  return v.series;
}

function stringArg(e: Expr, ctx: EvalContext): string {
  const v = evaluate(e, ctx);
  if (v.kind !== 'string') throw ctx.fail('expected a string argument', e.pos);
  return v.value;
}

function unparen(e: Expr): Expr {
  let inner = e;
  while (inner.type === 'paren') inner = inner.expr;
  return inner;
}

/**
 * A range function over whole buckets of the store's rollups, when that gives the same
 * answer as the samples (see rollup-functions.ts); undefined to use the samples.
 */
function rollupRangeFunction(e: Call, arg: Expr, ctx: EvalContext): Value | undefined {
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
  const found = queryable.selectBuckets(sel.matchers, first - rangeMs, last, resolution);
  if (!found) return undefined;
  const selections = [...found];
  const fns = selections.map((s) => bucketFunction(e.name, s.kind));
  // A series whose buckets lack what the function needs sends the whole call to the samples.
  if (fns.some((f) => !f)) return undefined;
  const out: StepSeries[] = [];
  selections.forEach((s, k) => {
    const fn = fns[k]!;
    if ((e.name === 'rate' || e.name === 'increase') && lacksCounterSuffix(s.labels.__name__)) {
      ctx.annotate('info', possibleNonCounterInfo(s.labels.__name__!), arg.pos);
    }
    const r = ctx.newSeries(KEEPS_NAME.has(e.name) ? s.labels : withoutName(s.labels));
    const b = s.buckets;
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      const end = ends[i];
      const to = lastAtOrBefore(b.ends, b.length, end) + 1;
      const from = lastAtOrBefore(b.ends, to, end - rangeMs) + 1;
      if (to === from) continue;
      const v = fn(b, from, to, end - rangeMs, end);
      if (v === undefined) continue;
      r.values[i] = v;
      r.has[i] = 1;
    }
    out.push(r);
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

function rangeArg(e: Expr, ctx: EvalContext): RangeSource {
  const inner = unparen(e);
  if (inner.type !== 'matrixSelector' && inner.type !== 'subquery') throw ctx.fail('expected a range vector argument', e.pos);
  return rangeSource(inner, ctx);
}

function rangeFunction(e: Call, ctx: EvalContext): Value {
  const fn = RANGE_FUNCTIONS[e.name];
  if (!fn) throw ctx.fail(`function ${e.name} is not implemented`, e.pos);
  const sig = FUNCTIONS[e.name];
  const matrixAt = sig.args.indexOf('matrix');
  const fromRollups = rollupRangeFunction(e, unparen(e.args[matrixAt]), ctx);
  if (fromRollups) return fromRollups;
  const src = rangeArg(e.args[matrixAt], ctx);
  const scalars = e.args.map((a, k) => (k === matrixAt ? undefined : scalarArg(a, ctx)));
  const keepName = KEEPS_NAME.has(e.name);
  const out: StepSeries[] = [];
  const args: number[] = [];
  for (const p of src.series) {
    const r = ctx.newSeries(keepName ? p.labels : withoutName(p.labels));
    const window: RangeWindow = {
      start: 0,
      end: 0,
      evalTime: 0,
      metricName: p.labels.__name__,
      annotate: (level: 'warning' | 'info', message: string) => ctx.annotate(level, message, src.pos),
    };
    for (let i = 0; i < ctx.steps; i++) {
      const end = src.ends[i];
      const [lo, hi] = windowBounds(p.ts, p.n, end, src.rangeMs + ctx.windowSlackMs);
      // Some functions (quantile_over_time, mad_over_time) sort or scan the whole window.
      ctx.tick(1 + hi - lo);
      if (hi === lo) continue;
      args.length = 0;
      for (const s of scalars) if (s) args.push(s[i]);
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
    out.push(r);
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

function instantFunction(e: Call, ctx: EvalContext): Value {
  const fn = INSTANT_FUNCTIONS[e.name];
  if (!fn) throw ctx.fail(`function ${e.name} is not implemented`, e.pos);
  // Date functions default to the evaluation time: vector(time()).
  let input: StepSeries[];
  if (e.args.length) {
    input = vectorArg(e.args[0], ctx);
  } else {
    const now = ctx.newSeries({});
    for (let i = 0; i < ctx.steps; i++) now.values[i] = ctx.times[i] / 1000;
    now.has.fill(1);
    input = [now];
  }
  const scalars = e.args.slice(1).map((a) => scalarArg(a, ctx));
  const out: StepSeries[] = [];
  const args: number[] = [];
  for (const s of input) {
    const r = ctx.newSeries(withoutName(s.labels));
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      if (!s.has[i]) continue;
      args.length = 0;
      for (const a of scalars) args.push(a[i]);
      const v = fn(s.values[i], args);
      if (v === undefined) continue;
      r.values[i] = v;
      r.has[i] = 1;
    }
    out.push(r);
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

/** Labels absent() reports: the selector's equality matchers (a label matched twice is left out). */
function absentLabels(arg: Expr): Record<string, string> {
  let inner = arg;
  while (inner.type === 'paren') inner = inner.expr;
  const selector = inner.type === 'vectorSelector' ? inner : inner.type === 'matrixSelector' ? inner.selector : undefined;
  if (!selector) return {};
  const out: Record<string, string> = {};
  const seen = new Map<string, number>();
  for (const m of selector.matchers as Matcher[]) seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
  for (const m of selector.matchers as Matcher[]) {
    if (m.name === '__name__' || m.type !== '=' || seen.get(m.name)! > 1) continue;
    out[m.name] = m.value;
  }
  return out;
}

function absent(e: Call, input: StepSeries[], ctx: EvalContext): Value {
  const r = ctx.newSeries(absentLabels(e.args[0]));
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(input.length);
    if (input.some((s) => s.has[i])) continue;
    r.values[i] = 1;
    r.has[i] = 1;
  }
  return { kind: 'vector', series: r.has.includes(1) ? [r] : [] };
}

function absentOverTime(e: Call, ctx: EvalContext): Value {
  const src = rangeArg(e.args[0], ctx);
  const r = ctx.newSeries(absentLabels(e.args[0]));
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(src.series.length);
    const any = src.series.some((p) => {
      const [lo, hi] = windowBounds(p.ts, p.n, src.ends[i], src.rangeMs + ctx.windowSlackMs);
      return hi > lo;
    });
    if (any) continue;
    r.values[i] = 1;
    r.has[i] = 1;
  }
  return { kind: 'vector', series: r.has.includes(1) ? [r] : [] };
}

function timestamp(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const out = input.map((s) => {
    const r = ctx.newSeries(withoutName(s.labels));
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      if (!s.has[i]) continue;
      r.values[i] = (s.sampleTimes ? s.sampleTimes[i] : ctx.times[i]) / 1000;
      r.has[i] = 1;
    }
    return r;
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

function sort(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const names = e.args.slice(1).map((a) => stringArg(a, ctx));
  if (ctx.steps > 1) {
    ctx.annotate('warning', 'sort is ineffective for range queries since results are always ordered by labels', e.pos);
    return { kind: 'vector', series: input };
  }
  const present = input.filter((s) => s.has[0]);
  ctx.hold(present.length);
  const desc = e.name.endsWith('_desc');
  let sorted: StepSeries[];
  if (e.name.startsWith('sort_by_label')) {
    sorted = [...present].sort((a, b) => {
      ctx.tick();
      for (const n of names) {
        const c = naturalCompare(a.labels[n] ?? '', b.labels[n] ?? '');
        if (c) return desc ? -c : c;
      }
      const c = naturalCompare(labelsKey(a.labels), labelsKey(b.labels));
      return desc ? -c : c;
    });
  } else {
    // NaN sorts last either way, as in Prometheus.
    sorted = [...present].sort((a, b) => {
      ctx.tick();
      const va = a.values[0];
      const vb = b.values[0];
      if (va !== va) return vb !== vb ? 0 : 1;
      if (vb !== vb) return -1;
      return desc ? vb - va : va - vb;
    });
  }
  return { kind: 'vector', series: sorted };
}

/** Digit runs compare as numbers: "a2" < "a10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelReplace(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const [dst, replacement, src, regex] = e.args.slice(1).map((a) => stringArg(a, ctx));
  let re: AnchoredRegex;
  try {
    re = compileAnchoredRegex(regex);
  } catch (err) {
    throw ctx.fail(`invalid regular expression in label_replace(): ${regex}: ${(err as Error).message}`, e.pos);
  }
  if (!LABEL_NAME.test(dst)) throw ctx.fail(`invalid destination label name in label_replace(): ${dst}`, e.pos);
  const out = input.map((s) => {
    const value = s.labels[src] ?? '';
    ctx.tick(1 + value.length);
    const m = re.exec(value);
    if (!m) return s;
    const replaced = expandTemplate(replacement, m);
    // A new series each: counted like one, and its text too ("$1$1$1..." can be long).
    ctx.hold(ctx.steps);
    ctx.holdText(replaced.length);
    return { ...s, labels: withLabel(s.labels, dst, replaced) };
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

/** Go's regexp.Expand: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, m: RegexMatch): string {
  return template.replace(/\$(\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g, (_all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) return m.groups[Number(name)] ?? '';
    return m.named[name] ?? '';
  });
}

function labelJoin(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const [dst, sep, ...srcs] = e.args.slice(1).map((a) => stringArg(a, ctx));
  if (!LABEL_NAME.test(dst)) throw ctx.fail(`invalid destination label name in label_join(): ${dst}`, e.pos);
  for (const s of srcs)
    if (!LABEL_NAME.test(s) && s !== '__name__') throw ctx.fail(`invalid source label name in label_join(): ${s}`, e.pos);
  const out = input.map((s) => {
    const joined = srcs.map((n) => s.labels[n] ?? '').join(sep);
    ctx.tick(1 + srcs.length);
    ctx.hold(ctx.steps);
    ctx.holdText(joined.length);
    return { ...s, labels: withLabel(s.labels, dst, joined) };
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

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

function histogramQuantile(e: Call, ctx: EvalContext): Value {
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

function histogramQuantiles(e: Call, ctx: EvalContext): Value {
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

function histogramFraction(e: Call, ctx: EvalContext): Value {
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
