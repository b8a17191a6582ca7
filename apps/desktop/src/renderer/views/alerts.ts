// Alerts: what fires or is pending (with acknowledge, snooze and silence), the silences,
// the notifier's history and the rules' health. Polls every 5 s; an open silence form
// lives outside the refreshed parts so a refresh never eats what the user is typing.

import type { AlertView, RuleGroupView, Silence } from '@metrics-hub/hub-api';
import { h, type View } from '../shell/view.ts';
import { renderAlertList } from '../alerts/alert-list.ts';
import { renderHistory } from '../alerts/history-list.ts';
import { renderRuleStatus } from '../alerts/rule-status.ts';
import { renderSilenceForm } from '../alerts/silence-form.ts';
import { renderSilenceList } from '../alerts/silence-list.ts';

const REFRESH_MS = 5000;

export const alertsView: View = {
  id: 'alerts',
  title: 'Alerts',
  inNav: true,
  mount(root, ctx) {
    const { api, scope } = ctx;
    const problem = h('div', { class: 'error', role: 'alert' });
    const alertsBox = h('div', { class: 'alerts-box' });
    const formSlot = h('div', { class: 'silence-form-slot' });
    const silencesBox = h('div', { class: 'silences-box' });
    const historyFilter = h('input', {
      type: 'search',
      placeholder: 'alertname',
      'aria-label': 'History alertname filter',
      class: 'history-filter',
    });
    const historyBox = h('div', { class: 'history-box' });
    const rulesBox = h('div', { class: 'rules-box' });
    root.append(
      h('h1', { text: 'Alerts' }),
      problem,
      h('section', {}, alertsBox, formSlot),
      h('h2', { text: 'Silences' }),
      silencesBox,
      h('h2', { text: 'History' }),
      h('div', { class: 'toolbar' }, historyFilter),
      historyBox,
      h('h2', { text: 'Rules' }),
      rulesBox,
    );

    let cancelNext = () => {};
    const act = (p: Promise<unknown>) =>
      p.then(refresh, (e: Error) => {
        problem.textContent = e.message;
      });

    const openSilenceForm = (a: AlertView) => {
      formSlot.replaceChildren(
        h('h2', { text: `Silence ${a.labels.alertname ?? 'alert'}` }),
        renderSilenceForm(api, a.labels, (created) => {
          formSlot.replaceChildren();
          if (created) void refresh();
        }),
      );
      formSlot.querySelector<HTMLInputElement>('input[name="comment"]')?.focus();
    };

    async function refresh(): Promise<void> {
      cancelNext();
      const [alerts, groups, silences, history] = await Promise.allSettled([
        api.alerts(),
        api.rules(),
        api.silences(),
        api.history({ alertname: historyFilter.value.trim() || undefined, limit: 100 }),
      ]);
      if (scope.disposed) return;
      const failed = [alerts, groups, silences, history].find((r) => r.status === 'rejected');
      problem.textContent = failed ? `Could not load everything: ${(failed.reason as Error).message}` : '';
      const ruleGroups: RuleGroupView[] = groups.status === 'fulfilled' ? groups.value : [];
      if (alerts.status === 'fulfilled') {
        alertsBox.replaceChildren(
          renderAlertList(alerts.value, ruleGroups, {
            acknowledge: (a) => void act(api.acknowledge(a.fingerprint)),
            snooze: (a) => void act(api.snooze(a.fingerprint, '1h')),
            silence: openSilenceForm,
          }),
        );
      }
      if (silences.status === 'fulfilled')
        silencesBox.replaceChildren(renderSilenceList(silences.value, (s: Silence) => void act(api.expireSilence(s.id))));
      if (history.status === 'fulfilled') historyBox.replaceChildren(renderHistory(history.value));
      if (groups.status === 'fulfilled') rulesBox.replaceChildren(renderRuleStatus(ruleGroups));
      root.dataset.refreshed = String(Date.now());
      cancelNext = scope.timeout(() => void refresh(), REFRESH_MS);
    }

    let cancelFilter = () => {};
    historyFilter.addEventListener('input', () => {
      cancelFilter();
      cancelFilter = scope.timeout(() => void refresh(), 250);
    });
    void refresh();
  },
};
