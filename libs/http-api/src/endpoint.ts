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
  /** Aborted when the client goes away before its answer is written. */
  signal: AbortSignal;
  /** How the answer may be encoded for this client (see EncodedAnswer). */
  encoding: AnswerEncoding;
}

export interface AnswerEncoding {
  /** The client accepts gzip. */
  gzip: boolean;
  /** Bodies from this many bytes are gzipped when the client accepts it. */
  gzipMinBytes: number;
}

/** The `data` of a success response, and its annotations; the handler writes the envelope. */
export interface EndpointData {
  dataJson: string;
  warnings?: readonly string[];
  infos?: readonly string[];
}

/**
 * A whole response body, written as it is: a success or error envelope already encoded
 * (and gzipped when `gzip`), for answers made elsewhere (a query worker's).
 */
export interface EncodedAnswer {
  status: number;
  body: Uint8Array;
  gzip: boolean;
}

export type EndpointResult = EndpointData | { encoded: EncodedAnswer };

export type Endpoint = (req: EndpointRequest) => EndpointResult | Promise<EndpointResult>;

/** Prometheus's warning when a `limit` cut the answer short. */
export const TRUNCATED_WARNING = 'results truncated due to limit';
