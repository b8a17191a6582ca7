// The notification a receiver gets: Alertmanager's webhook data (version 4). Alerts are in
// Alertmanager's order (by job, then instance, then the whole label set), so that a
// receiver's message lists them the same way on every repeat; the common labels and
// annotations are those every sent alert shares.

import { alertStatus, type Alert, type Labels, type Notification, type NotifiedAlert } from '../model.ts';

export function buildNotification(args: {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: readonly (Alert & { fingerprint: string })[];
  externalURL: string;
  now: number;
}): Notification {
  const alerts: NotifiedAlert[] = sortAlerts(args.alerts).map((a) => {
    const status = alertStatus(a, args.now);
    return {
      status,
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      startsAt: a.startsAt,
      endsAt: status === 'firing' ? 0 : a.endsAt,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    };
  });
  return {
    receiver: args.receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { ...args.groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: args.externalURL,
    groupKey: args.groupKey,
    truncatedAlerts: 0,
  };
}

/** The pairs present, with the same value, in every one of `sets`. */
export function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (!sets.length) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sets[0])) if (sets.every((s) => s[k] === v)) out[k] = v;
  return sortKeys(out);
}

/** Alertmanager's AlertSlice order. */
export function sortAlerts<T extends { labels: Labels }>(alerts: readonly T[]): T[] {
  return [...alerts].sort((x, y) => {
    for (const key of ['job', 'instance']) {
      const a = x.labels[key];
      const b = y.labels[key];
      if (a === undefined && b === undefined) continue;
      if (a === undefined) return 1;
      if (b === undefined) return -1;
      if (a !== b) return a < b ? -1 : 1;
    }
    return compareLabelSets(x.labels, y.labels);
  });
}

/** Prometheus's LabelSet.Before: pairwise by sorted name, then value; shorter first. */
function compareLabelSets(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    if (an[i] !== bn[i]) return an[i] < bn[i] ? -1 : 1;
    const av = a[an[i]];
    const bv = b[bn[i]];
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
