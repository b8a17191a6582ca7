// The instant query's result as a table: one row per series (labels, value), or the
// single scalar/string.

import { h } from '../shell/view.ts';
import type { Labels, PromValue, QueryData } from '@metrics-hub/hub-api';
import { seriesName } from './matrix-columns.ts';

/** Rows past this are not rendered: a table of thousands of series is unreadable and slow. */
const MAX_ROWS = 1000;

export function renderResultTable(data: QueryData): HTMLElement {
  const table = h('table', { class: 'result-table' }, h('thead', {}, h('tr', {}, h('th', { text: 'Series' }), h('th', { text: 'Value' }))));
  const body = h('tbody');
  table.append(body);
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    body.append(h('tr', {}, h('td', { text: `(${data.resultType})` }), h('td', { text: data.result[1] })));
    return table;
  }
  const rows: { metric: Labels; value?: PromValue; values?: PromValue[] }[] =
    data.resultType === 'vector' ? data.result : data.resultType === 'matrix' ? data.result : [];
  if (rows.length === 0) {
    body.append(h('tr', {}, h('td', { colspan: '2', class: 'muted', text: 'No data: the query matched no series at this time.' })));
    return table;
  }
  for (const s of rows.slice(0, MAX_ROWS)) {
    const value = s.value ? s.value[1] : (s.values ?? []).map(([t, v]) => `${v} @${t}`).join('\n');
    body.append(h('tr', {}, h('td', {}, h('code', { text: seriesName(s.metric) })), h('td', { class: 'num', text: value })));
  }
  if (rows.length > MAX_ROWS)
    body.append(h('tr', {}, h('td', { colspan: '2', class: 'muted', text: `${rows.length - MAX_ROWS} more series not shown` })));
  return table;
}
