import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../model.ts';
import type { HistoryEvent } from './history.ts';
import { firing, MIN, openHarness, resolved, SEC, T0, type Harness } from './testing/notifier-harness.ts';

const CONFIG = `
route:
  receiver: team
  group_by: [alertname]
receivers:
  - name: team
    webhook_configs: [{ url: hook }]
`;

let h: Harness;
afterEach(() => h?.close());

const A = { alertname: 'Down', instance: 'a' };
const B = { alertname: 'Full', instance: 'b' };
const fpA = fingerprint(A);
const brief = (events: HistoryEvent[]) => events.map((e) => [e.kind, (e.at - T0) / SEC]);

describe('history', () => {
  it('records every transition and delivery attempt, and finds them by alert, receiver, kind, labels and time', async () => {
    h = openHarness(CONFIG, { newSilenceId: () => 'sil-1' });
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0), firing(B, T0)], T0);
    h.notifier.silences.create(
      { matchers: ['alertname=Down'], endsAt: T0 + 30 * MIN, createdBy: 'alice', comment: 'deploy' },
      T0 + 10 * SEC,
    );
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.silences.expire('sil-1', T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    h.notifier.acknowledge(fpA, 'bob', T0 + 6 * MIN);
    h.notifier.snooze(fpA, T0 + 8 * MIN, 'carol', T0 + 7 * MIN);
    await h.tickAt(T0 + 8 * MIN);
    h.notifier.put([resolved(A, T0, T0 + 9 * MIN)], T0 + 9 * MIN);
    hook.failNext = 1;
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    await h.tickAt(T0 + 10 * MIN + 31 * SEC);
    expect(hook.summary()).toEqual(['firing Full@b=firing', 'firing Down@a=firing', 'resolved Down@a=resolved']);

    const ofA = h.notifier.history.search({ fingerprint: fpA });
    expect(brief(ofA)).toEqual([
      ['delivery', 631],
      ['delivery', 630],
      ['queued', 630],
      ['resolved', 540],
      ['unsnoozed', 480],
      ['snoozed', 420],
      ['acked', 360],
      ['delivery', 330],
      ['queued', 330],
      ['unsilenced', 60],
      ['silenced', 10],
      ['firing', 0],
    ]);
    expect(ofA.find((e) => e.kind === 'silenced')).toEqual({
      id: expect.any(Number),
      at: T0 + 10 * SEC,
      kind: 'silenced',
      alerts: [{ fingerprint: fpA, labels: A }],
      detail: { silenceIds: ['sil-1'] },
    });
    expect(ofA.find((e) => e.kind === 'acked')!.detail).toEqual({ by: 'bob' });
    expect(ofA.find((e) => e.kind === 'snoozed')!.detail).toEqual({ until: T0 + 8 * MIN, by: 'carol' });
    expect(ofA.find((e) => e.kind === 'unsnoozed')!.detail).toEqual({ reason: 'ended' });

    const deliveries = h.notifier.history.search({ kind: 'delivery', receiver: 'team' });
    expect(
      deliveries.map((e) => [
        (e.at - T0) / SEC,
        e.integration,
        e.ok,
        e.error ?? null,
        e.detail!.attempt,
        e.alerts.map((a) => a.labels.alertname),
      ]),
    ).toEqual([
      [631, 'webhook[0]', true, null, 2, ['Down']],
      [630, 'webhook[0]', false, '503 Service Unavailable', 1, ['Down']],
      [330, 'webhook[0]', true, null, 1, ['Down']],
      [30, 'webhook[0]', true, null, 1, ['Full']],
    ]);
    expect(deliveries[0].groupKey).toBe('{}:{alertname="Down"}');
    const [queuedResolved] = h.notifier.history.search({ kind: 'queued', alertname: 'Down' });
    expect(queuedResolved.detail).toMatchObject({ status: 'resolved', firing: [], resolved: [fpA] });

    expect(brief(h.notifier.history.search({ alertname: 'Full' }))).toEqual([
      ['delivery', 30],
      ['queued', 30],
      ['firing', 0],
    ]);
    expect(brief(h.notifier.history.search({ labelMatchers: ['instance=~"b|c"'] }))).toEqual([
      ['delivery', 30],
      ['queued', 30],
      ['firing', 0],
    ]);
    expect(brief(h.notifier.history.search({ fingerprint: fpA, from: T0 + 6 * MIN, to: T0 + 8 * MIN }))).toEqual([
      ['unsnoozed', 480],
      ['snoozed', 420],
      ['acked', 360],
    ]);
    expect(brief(h.notifier.history.search({ kind: ['firing', 'resolved'] }))).toEqual([
      ['resolved', 540],
      ['firing', 0],
      ['firing', 0],
    ]);
    expect(brief(h.notifier.history.search({ limit: 2 }))).toEqual([
      ['delivery', 631],
      ['delivery', 630],
    ]);
    expect(h.notifier.history.search({ receiver: 'nobody' })).toEqual([]);
  });

  it('records inhibition and its end, and the end of an ack when annotations change', async () => {
    h = openHarness(
      `${CONFIG}inhibit_rules:\n  - { source_matchers: [alertname=Full], target_matchers: [alertname=Down], equal: [instance] }\n`,
    );
    const fpB2 = fingerprint({ alertname: 'Full', instance: 'a' });
    h.notifier.put([firing(A, T0, { annotations: { v: '1' } })], T0);
    h.notifier.acknowledge(fpA, 'bob', T0 + SEC);
    h.notifier.put([firing(A, T0, { annotations: { v: '2' } })], T0 + 2 * SEC);
    h.notifier.put([firing({ alertname: 'Full', instance: 'a' }, T0 + 3 * SEC)], T0 + 3 * SEC);
    h.notifier.put([resolved({ alertname: 'Full', instance: 'a' }, T0 + 3 * SEC, T0 + 4 * SEC)], T0 + 4 * SEC);
    const events = h.notifier.history.search({ fingerprint: fpA });
    expect(events.map((e) => [e.kind, (e.at - T0) / SEC, e.detail])).toEqual([
      ['uninhibited', 4, { inhibitedBy: [fpB2] }],
      ['inhibited', 3, { inhibitedBy: [fpB2] }],
      ['unacked', 2, { reason: 'annotations changed' }],
      ['acked', 1, { by: 'bob' }],
      ['firing', 0, { startsAt: T0 }],
    ]);
  });

  it('survives a restart and forgets what is older than its retention', async () => {
    h = openHarness(CONFIG, { retention: { history: 10 * MIN } });
    h.notifier.put([firing(A, T0)], T0);
    h.restart({ retention: { history: 10 * MIN } });
    expect(brief(h.notifier.history.search())).toEqual([['firing', 0]]);
    h.notifier.put([firing(B, T0 + 5 * MIN)], T0 + 5 * MIN);
    await h.tickAt(T0 + 10 * MIN + 1);
    expect(h.notifier.history.search({ kind: 'firing' }).map((e) => e.alerts[0].labels.alertname)).toEqual(['Full']);
  });
});
