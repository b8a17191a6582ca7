// Built-in wording shared by the receivers, modelled on Alertmanager's default.tmpl so that
// messages read the same whether or not a Go-template engine is configured.

import type { Notification, NotifiedAlert } from '../model.ts';

function sortedValues(map: Readonly<Record<string, string>>, except: ReadonlySet<string> = new Set()): string[] {
  return Object.keys(map)
    .filter((k) => !except.has(k))
    .sort()
    .map((k) => map[k]);
}

function firingCount(n: Notification): number {
  return n.alerts.filter((a) => a.status === 'firing').length;
}

/**
 * Alertmanager's `__subject`: `[FIRING:2] <group label values> (<other common label values>)`,
 * values in label-name order; `[RESOLVED] ...` without a count. Unlike the Go template it
 * leaves no trailing space when there are no other common labels.
 */
export function defaultSubject(n: Notification): string {
  const status = n.status === 'firing' ? `FIRING:${firingCount(n)}` : 'RESOLVED';
  const group = sortedValues(n.groupLabels).join(' ');
  const others = sortedValues(n.commonLabels, new Set(Object.keys(n.groupLabels)));
  return [`[${status}]`, group, others.length ? `(${others.join(' ')})` : ''].filter(Boolean).join(' ');
}

/** What the group is about in a few words: its alertname, else its group label values. */
export function groupName(n: Notification): string {
  return n.commonLabels.alertname ?? (sortedValues(n.groupLabels).join(' ') || 'alerts');
}

/** One line for one alert: `web-1:9100: Host is down`. */
export function alertLine(a: NotifiedAlert): string {
  const what = a.annotations.summary ?? a.annotations.description ?? a.labels.alertname ?? 'alert';
  return a.labels.instance ? `${a.labels.instance}: ${what}` : what;
}

/** Alertmanager's `__text_alert_list`: labels, annotations and source of each alert. */
export function textAlertList(alerts: readonly NotifiedAlert[]): string {
  let out = '';
  for (const a of alerts) {
    out += 'Labels:\n';
    for (const k of Object.keys(a.labels).sort()) out += ` - ${k} = ${a.labels[k]}\n`;
    out += 'Annotations:\n';
    for (const k of Object.keys(a.annotations).sort()) out += ` - ${k} = ${a.annotations[k]}\n`;
    out += `Source: ${a.generatorURL}\n`;
  }
  return out;
}

export function firingAndResolved(n: Notification): { firing: NotifiedAlert[]; resolved: NotifiedAlert[] } {
  return { firing: n.alerts.filter((a) => a.status === 'firing'), resolved: n.alerts.filter((a) => a.status === 'resolved') };
}
