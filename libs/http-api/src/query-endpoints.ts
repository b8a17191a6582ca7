// /query, /query_range and /query_exemplars: parameters checked in Prometheus's order
// and with its wording, then the engine. Per-request `timeout` and `lookback_delta` get an
// engine of their own, as cheap as an object: the shared one keeps the hub's settings.

import { performance } from 'node:perf_hooks';
import { Engine, newQueryStats, parseExpr, PromqlError, type QueryData, type QueryResult, type QueryStats } from '@metrics-hub/promql';
import { ApiError, invalidParam } from './api-error.ts';
import { TRUNCATED_WARNING, type EndpointRequest, type EndpointResult } from './endpoint.ts';
import type { Form } from './form.ts';
import { matrixColumnsJson, queryDataJson, stepMatrixJson } from './format.ts';
import { durationParam, limitParam, MAX_TIME_MS, MIN_TIME_MS, optionalTimeParam, parseDuration, requiredTimeParam } from './params.ts';
import { statsJson, withStats } from './stats-json.ts';

/** Prometheus keeps ten of each kind of annotation and says how many it left out. */
const MAX_ANNOTATIONS = 10;
/** Step intervals a range query may span: Prometheus's limit (11,000 pass, 11,001 points). */
const MAX_INTERVALS = 11_000;

export function instantQuery(req: EndpointRequest): EndpointResult {
  const { form, backend } = req;
  const time = optionalTimeParam(form, 'time', req.now());
  const engine = engineFor(backend.engine, form);
  const limit = limitParam(form);
  const stats = statsFor(form);
  let result: QueryResult;
  try {
    result = engine.instantQuery(backend.queryable, form.get('query'), time, { stats });
  } catch (e) {
    // Parse and type errors come before evaluation in Prometheus, named as the parameter's.
    if (e instanceof PromqlError && e.type === 'bad_data') throw invalidParam('query', e.message);
    throw e;
  }
  const t0 = performance.now();
  const data = limit > 0 ? truncate(result.data, limit) : result.data;
  const dataJson = queryDataJson(data);
  return answer(result, data !== result.data, stats ? withStats(dataJson, statsJson(stats, performance.now() - t0)) : dataJson);
}

export function rangeQuery(req: EndpointRequest): EndpointResult {
  const { form, backend } = req;
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
  const engine = engineFor(backend.engine, form);
  const limit = limitParam(form);
  const format = form.get('format');
  if (format !== '' && format !== 'columns')
    throw invalidParam('format', `unknown format ${JSON.stringify(format)}: leave it out (Prometheus's shape) or use "columns"`);
  const stats = statsFor(form);
  const result = engine.rangeQuerySteps(backend.queryable, form.get('query'), start, end, stepMs, { stats });
  const t0 = performance.now();
  const { times } = result.data;
  const all = result.data.series;
  const series = limit > 0 && all.length > limit ? all.slice(0, limit) : all;
  const dataJson = format === 'columns' ? matrixColumnsJson(times, series, start, stepMs) : stepMatrixJson(times, series);
  return answer(result, series !== all, stats ? withStats(dataJson, statsJson(stats, performance.now() - t0)) : dataJson);
}

/** We keep no exemplars: the parameters are checked as Prometheus checks them, the answer is empty. */
export function queryExemplars(req: EndpointRequest): EndpointResult {
  const { form } = req;
  const start = optionalTimeParam(form, 'start', MIN_TIME_MS);
  const end = optionalTimeParam(form, 'end', MAX_TIME_MS);
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  parseExpr(form.get('query'));
  return { dataJson: '[]' };
}

/** The shared engine, or one with this request's timeout (capped by the hub's) and lookback. */
function engineFor(base: Engine, form: Form): Engine {
  let timeoutMs: number | undefined;
  if (form.get('timeout') !== '') timeoutMs = Math.min(Math.max(0, durationParam(form, 'timeout')), base.limits.timeoutMs);
  let lookbackMs: number | undefined;
  const lookback = form.get('lookback_delta');
  if (lookback !== '') {
    try {
      lookbackMs = parseDuration(lookback);
    } catch (e) {
      throw new ApiError('bad_data', `error parsing lookback delta duration: ${(e as Error).message}`);
    }
    // As in Prometheus, zero or less means the engine's default.
    if (!(lookbackMs >= 1)) lookbackMs = undefined;
  }
  if (timeoutMs === undefined && lookbackMs === undefined) return base;
  return new Engine({
    ...base.limits,
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(lookbackMs !== undefined && { lookbackDeltaMs: Math.trunc(lookbackMs) }),
  });
}

/** Prometheus's `stats` parameter: any value asks for them. */
function statsFor(form: Form): QueryStats | undefined {
  return form.get('stats') === '' ? undefined : newQueryStats(() => performance.now());
}

function answer(result: { warnings: readonly string[]; infos: readonly string[] }, truncated: boolean, dataJson: string): EndpointResult {
  const warnings = capAnnotations(result.warnings, 'warning');
  if (truncated) warnings.push(TRUNCATED_WARNING);
  return { dataJson, warnings, infos: capAnnotations(result.infos, 'info') };
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
