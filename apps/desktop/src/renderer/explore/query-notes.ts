// The query API's `warnings` and `infos` (Prometheus's response fields) as a quiet list
// under a chart or table. Whatever the hub says there shows, not just PromQL's own
// annotations: a truncated result, data read from the cold archive, a damaged archive
// file. Warnings mean the answer may be wrong or incomplete; infos only explain it.

import { h } from '../shell/view.ts';

export interface QueryNotes {
  warnings?: readonly string[];
  infos?: readonly string[];
}

/** A `ul.query-notes` to place under a result; fill it with showQueryNotes. */
export function createQueryNotes(): HTMLUListElement {
  return h('ul', { class: 'query-notes', 'aria-label': 'Notes from the query', hidden: true });
}

export function showQueryNotes(list: HTMLUListElement, notes: QueryNotes | undefined): void {
  const item = (kind: 'warning' | 'info', text: string) =>
    h('li', { class: `note-${kind}` }, h('span', { class: 'note-kind', text: kind === 'warning' ? 'Warning' : 'Info' }), ' ', text);
  const items = [...(notes?.warnings ?? []).map((w) => item('warning', w)), ...(notes?.infos ?? []).map((i) => item('info', i))];
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}
