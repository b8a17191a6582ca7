// Alerting: the notifier's alerts and the user's actions on them, silences, the history,
// the notifier config and the rule files.
//
//   GET    /api/hub/v1/alerts                    AlertsResponse
//   GET    /api/hub/v1/alert-groups              AlertGroupsResponse
//   POST   /api/hub/v1/alerts/<fp>/ack           AckRequest -> AlertAcknowledged
//   POST   /api/hub/v1/alerts/<fp>/snooze        SnoozeRequest -> AlertSnoozed
//   GET    /api/hub/v1/silences[?state=]         SilencesResponse
//   POST   /api/hub/v1/silences                  SilenceRequest -> Silence (201)
//   GET    /api/hub/v1/silences/<id>             Silence; DELETE expires it -> Silence
//   GET    /api/hub/v1/history?HistoryParams     HistoryResponse
//   GET    /api/hub/v1/alerting-config           AlertingConfig
//   PUT    /api/hub/v1/alerting-config           AlertingConfigRequest -> AlertingConfigSaved (400: HubError with problems)
//   GET    /api/hub/v1/rules/problems            RuleFileProblems
//   POST   /api/hub/v1/rules/reload              RulesReloaded

import type { Labels } from './common.ts';

export interface Ack {
  fingerprint: string;
  by: string;
  at: number;
}

export interface Snooze {
  fingerprint: string;
  /** Until when no notification repeats (ms). */
  until: number;
  by: string;
  at: number;
}

/** An alert as the notifier holds it: its state, what suppresses it, where it goes. */
export interface AlertView {
  fingerprint: string;
  labels: Labels;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  updatedAt: number;
  status: 'firing' | 'resolved';
  /** Alertmanager's state: suppressed when silenced, inhibited, acknowledged or snoozed. */
  state: 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
  acked?: Ack;
  snoozed?: Snooze;
  /** The receivers its routes lead to. */
  receivers: string[];
}

export interface AlertsResponse {
  alerts: AlertView[];
}

/** An aggregation group of the notifier's routes and when it next sends. */
export interface AlertGroup {
  groupKey: string;
  routeId: string;
  receiver: string;
  groupLabels: Record<string, string>;
  nextFlushAt: number;
  flushed: boolean;
  alerts: AlertView[];
}

export interface AlertGroupsResponse {
  groups: AlertGroup[];
}

export interface AckRequest {
  by?: string;
}

/** `for` (a duration like 1h) or `until` (ms or RFC 3339). */
export interface SnoozeRequest {
  for?: string;
  until?: number | string;
  by?: string;
}

export interface AlertAcknowledged {
  fingerprint: string;
  acknowledged: true;
}

export interface AlertSnoozed {
  fingerprint: string;
  snoozed: true;
}

export interface SilenceMatcher {
  name: string;
  type: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
}

export interface SilencesResponse {
  silences: Silence[];
}

/** A new silence: Alertmanager's matcher strings (`severity=~"critical|warning"`), and `for` (a duration) or `endsAt`. */
export interface SilenceRequest {
  matchers: string[];
  for?: string;
  /** ms or RFC 3339; default now. */
  startsAt?: number | string;
  endsAt?: number | string;
  createdBy: string;
  comment: string;
}

export type HistoryKind =
  | 'firing'
  | 'resolved'
  | 'silenced'
  | 'unsilenced'
  | 'inhibited'
  | 'uninhibited'
  | 'acked'
  | 'unacked'
  | 'snoozed'
  | 'unsnoozed'
  | 'queued'
  | 'delivery'
  | 'gave_up';

/** Something that happened to alerts: a state change, a user's action, a delivery attempt. */
export interface HistoryEvent {
  id: number;
  at: number;
  kind: HistoryKind;
  alerts: { fingerprint: string; labels: Labels }[];
  receiver?: string;
  integration?: string;
  groupKey?: string;
  /** Delivery attempts: whether the far end accepted it. */
  ok?: boolean;
  error?: string;
  /** Per kind: silence ids, inhibiting fingerprints, who acked, snooze end, attempt number, outbox id... */
  detail?: Record<string, unknown>;
}

/** The query string of GET /api/hub/v1/history. */
export interface HistoryParams {
  alertname?: string;
  fingerprint?: string;
  receiver?: string;
  kind?: HistoryKind;
  /** ms or RFC 3339. */
  from?: string;
  to?: string;
  limit?: number;
  /** Label matchers, all of which an event's alert must match. */
  'match[]'?: string[];
}

export interface HistoryResponse {
  events: HistoryEvent[];
}

/** The notifier config (routes, receivers, inhibitions) as YAML, and its file. */
export interface AlertingConfig {
  file: string;
  text: string;
}

export interface AlertingConfigRequest {
  text: string;
}

export interface AlertingConfigSaved extends AlertingConfig {
  saved: true;
}

/** Rule files that did not load, and why. */
export interface RuleFileProblems {
  files: { file: string; error: string }[];
}

export interface RulesReloaded {
  rules: { file: string; error?: string }[];
  notifier: { ok: boolean; problems?: string[] };
}
