// The Prometheus-compatible API (/api/v1) as the app reads it: Prometheus's shapes, plus
// the hub's `format=columns` for range queries.

import type { Labels } from './common.ts';

/** `[seconds, "value"]`: a point as Prometheus prints it. */
export type PromValue = [number, string];

/** /api/v1/query and query_range `data` (written as text by libs/http-api/src/format.ts). */
export type QueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: PromValue }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: PromValue[] }[] }
  | { resultType: 'scalar' | 'string'; result: PromValue };

/** query_range with format=columns (the hub's extension): one value per step, null for none. */
export interface MatrixColumnsData {
  resultType: 'matrix';
  format: 'columns';
  /** Seconds. */
  start: number;
  step: number;
  count: number;
  /** Numbers as numbers; NaN and ±Inf as the strings "NaN", "+Inf", "-Inf". */
  result: { metric: Labels; values: (number | string | null)[] }[];
}

/** Prometheus's envelope: `data` on success, `errorType` and `error` otherwise. */
export interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  warnings?: string[];
  infos?: string[];
  error?: string;
  errorType?: string;
}

/** A refusal in Prometheus's words (the /api/v1 errors, and the hub's front door for every path). */
export interface PromError {
  status: 'error';
  errorType: string;
  error: string;
}

/** An alert of an alerting rule, as /api/v1/rules and /api/v1/alerts list it. */
export interface RuleAlert {
  labels: Labels;
  annotations: Record<string, string>;
  state: string;
  /** RFC 3339. */
  activeAt: string;
  value: string;
  keepFiringSince?: string;
}

export interface AlertingRuleView {
  type: 'alerting';
  name: string;
  query: string;
  state: 'inactive' | 'pending' | 'firing';
  /** Seconds. */
  duration: number;
  keepFiringFor: number;
  labels?: Labels;
  annotations?: Record<string, string>;
  /** Left out with exclude_alerts=true. */
  alerts?: RuleAlert[];
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface RecordingRuleView {
  type: 'recording';
  name: string;
  query: string;
  labels?: Labels;
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

/** A rule group of /api/v1/rules. */
export interface RuleGroupView {
  name: string;
  file: string;
  /** Seconds. */
  interval: number;
  /** Alerts or series a rule may produce per evaluation (0: no limit). */
  limit: number;
  evaluationTime: number;
  /** RFC 3339. */
  lastEvaluation: string;
  rules: (AlertingRuleView | RecordingRuleView)[];
}

/** /api/v1/rules `data`. */
export interface RulesData {
  groups: RuleGroupView[];
  groupNextToken?: string;
}

/** /api/v1/alerts `data`. */
export interface AlertsData {
  alerts: RuleAlert[];
}

/** /api/v1/status/runtimeinfo `data`: the fields that mean something here. */
export interface RuntimeInfo {
  /** RFC 3339. */
  startTime: string;
  CWD: string;
  reloadConfigSuccess: boolean;
  lastConfigTime: string;
  corruptionCount: number;
  /** The raw-sample retention, like "15d" ('' when unknown). */
  storageRetention: string;
}

/** /api/v1/status/buildinfo `data`: Grafana picks features by `version`. */
export interface BuildInfoData {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}
