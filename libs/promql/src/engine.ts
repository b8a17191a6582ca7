// The query API: instant and range queries over a Queryable, with Prometheus's result
// shapes (times in milliseconds here; the HTTP layer formats them) and annotations.

import type { Labels } from '@metrics-hub/wire';
import type { Expr } from './ast.ts';
import { EvalContext, type EngineLimits, type QueryOptions } from './eval-context.ts';
import { PromqlError } from './errors.ts';
import { evaluate, windowBounds } from './evaluate.ts';
import { parseExpr, typeOf } from './parser.ts';
import type { Queryable } from './queryable.ts';
import type { QueryStats } from './query-stats.ts';
import { packPart, unpackParts, type ShardAnswer, type ShardStats } from './shard-parts.ts';
import { planShards, sharedPartInputs } from './shard-plan.ts';
import { shardQueryable } from './shard-queryable.ts';
import { labelsKey, type StepSeries, type Value } from './values.ts';

export type QueryData =
  | { resultType: 'vector'; result: { metric: Labels; t: number; v: number }[] }
  | { resultType: 'matrix'; result: { metric: Labels; points: { t: number; v: number }[] }[] }
  | { resultType: 'scalar'; result: { t: number; v: number } }
  | { resultType: 'string'; result: { t: number; v: string } };

export interface QueryResult {
  data: QueryData;
  warnings: string[];
  infos: string[];
}

/** One series of a range query: a value per step where `has` is 1. */
export interface RangeSeries {
  metric: Labels;
  values: Float64Array;
  has: Uint8Array;
}

/** A range query's answer on its step grid: series sorted by labels, each with at least one value. */
export interface RangeQueryResult {
  data: { times: Float64Array; series: RangeSeries[] };
  warnings: string[];
  infos: string[];
}

export const DEFAULT_LIMITS: EngineLimits = {
  lookbackDeltaMs: 5 * 60_000,
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  defaultSubqueryStepMs: 60_000,
  useRollups: true,
  leftClosedWindows: false,
};

export class Engine {
  readonly limits: EngineLimits;

  constructor(limits: Partial<EngineLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  instantQuery(queryable: Queryable, query: string, timeMs: number, options: QueryOptions = {}): QueryResult {
    const stats = options.stats;
    const t0 = stats?.clock() ?? 0;
    const expr = parseExpr(query);
    const ctx = EvalContext.forQuery(
      queryable,
      query,
      Float64Array.of(timeMs),
      { start: timeMs, end: timeMs, step: 0 },
      this.limits,
      options,
    );
    ctx.stats = stats;
    ctx.keepsSampleTimes = calls(expr, 'timestamp');
    const t1 = stats?.clock() ?? 0;
    const value = evaluate(expr, ctx);
    const t2 = stats?.clock() ?? 0;
    let data: QueryData;
    switch (value.kind) {
      case 'scalar':
        data = { resultType: 'scalar', result: { t: timeMs, v: value.values[0] } };
        break;
      case 'string':
        data = { resultType: 'string', result: { t: timeMs, v: value.value } };
        break;
      case 'vector':
        data = {
          resultType: 'vector',
          result: value.series.filter((s) => s.has[0]).map((s) => ({ metric: s.labels, t: timeMs, v: s.values[0] })),
        };
        break;
      case 'matrix':
        data = {
          resultType: 'matrix',
          result: sortByLabels(
            value.series
              .map((s) => {
                const [lo, hi] = windowBounds(s.ts, s.n, value.offsets[0], value.rangeMs + ctx.windowSlackMs);
                ctx.tick(1 + hi - lo);
                const points: { t: number; v: number }[] = [];
                for (let i = lo; i < hi; i++) points.push({ t: s.ts[i], v: s.vs[i] });
                return { metric: s.labels, points };
              })
              .filter((s) => s.points.length > 0),
          ),
        };
        break;
    }
    if (stats) finishStats(stats, ctx, t0, t1, t2, stats.clock());
    return { data, warnings: [...ctx.notes.warnings], infos: [...ctx.notes.infos] };
  }

  /** A range query's matrix as points, Prometheus's shape. */
  rangeQuery(queryable: Queryable, query: string, startMs: number, endMs: number, stepMs: number, options: QueryOptions = {}): QueryResult {
    const { data, warnings, infos } = this.rangeQuerySteps(queryable, query, startMs, endMs, stepMs, options);
    const result = data.series.map((s) => {
      const points: { t: number; v: number }[] = [];
      for (let i = 0; i < data.times.length; i++) if (s.has[i]) points.push({ t: data.times[i], v: s.values[i] });
      return { metric: s.metric, points };
    });
    return { data: { resultType: 'matrix', result }, warnings, infos };
  }

  /**
   * A range query's matrix on its step grid: one slot per step and series, as the engine
   * computes it, without a point object per value (what the HTTP API writes from).
   */
  rangeQuerySteps(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: QueryOptions = {},
  ): RangeQueryResult {
    const run = this.prepareRange(queryable, query, startMs, endMs, stepMs, options);
    return finishRange(run, evaluate(run.expr, run.ctx));
  }

  /**
   * One shard's share of a range query split by series across workers (see shard-plan.ts):
   * the plan's parts over the series of shard `index` of `count`, packed for posting.
   */
  rangeQueryShard(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    shard: { index: number; count: number },
    options: QueryOptions = {},
  ): ShardAnswer {
    const plan = planShards(parseExpr(query));
    if (!plan) throw new PromqlError('execution', `the query does not split across workers: ${query}`);
    const spec = { ...shard, key: plan.key };
    const run = this.prepareRange(shardQueryable(queryable, spec), query, startMs, endMs, stepMs, options);
    const t1 = options.stats?.clock() ?? 0;
    const shared = sharedPartInputs(plan.parts);
    if (shared.length > 0) run.ctx.given = new Map(shared.map((x) => [x, evaluate(x, run.ctx)]));
    const parts = plan.parts.map((p) => packPart(evaluate(p, run.ctx), run.ctx));
    const stats = options.stats;
    if (stats) finishStats(stats, run.ctx, run.t0, t1, stats.clock(), stats.clock());
    const { clock: _clock, ...figures } = stats ?? {};
    return {
      parts,
      warnings: [...run.ctx.notes.warnings],
      infos: [...run.ctx.notes.infos],
      ...(stats && { stats: figures as ShardStats }),
    };
  }

  /** A range query split across workers, from the answers of all its shards (index order). */
  rangeQueryMerged(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    shards: readonly ShardAnswer[],
    options: QueryOptions = {},
  ): RangeQueryResult {
    const run = this.prepareRange(queryable, query, startMs, endMs, stepMs, options);
    const plan = planShards(run.expr);
    if (!plan) throw new PromqlError('execution', `the query does not split across workers: ${query}`);
    const { ctx } = run;
    if (options.stats) addShardStats(options.stats, shards);
    ctx.given = new Map(
      plan.placeholders.map((p, i) => [
        p,
        unpackParts(
          shards.map((s) => s.parts[i]),
          ctx,
        ),
      ]),
    );
    for (const s of shards) {
      for (const w of s.warnings) ctx.notes.warnings.add(w);
      for (const i of s.infos) ctx.notes.infos.add(i);
    }
    return finishRange(run, evaluate(plan.outer, ctx));
  }

  /** A range query's checks, its parsed expression and its evaluation context. */
  private prepareRange(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: QueryOptions,
  ): RangeRun {
    if (!(stepMs > 0))
      throw new PromqlError('bad_data', 'zero or negative query resolution step widths are not accepted: try a positive integer');
    if (endMs < startMs) throw new PromqlError('bad_data', 'end timestamp must not be before start time');
    const steps = Math.floor((endMs - startMs) / stepMs) + 1;
    // Prometheus counts intervals: 11,000 of them (11,001 points) pass.
    if (steps - 1 > 11_000) {
      throw new PromqlError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries: try decreasing the query resolution (?step=XX)',
      );
    }
    const stats = options.stats;
    const t0 = stats?.clock() ?? 0;
    const expr = parseExpr(query);
    const type = typeOf(expr);
    if (type !== 'scalar' && type !== 'vector') {
      throw new PromqlError(
        'bad_data',
        `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    const times = new Float64Array(steps);
    for (let i = 0; i < steps; i++) times[i] = startMs + i * stepMs;
    const ctx = EvalContext.forQuery(queryable, query, times, { start: startMs, end: endMs, step: stepMs }, this.limits, options);
    ctx.stats = stats;
    ctx.keepsSampleTimes = calls(expr, 'timestamp');
    return { expr, ctx, times, steps, t0, t1: stats?.clock() ?? 0 };
  }
}

interface RangeRun {
  expr: Expr;
  ctx: EvalContext;
  times: Float64Array;
  steps: number;
  /** Clock readings (stats): before parsing, before evaluating. */
  t0: number;
  t1: number;
}

/** The evaluated value as a range query's answer: series with a value somewhere, sorted by labels. */
function finishRange(run: RangeRun, value: Value): RangeQueryResult {
  const { ctx, steps, times } = run;
  const stats = ctx.stats;
  const t2 = stats?.clock() ?? 0;
  const series: StepSeries[] =
    value.kind === 'scalar'
      ? [{ labels: {}, values: value.values, has: new Uint8Array(steps).fill(1) }]
      : value.kind === 'vector'
        ? value.series
        : [];
  const present: RangeSeries[] = [];
  for (const s of series) {
    ctx.tick(steps);
    if (s.has.includes(1)) present.push({ metric: s.labels, values: s.values, has: s.has });
  }
  const result = sortByLabels(present);
  if (stats) finishStats(stats, ctx, run.t0, run.t1, t2, stats.clock());
  return { data: { times, series: result }, warnings: [...ctx.notes.warnings], infos: [...ctx.notes.infos] };
}

/** Whether the expression calls the function anywhere. */
function calls(e: Expr, name: string): boolean {
  switch (e.type) {
    case 'call':
      return e.name === name || e.args.some((a) => calls(a, name));
    case 'aggregate':
      return calls(e.expr, name) || (e.param !== undefined && calls(e.param, name));
    case 'binary':
      return calls(e.lhs, name) || calls(e.rhs, name);
    case 'unary':
    case 'paren':
    case 'subquery':
      return calls(e.expr, name);
    case 'matrixSelector':
    case 'vectorSelector':
    case 'number':
    case 'string':
      return false;
  }
}

/**
 * The shards' figures added to the merging worker's: times are CPU time summed over the
 * threads (more than the wall time the query took), samples the sum of what each held.
 */
function addShardStats(stats: QueryStats, shards: readonly ShardAnswer[]): void {
  for (const { stats: s } of shards) {
    if (!s) continue;
    stats.parseMs += s.parseMs;
    stats.selectMs += s.selectMs;
    stats.decodeMs += s.decodeMs;
    stats.evalMs += s.evalMs;
    stats.samplesRead += s.samplesRead;
    stats.peakSamples += s.peakSamples;
  }
}

function finishStats(stats: QueryStats, ctx: EvalContext, t0: number, t1: number, t2: number, t3: number): void {
  stats.parseMs += t1 - t0;
  stats.evalMs += t2 - t1;
  stats.sortMs += t3 - t2;
  stats.peakSamples = Math.max(stats.peakSamples, ctx.samplesHeld);
}

/** Sorted by label set, each key worked out once rather than at every comparison. */
function sortByLabels<T extends { metric: Labels }>(series: T[]): T[] {
  const keyed = series.map((s) => ({ s, key: labelsKey(s.metric) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.s);
}
