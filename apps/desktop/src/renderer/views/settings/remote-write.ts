// Settings' Remote write panel: where samples are forwarded (each endpoint's queue, sends,
// drops, last error) and what came in by remote write.

import type { RemoteWriteStatus } from '@metrics-hub/hub-api';
import { timeText } from '../../alerts/format.ts';
import { h } from '../../shell/view.ts';
import { keyValues } from './key-values.ts';

export function remoteWritePanel(): { el: HTMLElement; show(status: RemoteWriteStatus | undefined): void } {
  const el = h('div', { class: 'panel remote-write' });
  return { el, show: (status) => el.replaceChildren(...remoteWriteParts(status)) };
}

function remoteWriteParts(status: RemoteWriteStatus | undefined): (Node | string)[] {
  const endpoints = status?.forward?.endpoints ?? [];
  const received = status?.receive;
  const out: (Node | string)[] = [];
  if (!endpoints.length) {
    out.push(
      h(
        'p',
        { class: 'muted' },
        'Out: off. Add ',
        h('code', { text: 'remote_write:' }),
        ' to hub.yaml (a list of url: entries, as in Prometheus) to forward every stored sample to VictoriaMetrics, Mimir, Thanos or Prometheus.',
      ),
    );
  }
  for (const e of endpoints) {
    const age = e.oldestPendingMs === undefined ? '' : `, oldest waiting since ${timeText(e.oldestPendingMs)}`;
    out.push(
      h('h3', { class: 'endpoint-name', text: e.name }),
      keyValues([
        ['Address', e.url],
        ['State', e.state === 'retrying' ? 'retrying a failed request' : e.state],
        [
          'Waiting',
          `${e.pendingSamples.toLocaleString('en-US')} samples${age}${e.queueFull ? ' (queue full: the oldest are being dropped)' : ''}`,
        ],
        ['Sent', `${e.sentSamples.toLocaleString('en-US')} samples${e.lastSentMs ? `, last at ${timeText(e.lastSentMs)}` : ''}`],
        ['Failed requests (retried)', e.failedRequests.toLocaleString('en-US')],
        [
          'Dropped',
          `${e.droppedSamples.rejected.toLocaleString('en-US')} refused by the endpoint, ${e.droppedSamples.queueFull.toLocaleString('en-US')} for a full queue`,
        ],
      ]),
      ...(e.lastError
        ? [h('p', { class: 'error remote-write-error', text: `Last error (${timeText(e.lastError.atMs)}): ${e.lastError.message}` })]
        : []),
    );
  }
  if (received) {
    const r = received.requests;
    out.push(
      h('p', {
        class: 'muted remote-write-in',
        text: `In (POST /api/v1/write): ${r.stored.toLocaleString('en-US')} requests stored (${received.samplesStored.toLocaleString('en-US')} samples), ${(r.refused + r.tooLarge).toLocaleString('en-US')} refused, ${r.failed.toLocaleString('en-US')} failed.`,
      }),
    );
  }
  return out;
}
