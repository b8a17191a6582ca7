// The default text and HTML bodies: what Alertmanager's email.default.html says (count and
// group, a link back, then each alert's labels, annotations and source, firing before
// resolved), in a short layout of our own, plus a plain-text twin for text-only clients.

import type { Notification, NotifiedAlert } from '../model.ts';
import { defaultSubject, firingAndResolved, textAlertList } from './default-text.ts';

function headline(n: Notification): string {
  const count = n.alerts.length;
  const group = Object.keys(n.groupLabels)
    .sort()
    .map((k) => `${k}=${n.groupLabels[k]}`)
    .join(' ');
  return `${count} alert${count === 1 ? '' : 's'}${group ? ` for ${group}` : ''}`;
}

export function defaultEmailText(n: Notification): string {
  const { firing, resolved } = firingAndResolved(n);
  let out = `${defaultSubject(n)}\n\n${headline(n)}\n`;
  if (n.externalURL) out += `View in metrics-hub: ${n.externalURL}\n`;
  if (firing.length) out += `\n[${firing.length}] Firing\n${textAlertList(firing)}`;
  if (resolved.length) out += `\n[${resolved.length}] Resolved\n${textAlertList(resolved)}`;
  if (n.truncatedAlerts) out += `\n${n.truncatedAlerts} more alerts not shown.\n`;
  return out;
}

export function defaultEmailHtml(n: Notification): string {
  const { firing, resolved } = firingAndResolved(n);
  const banner = n.status === 'firing' ? '#E6522C' : '#2E7D32';
  const section = (title: string, alerts: NotifiedAlert[]) =>
    alerts.length ? `<h3>[${alerts.length}] ${title}</h3>\n${alerts.map(alertHtml).join('\n')}\n` : '';
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(defaultSubject(n))}</title></head>`,
    '<body style="font-family: Helvetica, Arial, sans-serif; font-size: 14px;">',
    `<div style="background-color: ${banner}; color: #fff; padding: 16px; font-size: 16px;">${escapeHtml(headline(n))}</div>`,
    n.externalURL ? `<p><a href="${escapeHtml(n.externalURL)}">View in metrics-hub</a></p>` : '',
    section('Firing', firing) + section('Resolved', resolved),
    n.truncatedAlerts ? `<p>${n.truncatedAlerts} more alerts not shown.</p>` : '',
    '</body></html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function alertHtml(a: NotifiedAlert): string {
  const pairs = (map: Record<string, string>) =>
    Object.keys(map)
      .sort()
      .map((k) => `${escapeHtml(k)} = ${escapeHtml(map[k])}<br>`)
      .join('');
  const annotations = Object.keys(a.annotations).length ? `<strong>Annotations</strong><br>${pairs(a.annotations)}` : '';
  const source = a.generatorURL ? `<a href="${escapeHtml(a.generatorURL)}">Source</a><br>` : '';
  return `<p><strong>Labels</strong><br>${pairs(a.labels)}${annotations}${source}</p>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
