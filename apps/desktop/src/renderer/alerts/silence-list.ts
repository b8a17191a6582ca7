// Silences, active and pending first, each with its matchers and an Expire button.

import type { Silence } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';
import { timeText, until } from './format.ts';

export function renderSilenceList(silences: Silence[], expire: (s: Silence) => void, now = Date.now()): HTMLElement {
  const order = { active: 0, pending: 1, expired: 2 } as const;
  // Expired ones stay listed for a while by the hub; the last few are enough here.
  const shown = [...silences]
    .sort((a, b) => order[a.state] - order[b.state] || b.endsAt - a.endsAt)
    .filter((s, i) => s.state !== 'expired' || i < 20);
  if (!shown.length) return h('p', { class: 'muted', text: 'No silences.' });
  const body = h('tbody');
  for (const s of shown) {
    const btn = h('button', { text: 'Expire', 'data-action': 'expire', disabled: s.state === 'expired' });
    btn.addEventListener('click', () => expire(s));
    body.append(
      h(
        'tr',
        { class: `silence ${s.state}`, 'data-id': s.id },
        h('td', {}, h('span', { class: `badge ${s.state}`, text: s.state })),
        h('td', { class: 'labels' }, ...s.matchers.map((m) => h('code', { text: `${m.name}${m.type}${JSON.stringify(m.value)}` }))),
        h('td', { text: s.comment }),
        h('td', { text: s.createdBy }),
        h('td', { title: timeText(s.endsAt), text: s.state === 'expired' ? `ended ${timeText(s.endsAt)}` : until(s.endsAt, now) }),
        h('td', {}, btn),
      ),
    );
  }
  return h(
    'table',
    { class: 'silence-list' },
    h('thead', {}, h('tr', {}, ...['State', 'Matchers', 'Comment', 'By', 'Ends', ''].map((t) => h('th', { text: t })))),
    body,
  );
}
