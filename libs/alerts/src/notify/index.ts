export {
  Notifier,
  NotifyError,
  type NotifierOptions,
  type NotifyErrorCode,
  type PutResult,
  type ReloadResult,
  type SilenceApi,
} from './notifier.ts';
export type { AlertView, GroupView } from './alert-views.ts';
export type { IntegrationFactory } from './load-config.ts';
export { DEFAULT_RETENTION, type Retention } from './retention.ts';
export {
  parseNotifierConfig,
  checkNotifierConfig,
  NotifierConfigError,
  ROUTE_DEFAULTS,
  INTEGRATION_KINDS,
  type ConfigResult,
  type InhibitRuleConfig,
  type IntegrationConfig,
  type NotifierConfig,
  type ReceiverConfig,
  type RouteConfig,
} from './config.ts';
export { parseMatchers, formatMatchers, MatcherSyntaxError } from './matchers.ts';
export { SilenceError, type Silence, type SilenceErrorCode, type SilenceInput, type SilenceState } from './silences.ts';
export type { Ack, Snooze } from './acks.ts';
export type { HistoryEvent, HistoryKind, HistoryQuery } from './history.ts';
export { DEFAULT_RETRY, type OutboxEntry, type OutboxState, type RetryPolicy } from './outbox.ts';
