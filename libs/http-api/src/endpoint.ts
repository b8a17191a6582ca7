// The shape every endpoint shares: it reads a parsed request and returns the `data` of a
// success response as JSON text (or throws an ApiError or PromqlError).

import type { ApiBackend } from './backend.ts';
import type { Form } from './form.ts';

export interface EndpointRequest {
  form: Form;
  /** Decoded path parameters (the label name of /label/<name>/values). */
  params: readonly string[];
  backend: ApiBackend;
  now: () => number;
  /** When the API was created, for runtimeinfo's startTime. */
  startedAt: number;
}

export interface EndpointResult {
  dataJson: string;
  warnings?: readonly string[];
  infos?: readonly string[];
}

export type Endpoint = (req: EndpointRequest) => EndpointResult | Promise<EndpointResult>;

/** Prometheus's warning when a `limit` cut the answer short. */
export const TRUNCATED_WARNING = 'results truncated due to limit';
