// Receivers may send fewer alerts than the notifier handed them (`send_resolved: false`,
// `max_alerts`). Alertmanager builds the message data from the alerts actually sent, so the
// status and the common labels and annotations are recomputed over what is left.

import type { Notification, NotifiedAlert } from '../model.ts';

/**
 * Drops resolved alerts unless the receiver wants them; undefined when nothing is left to
 * send (Alertmanager then sends nothing and counts it as done).
 */
export function selectForSendResolved(n: Notification, sendResolved: boolean): Notification | undefined {
  if (sendResolved) return n;
  const firing = n.alerts.filter((a) => a.status === 'firing');
  if (firing.length === 0) return undefined;
  return firing.length === n.alerts.length ? n : withAlerts(n, firing, n.truncatedAlerts);
}

/** Keeps the first `max` alerts (0 = all) and counts the rest in `truncatedAlerts`. */
export function truncateAlerts(n: Notification, max: number): Notification {
  if (max === 0 || n.alerts.length <= max) return n;
  return withAlerts(n, n.alerts.slice(0, max), n.truncatedAlerts + n.alerts.length - max);
}

function withAlerts(n: Notification, alerts: NotifiedAlert[], truncatedAlerts: number): Notification {
  return {
    ...n,
    alerts,
    truncatedAlerts,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
  };
}

function common(sets: Record<string, string>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const set of sets.slice(1)) for (const k of Object.keys(out)) if (set[k] !== out[k]) delete out[k];
  return out;
}
