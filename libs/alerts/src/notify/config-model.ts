// What alerting.yml holds once read (or a config built in code): Alertmanager's route tree,
// receivers and inhibit rules, plus the product's own settings. config-schema.ts reads the
// YAML into it, config-check.ts checks what only the whole config shows.

import type { LabelMatcher } from './matchers.ts';

/** A route as written; unset settings are inherited from the parent (root: Alertmanager's defaults). */
export interface RouteConfig {
  receiver?: string;
  /** Label names to group by; `['...']` groups by all labels (one group per alert). */
  groupBy?: string[];
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: RouteConfig[];
  /** "file:line" of the route and of its keys (`route`, `receiver`, `group_by`, ...), for messages. */
  at?: Record<string, string>;
}

/** One entry of a receiver's `<kind>_configs`: kept as written for the caller's factory. */
export interface IntegrationConfig {
  kind: string;
  config: Record<string, unknown>;
  /** `send_resolved` (default true for every kind, see README). */
  sendResolved: boolean;
  at?: string;
}

export interface ReceiverConfig {
  name: string;
  integrations: IntegrationConfig[];
  at?: string;
}

export interface InhibitRuleConfig {
  sourceMatchers: LabelMatcher[];
  targetMatchers: LabelMatcher[];
  equal: string[];
  at?: string;
}

export interface NotifierConfig {
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibitRules: InhibitRuleConfig[];
  /**
   * Send the resolution of an alert a receiver was told is firing even when the alert is
   * muted (silenced, inhibited, snoozed) by the time it resolves; default true.
   */
  notifyResolvedAfterSilence: boolean;
  /** Alertmanager's `global` section, kept for the receivers' factory (SMTP host, Slack URL, ...). */
  global: Record<string, unknown>;
  /** Template files, for the template engine. */
  templates: string[];
}

export type ConfigResult = { ok: true; config: NotifierConfig } | { ok: false; problems: string[] };

export class NotifierConfigError extends Error {
  readonly code = 'invalid_notifier_config';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'NotifierConfigError';
  }
}

export const ROUTE_DEFAULTS = { groupWait: 30_000, groupInterval: 5 * 60_000, repeatInterval: 4 * 3_600_000 } as const;

export const INTEGRATION_KINDS = ['webhook', 'email', 'slack', 'desktop'] as const;
