// A query request in two halves: its parameters checked in Prometheus's order and with its
// wording (`instantJob`, `rangeJob`: cheap, on the thread that reads the request), and its
// evaluation and encoding (`runQueryJob`), which the hub runs in a worker thread. A job is
// plain data, so that it can be posted to one.

import {
  Engine,
  newQueryStats,
  PromqlError,
  type EngineLimits,
  type QueryData,
  type QueryOptions,
  type Queryable,
  type QueryStats,
  type QueryResult,
  type RangeQueryResult,
} from '@metrics-hub/promql';
import { ApiError, invalidParam } from './api-error.ts';
import { TRUNCATED_WARNING, type EndpointData } from './endpoint.ts';
import type { Form } from './form.ts';
import { matrixColumnsPieces, queryDataJson, stepMatrixPieces } from './format.ts';
import { durationParam, limitParam, optionalTimeParam, parseDuration, requiredTimeParam } from './params.ts';
import { statsJson, withStats } from './stats-json.ts';

/** Prometheus keeps ten of each kind of annotation and says how many it left out. */
const MAX_ANNOTATIONS = 10;
/** Step intervals a range query may span: Prometheus's limit (11,000 pass, 11,001 points). */
const MAX_INTERVALS = 11_000;

interface JobCommon {
  query: string;
  /** `limit`: at most this many series in the answer (0: all). */
  limit: number;
  /** `timeout` as asked (capped by the engine's own when run). */
  timeoutMs?: number;
  /** `lookback_delta` as asked (undefined: the engine's). */
  lookbackDeltaMs?: number;
  /** `stats`: any value asks for where the time went (Prometheus's parameter). */
  stats?: boolean;
}

export type QueryJob =
  | (JobCommon & { kind: 'instant'; time: number })
  | (JobCommon & { kind: 'range'; start: number; end: number; step: number; format: 'prometheus' | 'columns' });

/** /query's parameters. */
export function instantJob(form: Form, now: number): QueryJob {
  const time = optionalTimeParam(form, 'time', now);
  const overrides = engineOverrides(form);
  const limit = limitParam(form);
  return { kind: 'instant', query: form.get('query'), time, limit, stats: form.get('stats') !== '', ...overrides };
}

/** /query_range's parameters. */
export function rangeJob(form: Form): QueryJob {
  const start = requiredTimeParam(form, 'start');
  const end = requiredTimeParam(form, 'end');
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  const step = durationParam(form, 'step');
  // The engine steps in whole milliseconds; a step below one is as useless as zero.
  const stepMs = Math.trunc(step);
  if (stepMs <= 0) throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (Math.floor((end - start) / stepMs) > MAX_INTERVALS) {
    throw new ApiError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const overrides = engineOverrides(form);
  const limit = limitParam(form);
  const format = form.get('format');
  if (format !== '' && format !== 'columns')
    throw invalidParam('format', `unknown format ${JSON.stringify(format)}: leave it out (Prometheus's shape) or use "columns"`);
  return {
    kind: 'range',
    query: form.get('query'),
    start,
    end,
    step: stepMs,
    limit,
    format: format === 'columns' ? 'columns' : 'prometheus',
    stats: form.get('stats') !== '',
    ...overrides,
  };
}

/** This request's timeout and lookback, when it gives them. */
function engineOverrides(form: Form): { timeoutMs?: number; lookbackDeltaMs?: number } {
  const out: { timeoutMs?: number; lookbackDeltaMs?: number } = {};
  if (form.get('timeout') !== '') out.timeoutMs = Math.max(0, durationParam(form, 'timeout'));
  const lookback = form.get('lookback_delta');
  if (lookback !== '') {
    let ms: number;
    try {
      ms = parseDuration(lookback);
    } catch (e) {
      throw new ApiError('bad_data', `error parsing lookback delta duration: ${(e as Error).message}`);
    }
    // As in Prometheus, zero or less means the engine's default.
    if (ms >= 1) out.lookbackDeltaMs = Math.trunc(ms);
  }
  return out;
}

/** The limits a job runs with: the engine's, with its timeout (never longer than the engine's) and lookback. */
export function jobLimits(base: EngineLimits, job: QueryJob): EngineLimits {
  return {
    ...base,
    ...(job.timeoutMs !== undefined && { timeoutMs: Math.min(job.timeoutMs, base.timeoutMs) }),
    ...(job.lookbackDeltaMs !== undefined && { lookbackDeltaMs: job.lookbackDeltaMs }),
  };
}

/** A range job's evaluation: the engine's own by default, or the merge of a query split across workers. */
export type RangeEvaluator = (engine: Engine, queryable: Queryable, job: RangeJob, options: QueryOptions) => RangeQueryResult;

type RangeJob = Extract<QueryJob, { kind: 'range' }>;

const evaluateWhole: RangeEvaluator = (engine, queryable, job, options) =>
  engine.rangeQuerySteps(queryable, job.query, job.start, job.end, job.step, options);

/** The engine a job runs on: `base`, or one with the job's own timeout and lookback. */
export function jobEngine(base: Engine, job: QueryJob): Engine {
  return job.timeoutMs === undefined && job.lookbackDeltaMs === undefined ? base : new Engine(jobLimits(base.limits, job));
}

/** Evaluates a job: the `data` of its answer as JSON text, with its annotations. */
export function runQueryJob(...job: Parameters<typeof queryJobPieces>): EndpointData {
  const { data, warnings, infos } = queryJobPieces(...job);
  return { dataJson: [...data].join(''), warnings, infos };
}

/** A job's answer with its `data` still to be written: the text comes in pieces as they are iterated (see encodeSuccessPieces). */
export interface AnswerPieces {
  data: Iterable<string>;
  warnings: string[];
  infos: string[];
}

/**
 * Evaluates a job (the store is read here, not later) and returns its answer's `data` as
 * pieces written when iterated: a series each for a matrix, so that an encoder can
 * compress the first while the next are written.
 */
export function queryJobPieces(
  job: QueryJob,
  base: Engine,
  queryable: Queryable,
  options: QueryOptions = {},
  evaluateRange: RangeEvaluator = evaluateWhole,
): AnswerPieces {
  const engine = jobEngine(base, job);
  const stats = job.stats ? newQueryStats(() => performance.now()) : undefined;
  const run: QueryOptions = stats ? { ...options, stats } : options;
  if (job.kind === 'range') {
    const result = evaluateRange(engine, queryable, job, run);
    const { times } = result.data;
    const all = result.data.series;
    const series = job.limit > 0 && all.length > job.limit ? all.slice(0, job.limit) : all;
    const pieces = job.format === 'columns' ? matrixColumnsPieces(times, series, job.start, job.step) : stepMatrixPieces(times, series);
    return answer(result, series !== all, stats ? withStatsPieces(pieces, stats) : pieces);
  }
  let result: QueryResult;
  try {
    result = engine.instantQuery(queryable, job.query, job.time, run);
  } catch (e) {
    // Parse and type errors come before evaluation in Prometheus, named as the parameter's.
    if (e instanceof PromqlError && e.type === 'bad_data') throw invalidParam('query', e.message);
    throw e;
  }
  const data = job.limit > 0 ? truncate(result.data, job.limit) : result.data;
  const pieces = (function* () {
    yield queryDataJson(data);
  })();
  return answer(result, data !== result.data, stats ? withStatsPieces(pieces, stats) : pieces);
}

/** `data` pieces (an object) with `"stats":...` as its last member, the encoding timed from the first piece to the last. */
function* withStatsPieces(pieces: Iterable<string>, stats: QueryStats): Generator<string> {
  const t0 = performance.now();
  let held: string | undefined;
  for (const piece of pieces) {
    if (held !== undefined) yield held;
    held = piece;
  }
  yield withStats(held ?? '{}', statsJson(stats, performance.now() - t0));
}

function answer(
  result: { warnings: readonly string[]; infos: readonly string[] },
  truncated: boolean,
  data: Iterable<string>,
): AnswerPieces {
  const warnings = capAnnotations(result.warnings, 'warning');
  if (truncated) warnings.push(TRUNCATED_WARNING);
  return { data, warnings, infos: capAnnotations(result.infos, 'info') };
}

function truncate(data: QueryData, limit: number): QueryData {
  if (data.resultType === 'vector' && data.result.length > limit) return { resultType: 'vector', result: data.result.slice(0, limit) };
  if (data.resultType === 'matrix' && data.result.length > limit) return { resultType: 'matrix', result: data.result.slice(0, limit) };
  return data;
}

function capAnnotations(list: readonly string[], kind: 'warning' | 'info'): string[] {
  if (list.length <= MAX_ANNOTATIONS) return [...list];
  return [...list.slice(0, MAX_ANNOTATIONS), `${list.length - MAX_ANNOTATIONS} more ${kind} annotations omitted`];
}
