// Rule groups as the evaluator sees them: each rule's health, state, last evaluation
// and last error (a rule that fails to evaluate alerts nobody, so it must be visible).

import type { RuleGroupView } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';
import { formatAgo } from '../charts/format.ts';

export function renderRuleStatus(groups: RuleGroupView[], now = Date.now()): HTMLElement {
  if (!groups.length) return h('p', { class: 'muted', text: 'No rules loaded.' });
  return h(
    'div',
    { class: 'rule-groups stack' },
    ...groups.map((g) =>
      h(
        'div',
        { class: 'panel rule-group', 'data-group': g.name },
        h(
          'h3',
          {},
          g.name,
          ' ',
          h('span', {
            class: 'muted',
            text: `${g.file} · every ${g.interval}s · evaluated ${evaluated(g.lastEvaluation, now)} in ${(g.evaluationTime * 1000).toFixed(1)} ms`,
          }),
        ),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['Rule', 'Health', 'State', 'Last evaluation', 'Error'].map((t) => h('th', { text: t })))),
          h(
            'tbody',
            {},
            ...g.rules.map((r) =>
              h(
                'tr',
                { class: 'rule', 'data-rule': r.name },
                h('td', {}, h('strong', { text: r.name }), h('div', {}, h('code', { class: 'muted', text: r.query }))),
                h(
                  'td',
                  {},
                  h('span', { class: `badge health ${r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : ''}`, text: r.health }),
                ),
                h(
                  'td',
                  {},
                  r.type === 'alerting' && r.state
                    ? h('span', { class: `badge ${r.state}`, text: r.state })
                    : h('span', { class: 'muted', text: r.type }),
                ),
                h('td', { text: evaluated(r.lastEvaluation, now) }),
                h('td', { class: 'error', text: r.lastError ?? '' }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function evaluated(iso: string, now: number): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t > 0 ? formatAgo(t, now) : 'never';
}
