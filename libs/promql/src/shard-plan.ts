// How one query splits by series across workers (the hub's query pool gives a big range
// query every idle core). Each shard selects only its series (a hash of their labels, see
// shardOf in libs/wire) and evaluates the query's "parts"; the coordinator evaluates the
// rest ("outer") over the shards' parts put together. The rewrite is the classic one of
// query sharding (Cortex, Thanos):
//
//   sum by (g) (X)      ->  sum by (g) (⟨sum by (g) (X)⟩)        also min, max, group
//   count by (g) (X)    ->  sum by (g) (⟨count by (g) (X)⟩)
//   avg by (g) (X)      ->  sum by (g) (⟨sum by (g) (X)⟩) / sum by (g) (⟨count by (g) (X)⟩)
//   topk(k, X)          ->  topk(k, ⟨topk(k, X)⟩)                also bottomk
//   X                   ->  ⟨X⟩   (whole, when X maps each series to itself or drops it)
//
// where ⟨P⟩ stands for P evaluated in every shard, the results concatenated. X must be
// "series-wise": selectors, range and per-series functions of them, arithmetic with
// scalars, and binary operations whose matching keeps matching series in one shard (the
// shard key then is the labels they match on). Anything else (quantile, histogram_quantile
// over classic buckets, label_replace, absent, subqueries of aggregations) is evaluated by
// the coordinator, over shard parts found further down where there are any.

import type { Aggregate, AggregateOp, Binary, Call, Expr, VectorSelector } from './ast.ts';
import { unparen } from './call-args.ts';
import { typeOf } from './parser.ts';

export interface ShardPlan {
  /** What the coordinator evaluates: the query with a placeholder where each part's values go. */
  outer: Expr;
  /** What every shard evaluates over its own series, in this order. */
  parts: Expr[];
  /** placeholders[i] stands for parts[i], concatenated over the shards. */
  placeholders: VectorSelector[];
  /** The labels whose values choose a series' shard (sorted); undefined: every label but the metric name. */
  key: string[] | undefined;
}

/** Functions whose output series are their input series, one for one (or fewer), values per series. */
// biome-ignore format: a list of names reads best packed
const SERIES_WISE_CALLS = new Set([
  'abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'deg', 'rad',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time',
  'first_over_time', 'present_over_time', 'stddev_over_time', 'stdvar_over_time', 'mad_over_time',
  'ts_of_min_over_time', 'ts_of_max_over_time', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes',
  'clamp', 'clamp_max', 'clamp_min', 'round', 'timestamp', 'predict_linear', 'quantile_over_time',
  'double_exponential_smoothing', 'histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev',
  'histogram_stdvar',
]);

/** Scalar functions of the query alone (the same in every shard). */
const CONSTANT_CALLS = new Set(['pi', 'time', 'step', 'range', 'start', 'end']);

/** Aggregations a shard can pre-aggregate, and what the coordinator aggregates the partials with. */
const PARTIAL: Partial<Record<AggregateOp, AggregateOp>> = {
  sum: 'sum',
  min: 'min',
  max: 'max',
  group: 'group',
  count: 'sum',
  topk: 'topk',
  bottomk: 'bottomk',
};

type Kind = 'constant' | 'series';

/** How a shard key must relate to a binary operation's matching for matching series to share a shard. */
type Constraint = { on: string[] } | { ignoring: string[] };

/** The plan for a query, or undefined when no part of it would run in the shards. */
export function planShards(expr: Expr): ShardPlan | undefined {
  const constraints: Constraint[] = [];
  const kindOf = (e: Expr) => kind(e, constraints);
  const parts: Expr[] = [];
  const placeholders: VectorSelector[] = [];
  const part = (e: Expr): VectorSelector => {
    const p: VectorSelector = { type: 'vectorSelector', name: undefined, matchers: [], offset: undefined, at: undefined, pos: e.pos };
    parts.push(e);
    placeholders.push(p);
    return p;
  };
  const split = (e: Expr): Expr => {
    if (kindOf(e) === 'series' && typeOf(e) === 'vector') return part(e);
    switch (e.type) {
      case 'aggregate':
        return splitAggregate(e, kindOf, split, part);
      case 'binary':
        return { ...e, lhs: split(e.lhs), rhs: split(e.rhs) };
      case 'call':
        // absent() reads the labels of its argument's selector: it keeps its argument whole.
        return e.name === 'absent' || e.name === 'absent_over_time' ? e : { ...e, args: e.args.map(split) };
      case 'unary':
      case 'paren':
        return { ...e, expr: split(e.expr) };
      default:
        // A subquery's inner expression runs at the subquery's own steps, not the query's: whole.
        return e;
    }
  };
  const outer = split(expr);
  if (parts.length === 0) return undefined;
  const key = shardKey(constraints);
  if (key === null) return undefined;
  return { outer, parts, placeholders, key };
}

/**
 * The inputs that more than one part aggregates (avg's sum and count take the same X): a
 * shard evaluates each of them once and gives the value to every part that reads it.
 */
export function sharedPartInputs(parts: readonly Expr[]): Expr[] {
  const seen = new Set<Expr>();
  const shared = new Set<Expr>();
  for (const p of parts) {
    if (p.type !== 'aggregate') continue;
    const input = unparen(p.expr);
    if (seen.has(input)) shared.add(input);
    seen.add(input);
  }
  return [...shared];
}

function splitAggregate(
  e: Aggregate,
  kindOf: (e: Expr) => Kind | undefined,
  split: (e: Expr) => Expr,
  part: (e: Expr) => VectorSelector,
): Expr {
  const merge = PARTIAL[e.op];
  const paramOk = e.param === undefined || kindOf(e.param) === 'constant';
  if (kindOf(e.expr) === 'series' && paramOk) {
    if (merge) return { ...e, op: merge, expr: part(e) };
    if (e.op === 'avg') {
      const sum: Aggregate = { ...e, op: 'sum', expr: part({ ...e, op: 'sum' }) };
      const count: Aggregate = { ...e, op: 'sum', expr: part({ ...e, op: 'count' }) };
      const ratio: Binary = {
        type: 'binary',
        op: '/',
        lhs: sum,
        rhs: count,
        returnBool: false,
        matching: { card: 'one-to-one', on: false, labels: [], include: [] },
        pos: e.pos,
      };
      return ratio;
    }
  }
  return { ...e, expr: split(e.expr), param: e.param && split(e.param) };
}

/** Whether `e` is the same in every shard (constant), or series-wise (each shard: its series' share). */
function kind(e: Expr, constraints: Constraint[]): Kind | undefined {
  switch (e.type) {
    case 'number':
    case 'string':
      return 'constant';
    case 'vectorSelector':
    case 'matrixSelector':
      return 'series';
    case 'paren':
    case 'unary':
      return kind(e.expr, constraints);
    case 'subquery':
      return kind(e.expr, constraints) === 'series' ? 'series' : undefined;
    case 'call':
      return callKind(e, constraints);
    case 'binary':
      return binaryKind(e, constraints);
    case 'aggregate':
      return undefined;
  }
}

function callKind(e: Call, constraints: Constraint[]): Kind | undefined {
  if (CONSTANT_CALLS.has(e.name)) return 'constant';
  // hour() and the like without an argument make a vector of their own, once: not per shard.
  if (!SERIES_WISE_CALLS.has(e.name) || e.args.length === 0) return undefined;
  const kinds = e.args.map((a) => kind(a, constraints));
  const series = kinds.filter((k) => k === 'series').length;
  return series === 1 && kinds.every((k) => k !== undefined) ? 'series' : undefined;
}

function binaryKind(e: Binary, constraints: Constraint[]): Kind | undefined {
  const l = kind(e.lhs, constraints);
  const r = kind(e.rhs, constraints);
  if (l === undefined || r === undefined) return undefined;
  if (l === 'constant' && r === 'constant') return 'constant';
  if (l === 'series' && r === 'series') {
    const m = e.matching;
    constraints.push(m?.on ? { on: m.labels } : { ignoring: m?.labels ?? [] });
  }
  return 'series';
}

/**
 * A key under which every binary operation's matching series share a shard: the labels
 * common to every `on (...)` list (a shard by `instance` keeps `on (instance, device)`
 * together), none of them ignored anywhere. Without `on`, every label but the name (what
 * default matching compares), unless something is ignored. Null when no key serves.
 */
function shardKey(constraints: Constraint[]): string[] | undefined | null {
  const ons = constraints.filter((c): c is { on: string[] } => 'on' in c);
  const ignored = new Set(constraints.flatMap((c) => ('ignoring' in c ? c.ignoring : [])));
  if (ons.length === 0) return ignored.size === 0 ? undefined : null;
  const common = ons.map((c) => c.on).reduce((a, b) => a.filter((n) => b.includes(n)));
  const key = [...new Set(common)].filter((n) => !ignored.has(n) && n !== '__name__').sort();
  return key.length > 0 ? key : null;
}
