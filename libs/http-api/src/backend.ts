// What the API reads, as narrow interfaces: the hub passes its engine and store (the
// TimeSeriesStore satisfies the store half as it is), and later the rule evaluator's
// rules and alerts. The API knows nothing of MQTT, agents or how the hub is wired.

import type { RuntimeInfo } from '@metrics-hub/hub-api';
import type { Engine, Queryable } from '@metrics-hub/promql';
import type { LabelMatcher, Labels } from '@metrics-hub/wire';
import type { AnswerEncoding, EncodedAnswer, EndpointData } from './endpoint.ts';
import type { Form } from './form.ts';
import type { QueryJob } from './query-job.ts';

export interface MetricMetadataEntry {
  type: string;
  help: string;
  unit: string;
}

export interface BuildInfo {
  /** Grafana reads this as a Prometheus version to pick features: report the one whose semantics we follow. */
  version: string;
  revision?: string;
  branch?: string;
  buildUser?: string;
  buildDate?: string;
  goVersion?: string;
}

export interface ApiBackend {
  engine: Engine;
  /** What queries read (the TimeSeriesStore satisfies it). */
  queryable: Queryable;
  /**
   * Runs /query and /query_range elsewhere (the hub: a pool of worker threads), answering
   * with the response's data, or the whole response encoded (`encodeSuccess`,
   * `encodeError`). `signal` aborts when the client goes away. Without it, queries run on
   * `engine` over `queryable`, on the calling thread.
   */
  runQuery?(job: QueryJob, context: { signal: AbortSignal; encoding: AnswerEncoding }): Promise<EndpointData | { encoded: EncodedAnswer }>;
  /** Label sets of the series matching every matcher, with data in [mint, maxt] when given. */
  series(matchers: readonly LabelMatcher[], mint?: number, maxt?: number): Labels[];
  /** Label names of every series, or of those matching every matcher. */
  labelNames(matchers?: readonly LabelMatcher[]): string[];
  /** Values of one label over every series, or over those matching every matcher. */
  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[];
  /** Metadata per metric family, of one family when named. */
  metadata(metric?: string): Map<string, MetricMetadataEntry>;
  /** /api/v1/rules data (`{groups: [...]}`, @metrics-hub/hub-api's RulesData); the request's form carries filters such as `type`. Default: no groups. */
  rules?(form: Form): unknown;
  /** /api/v1/alerts data (`{alerts: [...]}`, @metrics-hub/hub-api's AlertsData). Default: no alerts. */
  alerts?(form: Form): unknown;
  /** Fields of /api/v1/status/runtimeinfo to add or override (`storageRetention`, ...). */
  runtimeInfo?(): Partial<RuntimeInfo>;
  buildInfo: BuildInfo;
  /** The clock in milliseconds (tests pin it). */
  now?: () => number;
}

export interface ApiOptions {
  /** Where the API lives: '' serves /api/v1/..., '/prometheus' serves /prometheus/api/v1/.... */
  pathPrefix?: string;
  /** Largest urlencoded POST body read, in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Responses from this many bytes are gzipped for clients that accept gzip (default 1024). */
  gzipMinBytes?: number;
  /** Called with every error that became a 500, to be logged: the client only sees its message. */
  onInternalError?: (error: unknown, req: { method?: string; url?: string }) => void;
}
