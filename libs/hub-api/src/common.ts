// What every part of the API shares: label sets, and the error body of /api/hub/v1.

export type { Labels } from '@metrics-hub/wire';

/**
 * A refusal from /api/hub/v1 (4xx, 5xx): the reason, and for a config or settings that
 * did not pass its checks, every problem found. (The Prometheus API and the hub's
 * front door answer with Prometheus's `{status: 'error', errorType, error}`: see `PromError`.)
 */
export interface HubError {
  error: string;
  problems?: string[];
}

/**
 * A request body as it reaches the hub: any field of `T` may be missing or of any type,
 * so the hub checks each one, but only by the names `T` gives them.
 */
export type Unchecked<T> = { [K in keyof T]?: unknown };
