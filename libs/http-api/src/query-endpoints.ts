// /query, /query_range and /query_exemplars: parameters checked in Prometheus's order
// and with its wording (query-job.ts), then the query run where the backend runs them: a
// pool of worker threads (`runQuery`), or here on the engine when it has none.

import { parseExpr } from '@metrics-hub/promql';
import { ApiError } from './api-error.ts';
import type { EndpointRequest, EndpointResult } from './endpoint.ts';
import { MAX_TIME_MS, MIN_TIME_MS, optionalTimeParam } from './params.ts';
import { instantJob, rangeJob, runQueryJob, type QueryJob } from './query-job.ts';

export function instantQuery(req: EndpointRequest): EndpointResult | Promise<EndpointResult> {
  return run(req, instantJob(req.form, req.now()));
}

export function rangeQuery(req: EndpointRequest): EndpointResult | Promise<EndpointResult> {
  return run(req, rangeJob(req.form));
}

function run(req: EndpointRequest, job: QueryJob): EndpointResult | Promise<EndpointResult> {
  const { backend } = req;
  if (backend.runQuery) return backend.runQuery(job, { signal: req.signal, encoding: req.encoding });
  return runQueryJob(job, backend.engine, backend.queryable);
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
