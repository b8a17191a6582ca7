// Aggregation operators, grouped `by`/`without` labels, evaluated step by step with the
// same numerics as Prometheus (Kahan sums, incremental mean on overflow, Welford variance).

import { formatFloat } from '@metrics-hub/go-format';
import type { Aggregate } from './ast.ts';
import type { EvalContext } from './eval-context.ts';
import { unparen } from './call-args.ts';
import { evaluate, selectVector } from './evaluate.ts';
import { invalidQuantileWarning, invalidRatioWarning, kahanSumInc, quantile } from './functions/index.ts';
import { addToSum, finishSum, sumOfRollupCall } from './fused-sum.ts';
import { groupLabels } from './series-set.ts';
import { labelsKey, newSeries, type StepSeries, type Value } from './values.ts';

interface Group {
  labels: Record<string, string>;
  members: number[];
}

export function evalAggregate(e: Aggregate, ctx: EvalContext): Value {
  const fused = sumOfRollupCall(e, ctx);
  if (fused) return fused;
  // count and group read only which steps have a value: a selector below them need not decode values.
  const inner = unparen(e.expr);
  const input =
    (e.op === 'count' || e.op === 'group') && inner.type === 'vectorSelector' && !ctx.given?.has(inner)
      ? { kind: 'vector' as const, series: selectVector(inner, ctx, true) }
      : evaluate(e.expr, ctx);
  if (input.kind !== 'vector') throw ctx.fail('aggregation needs an instant vector', e.pos);
  const series = input.series;
  let param: Float64Array | string | undefined;
  if (e.param) {
    const p = evaluate(e.param, ctx);
    if (p.kind === 'string') param = p.value;
    else if (p.kind === 'scalar') param = p.values;
    else throw ctx.fail('aggregation parameter must be a scalar or a string', e.param.pos);
  }
  // Group membership does not change across steps: the labels do not.
  const groups = new Map<string, Group>();
  const groupOf: Group[] = [];
  for (let k = 0; k < series.length; k++) {
    ctx.tick();
    const labels = groupLabels(series[k].labels, e.grouping, e.without);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, members: [] }));
    g.members.push(k);
    groupOf.push(g);
  }
  switch (e.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return { kind: 'vector', series: selectMembers(e, series, [...groups.values()], param as Float64Array, ctx) };
    case 'count_values':
      return { kind: 'vector', series: countValues(e, series, [...groups.values()], param as string, ctx) };
    default:
      return { kind: 'vector', series: reduce(e, series, [...groups.values()], param as Float64Array | undefined, ctx) };
  }
}

function reduce(e: Aggregate, series: StepSeries[], groups: Group[], param: Float64Array | undefined, ctx: EvalContext): StepSeries[] {
  const out: StepSeries[] = [];
  const values: number[] = [];
  const byMember = MEMBER_BY_MEMBER[e.op];
  for (const g of groups) {
    const r = ctx.newSeries(g.labels);
    if (byMember) {
      // Member by member over all steps: each step still sees its values in member order.
      ctx.tick(g.members.length * ctx.steps);
      byMember(
        g.members.map((k) => series[k]),
        r,
        ctx.steps,
      );
      out.push(r);
      continue;
    }
    for (let i = 0; i < ctx.steps; i++) {
      ctx.tick(g.members.length);
      values.length = 0;
      for (const k of g.members) if (series[k].has[i]) values.push(series[k].values[i]);
      if (values.length === 0) continue;
      r.values[i] = reduceValues(e, values, param?.[i], ctx);
      r.has[i] = 1;
    }
    out.push(r);
  }
  return out.filter((s) => s.has.includes(1));
}

/**
 * Aggregations whose value at a step is built one member at a time in member order, as
 * `reduceValues` builds it from the step's list: the same floats, without a list per step.
 */
const MEMBER_BY_MEMBER: Partial<Record<string, (members: StepSeries[], r: StepSeries, steps: number) => void>> = {
  sum: function sumByMember(members, r, steps) {
    const c = new Float64Array(steps);
    for (const m of members) addToSum(r, c, m, steps);
    finishSum(r, c, steps);
  },
  count: function countByMember(members, r, steps) {
    for (const m of members) {
      for (let i = 0; i < steps; i++) {
        if (!m.has[i]) continue;
        r.values[i]++;
        r.has[i] = 1;
      }
    }
  },
  group: function groupByMember(members, r, steps) {
    for (const m of members) {
      for (let i = 0; i < steps; i++) {
        if (!m.has[i]) continue;
        r.values[i] = 1;
        r.has[i] = 1;
      }
    }
  },
  // The first value seeds; a NaN so far gives way to any value.
  min: function minByMember(members, r, steps) {
    for (const { has, values } of members) {
      for (let i = 0; i < steps; i++) {
        if (!has[i]) continue;
        const v = values[i];
        if (!r.has[i] || r.values[i] > v || r.values[i] !== r.values[i]) r.values[i] = v;
        r.has[i] = 1;
      }
    }
  },
  max: function maxByMember(members, r, steps) {
    for (const { has, values } of members) {
      for (let i = 0; i < steps; i++) {
        if (!has[i]) continue;
        const v = values[i];
        if (!r.has[i] || r.values[i] < v || r.values[i] !== r.values[i]) r.values[i] = v;
        r.has[i] = 1;
      }
    }
  },
  avg: avgByMember,
};

/** `average` of each step's values, member by member: its state per step in arrays. */
function avgByMember(members: StepSeries[], r: StepSeries, steps: number): void {
  const sum = new Float64Array(steps);
  const c = new Float64Array(steps);
  const mean = new Float64Array(steps);
  const n = new Float64Array(steps);
  const incremental = new Uint8Array(steps);
  for (const { has, values } of members) {
    for (let i = 0; i < steps; i++) {
      if (!has[i]) continue;
      const v = values[i];
      const count = ++n[i];
      if (!incremental[i]) {
        const [s2, c2] = kahanSumInc(v, sum[i], c[i]);
        if (Number.isFinite(s2) || !Number.isFinite(v)) {
          sum[i] = s2;
          c[i] = c2;
          continue;
        }
        incremental[i] = 1;
        mean[i] = sum[i] / (count - 1);
        c[i] /= count - 1;
      }
      const m = mean[i];
      if (!Number.isFinite(m)) {
        if (!Number.isFinite(v) && v > 0 === m > 0) continue;
        if (v === v && Number.isFinite(v)) continue;
      }
      const current = m + c[i];
      const [m2, c2] = kahanSumInc(v / count - current / count, m, c[i]);
      mean[i] = m2;
      c[i] = c2;
    }
  }
  for (let i = 0; i < steps; i++) {
    if (n[i] === 0) continue;
    r.values[i] = incremental[i] ? mean[i] + c[i] : (sum[i] + c[i]) / n[i];
    r.has[i] = 1;
  }
}

function reduceValues(e: Aggregate, values: number[], param: number | undefined, ctx: EvalContext): number {
  switch (e.op) {
    case 'sum': {
      let sum = 0;
      let c = 0;
      for (const v of values) [sum, c] = kahanSumInc(v, sum, c);
      return sum + c;
    }
    case 'avg':
      return average(values);
    case 'count':
      return values.length;
    case 'group':
      return 1;
    case 'min': {
      let m = values[0];
      for (const v of values) if (m > v || m !== m) m = v;
      return m;
    }
    case 'max': {
      let m = values[0];
      for (const v of values) if (m < v || m !== m) m = v;
      return m;
    }
    case 'stddev':
    case 'stdvar': {
      let mean = 0;
      let m2 = 0;
      let n = 0;
      for (const v of values) {
        n++;
        const delta = v - mean;
        mean += delta / n;
        m2 += delta * (v - mean);
      }
      const variance = m2 / n;
      return e.op === 'stdvar' ? variance : Math.sqrt(variance);
    }
    case 'quantile': {
      const q = param ?? NaN;
      if (!(q >= 0 && q <= 1)) ctx.annotate('warning', invalidQuantileWarning(q), e.param?.pos);
      return quantile(q, values);
    }
    default:
      throw ctx.fail(`unknown aggregation ${e.op}`, e.pos);
  }
}

/** Prometheus's avg: a Kahan sum divided at the end, or an incremental mean once the sum overflows. */
export function average(values: number[]): number {
  let sum = 0;
  let c = 0;
  let mean = 0;
  let incremental = false;
  let n = 0;
  for (const v of values) {
    n++;
    if (!incremental) {
      const [s2, c2] = kahanSumInc(v, sum, c);
      if (Number.isFinite(s2) || !Number.isFinite(v)) {
        sum = s2;
        c = c2;
        continue;
      }
      incremental = true;
      mean = sum / (n - 1);
      c /= n - 1;
    }
    if (!Number.isFinite(mean)) {
      if (!Number.isFinite(v) && v > 0 === mean > 0) continue;
      if (v === v && Number.isFinite(v)) continue;
    }
    const current = mean + c;
    [mean, c] = kahanSumInc(v / n - current / n, mean, c);
  }
  return incremental ? mean + c : (sum + c) / n;
}

function selectMembers(e: Aggregate, series: StepSeries[], groups: Group[], param: Float64Array, ctx: EvalContext): StepSeries[] {
  // An output series exists (and counts toward the sample limit) once it is chosen at some step.
  const out: (StepSeries | undefined)[] = new Array(series.length);
  const order: number[][] = [];
  for (let i = 0; i < ctx.steps; i++) {
    const p = param[i];
    if (p !== p) throw ctx.fail(e.op === 'limit_ratio' ? 'Ratio value is NaN' : `Parameter value is NaN for ${e.op}`, e.param?.pos);
    order[i] = [];
    for (const g of groups) {
      // topk and bottomk sort the group at every step.
      ctx.tick(g.members.length * (e.op === 'topk' || e.op === 'bottomk' ? Math.log2(g.members.length + 1) : 1));
      const present = g.members.filter((k) => series[k].has[i]);
      let chosen: number[];
      if (e.op === 'limit_ratio') {
        let ratio = p;
        if (ratio < -1 || ratio > 1) {
          ctx.annotate('warning', invalidRatioWarning(ratio, ratio > 0 ? 1 : -1), e.param?.pos);
          ratio = ratio > 0 ? 1 : -1;
        }
        chosen = present.filter((k) => inRatio(series[k].labels, ratio));
      } else {
        const k = Math.min(present.length, Math.trunc(Math.min(p, 2 ** 53)));
        if (!(k >= 1)) continue;
        if (e.op === 'limitk') {
          chosen = present.slice(0, k);
        } else {
          const top = e.op === 'topk';
          // NaN counts as the smallest value for topk and the largest for bottomk.
          const sorted = [...present].sort((a, b) => {
            const va = series[a].values[i];
            const vb = series[b].values[i];
            if (va !== va) return vb !== vb ? 0 : 1;
            if (vb !== vb) return -1;
            return top ? vb - va : va - vb;
          });
          chosen = sorted.slice(0, k);
        }
      }
      for (const k of chosen) {
        const r = (out[k] ??= ctx.newSeries(series[k].labels));
        r.values[i] = series[k].values[i];
        r.has[i] = 1;
        order[i].push(k);
      }
    }
  }
  // For an instant query, the order within each group is the selection order (ordered tests).
  if (ctx.steps === 1) return order[0].map((k) => out[k]!);
  return out.filter((s): s is StepSeries => s !== undefined);
}

function countValues(e: Aggregate, series: StepSeries[], groups: Group[], label: string, ctx: EvalContext): StepSeries[] {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw ctx.fail(`invalid label name ${JSON.stringify(label)}`, e.param?.pos);
  // Every distinct value becomes a series with a slot per step: 10,800 steps of values that
  // all differ would make 10,800 series of 10,800 slots. A first pass only counts the
  // series to be, so the sample limit refuses such a query before any of them is allocated.
  const distinct = groups.map(() => new Set<string>());
  groups.forEach((g, n) => {
    for (let i = 0; i < ctx.steps; i++) {
      ctx.tick(g.members.length);
      for (const k of g.members) {
        if (!series[k].has[i]) continue;
        const v = formatFloat(series[k].values[i], 'f', -1);
        if (distinct[n].has(v)) continue;
        distinct[n].add(v);
        ctx.hold(ctx.steps);
      }
    }
  });
  const results = new Map<string, StepSeries>();
  groups.forEach((g, n) => {
    const byValue = new Map<string, StepSeries>();
    for (const value of distinct[n]) {
      const labels = { ...g.labels, [label]: value };
      const key = labelsKey(labels);
      let r = results.get(key);
      if (!r) results.set(key, (r = newSeries(labels, ctx.steps)));
      byValue.set(value, r);
    }
    for (let i = 0; i < ctx.steps; i++) {
      ctx.tick(g.members.length);
      for (const k of g.members) {
        if (!series[k].has[i]) continue;
        const r = byValue.get(formatFloat(series[k].values[i], 'f', -1))!;
        if (!r.has[i]) r.values[i] = 0;
        r.values[i]++;
        r.has[i] = 1;
      }
    }
  });
  return [...results.values()];
}

/** Deterministic sampling: the same series is in or out for a given ratio, at every step and on every hub. */
function inRatio(labels: Record<string, string>, ratio: number): boolean {
  const offset = labelHash(labels);
  return ratio >= 0 ? offset < ratio : offset >= 1 + ratio;
}

/** A hash of the label set in [0, 1). */
function labelHash(labels: Record<string, string>): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const key = labelsKey(labels);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return (h1 * 2 ** 21 + (h2 >>> 11)) / 2 ** 53;
}
