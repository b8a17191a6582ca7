// Alertmanager's webhook message, version 4 (notify/webhook Message embedding template.Data).
// Field order is Go's struct order: the embedded Data's fields first, then version,
// groupKey and truncatedAlerts.

import { GoTime, goJson, sortedKeys } from '@metrics-hub/go-format';
import type { Notification, NotifiedAlert } from '../model.ts';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookMessage {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
}

export function webhookMessage(n: Notification): WebhookMessage {
  return {
    receiver: n.receiver,
    status: n.status,
    alerts: n.alerts.map(webhookAlert),
    groupLabels: sortedKeys(n.groupLabels),
    commonLabels: sortedKeys(n.commonLabels),
    commonAnnotations: sortedKeys(n.commonAnnotations),
    externalURL: n.externalURL,
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.truncatedAlerts,
  };
}

function webhookAlert(a: NotifiedAlert): WebhookAlert {
  return {
    status: a.status,
    labels: sortedKeys(a.labels),
    annotations: sortedKeys(a.annotations),
    startsAt: GoTime.fromMillis(a.startsAt).toJSON(),
    // A firing alert has no end yet; Alertmanager sends Go's zero time.
    endsAt: (a.status === 'firing' || a.endsAt === 0 ? GoTime.zero : GoTime.fromMillis(a.endsAt)).toJSON(),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

/** The request body exactly as Alertmanager's json.Encoder writes it. */
export function encodeWebhookMessage(n: Notification): string {
  return goJson(webhookMessage(n));
}
