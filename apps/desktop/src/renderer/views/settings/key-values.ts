// A two-column table of names and values, as several settings panels show what the hub reports.

import { h } from '../../shell/view.ts';

export function keyValues(rows: [string, string][]): HTMLElement {
  return h(
    'table',
    { class: 'kv' },
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', {}, h('code', { text: v }))))),
  );
}
