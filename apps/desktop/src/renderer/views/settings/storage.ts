// Settings' "Storage and alerting" panel: what is configured in files (raw sample retention,
// the receivers in use), read-only here, with where to change each.

import type { AlertView } from '@metrics-hub/hub-api';
import { h } from '../../shell/view.ts';
import { keyValues } from './key-values.ts';

type RuntimeInfo = { storageRetention?: string };

export function storagePanel(): {
  el: HTMLElement;
  show(runtime: PromiseSettledResult<RuntimeInfo>, alerts: PromiseSettledResult<AlertView[]>): void;
} {
  const el = h('div', { class: 'panel files' });
  const show = (runtime: PromiseSettledResult<RuntimeInfo>, alerts: PromiseSettledResult<AlertView[]>) => {
    const receivers = alerts.status === 'fulfilled' ? [...new Set(alerts.value.flatMap((a) => a.receivers))] : [];
    el.replaceChildren(
      keyValues([
        [
          'Raw sample retention',
          runtime.status === 'fulfilled' && runtime.value.storageRetention ? runtime.value.storageRetention : 'unknown',
        ],
        ['Receivers in use', receivers.length ? receivers.join(', ') : 'none by a firing alert right now'],
      ]),
      h(
        'p',
        { class: 'muted' },
        'These are read-only here. Retention (store.retention, rollup_1m_retention, rollup_1h_retention) is set in ',
        h('code', { text: 'hub.yaml' }),
        '; routes, receivers and inhibitions in ',
        h('code', { text: '<data dir>/alerting.yml' }),
        " (Alertmanager's format) and alert rules in ",
        h('code', { text: '<data dir>/rules/' }),
        ', where the data dir is hub.data_dir (by default ~/.local/share/metrics-hub). The hub reloads alerting.yml and the rules when they change; retention changes need a restart.',
      ),
    );
  };
  return { el, show };
}
