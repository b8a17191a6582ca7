// Errors as the Prometheus HTTP API reports them. Clients (Grafana, promtool, client
// libraries) switch on `errorType`, and on the status code Prometheus pairs with it, so
// both follow web/api/v1 exactly; the message is what a user reads.

import { quote as goQuote } from '@metrics-hub/go-format';
import { PromqlError } from '@metrics-hub/promql';

export type ApiErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found' | 'not_acceptable';

/** Prometheus's respondError table; 499 is its "client closed connection" for canceled queries. */
const STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
  not_acceptable: 406,
};

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: ApiErrorType,
    message: string,
    /** Overrides the type's usual status (405 wrong method, 413 body too large, 415 media type). */
    status?: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? STATUS[type];
  }
}

/** Prometheus's invalidParamError wording: `invalid parameter "start": <why>`. */
export function invalidParam(name: string, why: string): ApiError {
  return new ApiError('bad_data', `invalid parameter ${goQuote(name)}: ${why}`);
}

/**
 * Any thrown value as the API reports it. Query errors keep their kind (too many samples
 * is an execution error, as in Prometheus); anything else is an internal error, which
 * the caller should log.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof PromqlError) {
    switch (e.type) {
      case 'bad_data':
      case 'execution':
      case 'timeout':
      case 'canceled':
        return new ApiError(e.type, e.message);
      case 'too_many_samples':
        return new ApiError('execution', e.message);
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError('internal', message || 'internal error');
}
