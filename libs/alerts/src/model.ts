// What the parts of alerting hand each other. The rule evaluator (rules/) produces
// alerts, the notifier (notify/) routes, groups, silences and inhibits them and queues
// notifications in a durable outbox, receivers (receivers/) deliver them. Times are Unix
// milliseconds everywhere; no part keeps its own timers: the hub calls `tick(now)`, so
// tests drive every part with a controlled clock.

import type { Labels } from '@metrics-hub/wire';

export type { Labels };

/** An alert as the evaluator sends it to the notifier (Prometheus -> Alertmanager). */
export interface Alert {
  /** Includes `alertname`; identifies the alert (its fingerprint is derived from them). */
  labels: Labels;
  annotations: Readonly<Record<string, string>>;
  /** When it started firing. */
  startsAt: number;
  /**
   * When it stopped firing (resolved), or for a firing alert the time after which the
   * notifier may consider it resolved if not sent again (as Prometheus sets it: a few
   * evaluation intervals ahead).
   */
  endsAt: number;
  /** A link back to the rule's expression (the hub's UI or query page). */
  generatorURL: string;
}

/** Firing or resolved, as of a given time. */
export type AlertStatus = 'firing' | 'resolved';

export function alertStatus(alert: Alert, now: number): AlertStatus {
  return alert.endsAt > now ? 'firing' : 'resolved';
}

/**
 * One notification for one receiver and one group of alerts: the data of Alertmanager's
 * webhook payload (version 4), which every receiver formats its own way.
 */
export interface Notification {
  receiver: string;
  status: AlertStatus;
  alerts: NotifiedAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  /** Alertmanager's `groupKey`: route path and group labels, stable for a group. */
  groupKey: string;
  truncatedAlerts: number;
}

export interface NotifiedAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** 0 for firing alerts (Alertmanager sends "0001-01-01T00:00:00Z"). */
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
}

/** A receiver's way of delivering (webhook, email, Slack, desktop, ...). */
export interface Integration {
  /** e.g. "webhook", "email", "slack", "desktop". */
  readonly kind: string;
  /** Resolves when the far end accepted it; rejects (with why) to be retried. */
  send(notification: Notification): Promise<void>;
}

/** Go-template style text rendering (rules' annotations, receivers' messages). */
export type TemplateRenderer = (template: string, data: unknown) => string;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * An alert's identity as Alertmanager computes it (model.LabelSet.Fingerprint): FNV-1a 64
 * over the sorted names and values, each followed by a 0xff separator; 16 hex digits.
 */
export function fingerprint(labels: Labels): string {
  let h = FNV_OFFSET;
  const add = (s: string) => {
    for (const byte of new TextEncoder().encode(s)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK;
    h = ((h ^ 0xffn) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    add(name);
    add(labels[name]);
  }
  return h.toString(16).padStart(16, '0');
}
