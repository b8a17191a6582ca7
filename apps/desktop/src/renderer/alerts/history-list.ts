// The notifier's history: transitions (firing, resolved, silenced, acked...) and delivery
// attempts, newest first.

import type { HistoryEvent, Labels } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';
import { labelChips, timeText } from './format.ts';

export function renderHistory(events: HistoryEvent[]): HTMLElement {
  if (!events.length) return h('p', { class: 'muted', text: 'No history for this filter.' });
  const body = h('tbody');
  for (const e of events) {
    const alerts = (e.alerts as { labels: Labels }[] | undefined) ?? [];
    const outcome = e.kind === 'delivery' ? (e.ok ? 'delivered' : `failed: ${String(e.error ?? '')}`) : '';
    const detail = e.detail
      ? Object.entries(e.detail as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join(', ')
      : '';
    body.append(
      h(
        'tr',
        { class: `history ${e.kind}`, 'data-kind': e.kind },
        h('td', { text: timeText(e.at) }),
        h('td', {}, h('span', { class: `badge ${e.kind === 'firing' ? 'firing' : e.kind === 'resolved' ? 'ok' : ''}`, text: e.kind })),
        h(
          'td',
          {},
          ...alerts.slice(0, 3).map((a) => h('div', {}, labelChips(a.labels))),
          alerts.length > 3 ? `+${alerts.length - 3} more` : '',
        ),
        h('td', { class: 'muted', text: [e.receiver ? `→ ${String(e.receiver)}` : '', outcome, detail].filter(Boolean).join(' · ') }),
      ),
    );
  }
  return h(
    'table',
    { class: 'history-list' },
    h('thead', {}, h('tr', {}, ...['When', 'Event', 'Alerts', 'Detail'].map((t) => h('th', { text: t })))),
    body,
  );
}
