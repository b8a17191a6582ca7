// Settings' Addresses panel: where agents and programs reach this hub (broker, HTTP, the API
// token's file), its version and start, from the hub's status.

import type { HubStatus } from '@metrics-hub/hub-api';
import { timeText } from '../../alerts/format.ts';
import { h } from '../../shell/view.ts';
import { keyValues } from './key-values.ts';

export function addressesPanel(): { el: HTMLElement; show(status: PromiseSettledResult<HubStatus>): void } {
  const el = h('div', { class: 'panel addresses' }, h('p', { class: 'muted', text: 'Loading…' }));
  const show = (status: PromiseSettledResult<HubStatus>) => {
    if (status.status === 'rejected') {
      el.replaceChildren(h('p', { class: 'error', text: status.reason instanceof Error ? status.reason.message : String(status.reason) }));
      return;
    }
    const s = status.value;
    const b = s.broker;
    const rows: [string, string][] = [
      [
        'MQTT broker',
        b.mode === 'external'
          ? `external: ${b.url ?? '?'} (${b.connected ? 'connected' : 'not connected'})`
          : b.mqtt
            ? `mqtt://${b.mqtt.host}:${b.mqtt.port}`
            : 'off',
      ],
      ...(b.mqtts ? [['MQTT over TLS', `mqtts://${b.mqtts.host}:${b.mqtts.port}`] as [string, string]] : []),
      ['HTTP API', s.http ? `http://${s.http.host}:${s.http.port}` : 'off'],
      ...(s.http?.tokenRequired
        ? [
            [
              'API token',
              s.http.tokenFile
                ? `required; in ${s.http.tokenFile} (Grafana: header Authorization: Bearer <it>; the hub commands read it there)`
                : 'required (http.token in hub.yaml)',
            ] as [string, string],
          ]
        : []),
      ['Hub version', s.version],
      ['Running since', timeText(s.startedMs)],
    ];
    el.replaceChildren(
      keyValues(rows),
      h('p', { class: 'muted', text: 'Change them in hub.yaml (broker.listen, http.listen), then restart the hub.' }),
    );
  };
  return { el, show };
}
