// Firing alerts (the notifier's view: suppressed by a silence, an inhibition, an ack or
// a snooze) and pending ones (the rules' view: their `for` clock still running).

import type { AlertView, RuleGroupView } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';
import { labelChips, until } from './format.ts';
import { formatAgo } from '../charts/format.ts';

export interface AlertActions {
  acknowledge(a: AlertView): void;
  snooze(a: AlertView): void;
  silence(a: AlertView): void;
}

export function renderAlertList(alerts: AlertView[], groups: RuleGroupView[], act: AlertActions, now = Date.now()): HTMLElement {
  const firing = alerts.filter((a) => a.status === 'firing');
  const pending = groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.type === 'alerting' ? (r.alerts ?? []).filter((a) => a.state === 'pending').map((a) => ({ rule: r.name, ...a })) : [],
    ),
  );
  if (firing.length === 0 && pending.length === 0) return h('p', { class: 'muted no-alerts', text: 'Nothing is firing or pending.' });
  const body = h('tbody');
  for (const a of firing) {
    const why = muteReasons(a, now);
    body.append(
      h(
        'tr',
        { class: `alert ${a.state}`, 'data-fingerprint': a.fingerprint, 'data-alertname': a.labels.alertname ?? '' },
        h('td', {}, h('span', { class: 'badge firing', text: 'firing' }), ' ', h('span', { class: `badge ${a.state}`, text: a.state })),
        h('td', {}, h('strong', { text: a.labels.alertname ?? '(no name)' }), h('div', {}, labelChips(a.labels, ['alertname']))),
        h(
          'td',
          {},
          a.annotations.summary ?? a.annotations.description ?? '',
          why.length ? h('div', { class: 'muted mute-reasons', text: why.join(' · ') }) : null,
        ),
        h('td', { title: new Date(a.startsAt).toISOString(), text: formatAgo(a.startsAt, now) }),
        h(
          'td',
          { class: 'actions' },
          button('Acknowledge', 'ack', () => act.acknowledge(a), a.acked !== undefined),
          button('Snooze 1h', 'snooze', () => act.snooze(a), a.snoozed !== undefined),
          button('Silence…', 'silence', () => act.silence(a)),
        ),
      ),
    );
  }
  for (const p of pending) {
    body.append(
      h(
        'tr',
        { class: 'alert pending', 'data-alertname': p.labels.alertname ?? p.rule },
        h('td', {}, h('span', { class: 'badge pending', text: 'pending' })),
        h('td', {}, h('strong', { text: p.labels.alertname ?? p.rule }), h('div', {}, labelChips(p.labels, ['alertname']))),
        h('td', { text: p.annotations.summary ?? '' }),
        h('td', { title: p.activeAt, text: formatAgo(Date.parse(p.activeAt), now) }),
        h('td', { class: 'muted', text: 'waiting for its "for" time' }),
      ),
    );
  }
  return h(
    'table',
    { class: 'alert-list' },
    h('thead', {}, h('tr', {}, ...['State', 'Alert', 'Summary', 'Since', ''].map((t) => h('th', { text: t })))),
    body,
  );
}

function button(text: string, action: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = h('button', { text, 'data-action': action, disabled });
  b.addEventListener('click', onClick);
  return b;
}

/** Why a firing alert does not notify, in words. */
function muteReasons(a: AlertView, now: number): string[] {
  const out: string[] = [];
  if (a.silencedBy.length) out.push(`silenced by ${a.silencedBy.join(', ')}`);
  if (a.inhibitedBy.length) out.push(`inhibited by ${a.inhibitedBy.join(', ')}`);
  const ack = a.acked as { by?: string } | undefined;
  if (ack) out.push(`acknowledged${ack.by ? ` by ${ack.by}` : ''}`);
  const snooze = a.snoozed as { until?: number; by?: string } | undefined;
  if (snooze) out.push(`snoozed${snooze.by ? ` by ${snooze.by}` : ''}${snooze.until ? ` (${until(snooze.until, now)})` : ''}`);
  return out;
}
