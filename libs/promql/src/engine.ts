// The query API: instant and range queries over a Queryable, with Prometheus's result
// shapes (times in milliseconds here; the HTTP layer formats them) and annotations.

import type { Labels } from '@metrics-hub/wire';
import { EvalContext, type EngineLimits, type QueryOptions } from './eval-context.ts';
import { PromqlError } from './errors.ts';
import { evaluate, windowBounds } from './evaluate.ts';
import { parseExpr, typeOf } from './parser.ts';
import type { Queryable } from './queryable.ts';
import { labelsKey } from './values.ts';

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

  instantQuery(queryable: Queryable, query: string, timeMs: number, options?: QueryOptions): QueryResult {
    const expr = parseExpr(query);
    const ctx = EvalContext.forQuery(
      queryable,
      query,
      Float64Array.of(timeMs),
      { start: timeMs, end: timeMs, step: 0 },
      this.limits,
      options,
    );
    const value = evaluate(expr, ctx);
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
    return { data, warnings: [...ctx.notes.warnings], infos: [...ctx.notes.infos] };
  }

  rangeQuery(queryable: Queryable, query: string, startMs: number, endMs: number, stepMs: number, options?: QueryOptions): QueryResult {
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
    const value = evaluate(expr, ctx);
    const series =
      value.kind === 'scalar'
        ? [{ labels: {}, values: value.values, has: new Uint8Array(steps).fill(1) }]
        : value.kind === 'vector'
          ? value.series
          : [];
    const result = sortByLabels(
      series
        .map((s) => {
          ctx.tick(steps);
          const points: { t: number; v: number }[] = [];
          for (let i = 0; i < steps; i++) if (s.has[i]) points.push({ t: times[i], v: s.values[i] });
          return { metric: s.labels, points };
        })
        .filter((s) => s.points.length > 0),
    );
    return { data: { resultType: 'matrix', result }, warnings: [...ctx.notes.warnings], infos: [...ctx.notes.infos] };
  }
}

/** Sorted by label set, each key worked out once rather than at every comparison. */
function sortByLabels<T extends { metric: Labels }>(series: T[]): T[] {
  const keyed = series.map((s) => ({ s, key: labelsKey(s.metric) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.s);
}
