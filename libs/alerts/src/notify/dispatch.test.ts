import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../model.ts';
import { firing, HOUR, MIN, openHarness, resolved, SEC, T0, type Harness } from './testing/notifier-harness.ts';

const TEAM = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: team
    webhook_configs: [{ url: hook }]
`;

let h: Harness;
afterEach(() => h?.close());

const down = (instance: string) => ({ alertname: 'Down', instance });

describe('aggregation groups and their timers', () => {
  it('first flushes after group_wait, then every group_interval when something changed, repeats strictly after repeat_interval', async () => {
    h = openHarness(TEAM);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0, { annotations: { summary: 'a is down' } })], T0);
    await h.tickAt(T0 + 29_999);
    expect(hook.sent).toHaveLength(0);
    await h.tickAt(T0 + 30 * SEC);
    expect(hook.sent).toHaveLength(1);
    expect(hook.sent[0].notification).toEqual({
      receiver: 'team',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Down', instance: 'a' },
          annotations: { summary: 'a is down' },
          startsAt: T0,
          endsAt: 0,
          generatorURL: 'http://hub.example:9464/graph?alert=Down',
          fingerprint: fingerprint({ alertname: 'Down', instance: 'a' }),
        },
      ],
      groupLabels: { alertname: 'Down' },
      commonLabels: { alertname: 'Down', instance: 'a' },
      commonAnnotations: { summary: 'a is down' },
      externalURL: 'http://hub.example:9464',
      groupKey: '{}:{alertname="Down"}',
      truncatedAlerts: 0,
    });

    // A second alert joins the group: it waits for the group's next interval, not group_wait.
    h.notifier.put([firing(down('b'), T0 + MIN, { annotations: { summary: 'b is down' } })], T0 + MIN);
    await h.tickAt(T0 + 90 * SEC);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC - 1);
    expect(hook.sent).toHaveLength(1);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'firing Down@a=firing,Down@b=firing']);
    expect(hook.sent[1].notification.commonLabels).toEqual({ alertname: 'Down' });
    expect(hook.sent[1].notification.commonAnnotations).toEqual({});

    // Nothing changed: no notification at the following intervals...
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    // ...including the flush exactly repeat_interval after the last one (Alertmanager's strict "before").
    await h.tickAt(T0 + 4 * HOUR + 5 * MIN + 30 * SEC);
    expect(hook.sent).toHaveLength(2);
    await h.tickAt(T0 + 4 * HOUR + 10 * MIN + 30 * SEC - 1);
    expect(hook.sent).toHaveLength(2);
    await h.tickAt(T0 + 4 * HOUR + 10 * MIN + 30 * SEC);
    expect(hook.summary()[2]).toBe('firing Down@a=firing,Down@b=firing');
    expect(hook.sent.map((s) => s.at - T0)).toEqual([30 * SEC, 5 * MIN + 30 * SEC, 4 * HOUR + 10 * MIN + 30 * SEC]);
  });

  it('groups by the group_by labels, one group per alert with ...', async () => {
    h = openHarness(TEAM.replace('group_by: [alertname]', "group_by: ['...']"));
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0), firing(down('b'), T0), firing({ alertname: 'Full', instance: 'a' }, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect(hook.sent.map((s) => s.notification.groupKey).sort()).toEqual([
      '{}:{alertname="Down", instance="a"}',
      '{}:{alertname="Down", instance="b"}',
      '{}:{alertname="Full", instance="a"}',
    ]);

    h.close();
    h = openHarness(TEAM);
    const hook2 = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0), firing(down('b'), T0), firing({ alertname: 'Full', instance: 'a' }, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect(hook2.summary().sort()).toEqual(['firing Down@a=firing,Down@b=firing', 'firing Full@a=firing']);
    expect(h.notifier.groups(T0 + 30 * SEC).map((g) => [g.groupKey, g.nextFlushAt - T0, g.alerts.length])).toEqual([
      ['{}:{alertname="Down"}', 5 * MIN + 30 * SEC, 2],
      ['{}:{alertname="Full"}', 5 * MIN + 30 * SEC, 1],
    ]);
  });

  it('does not make an alert that started long ago wait group_wait', async () => {
    h = openHarness(TEAM);
    h.notifier.put([firing(down('a'), T0 - 10 * MIN)], T0);
    await h.tickAt(T0);
    expect(h.fake('team', 'hook').sent).toHaveLength(1);
  });

  it('routes to every receiver a continue route leads to, each with its own timers', async () => {
    h = openHarness(`
route:
  receiver: team
  group_wait: 10s
  routes:
    - { receiver: audit, continue: true, group_wait: 1m, group_by: ['...'] }
    - { receiver: pager, matchers: [severity=critical] }
receivers:
  - { name: team, webhook_configs: [{ url: team }] }
  - { name: audit, webhook_configs: [{ url: audit }] }
  - { name: pager, webhook_configs: [{ url: pager }] }
`);
    h.notifier.put([firing({ alertname: 'Down', severity: 'critical' }, T0), firing({ alertname: 'Slow', severity: 'info' }, T0)], T0);
    await h.tickAt(T0 + 10 * SEC);
    expect(h.fake('pager', 'pager').summary()).toEqual(['firing Down=firing']);
    // Slow matched the audit route and no other: that is its match, the root's receiver is not added.
    expect(h.fake('team', 'team').sent).toHaveLength(0);
    expect(h.fake('audit', 'audit').sent).toHaveLength(0);
    await h.tickAt(T0 + MIN);
    expect(h.fake('audit', 'audit').summary().sort()).toEqual(['firing Down=firing', 'firing Slow=firing']);
    expect(h.fake('pager', 'pager').sent[0].notification.groupKey).toBe('{}/{severity="critical"}:{}');
    expect(h.notifier.alerts(T0 + MIN).map((a) => [a.labels.alertname, a.receivers])).toEqual([
      ['Down', ['audit', 'pager']],
      ['Slow', ['audit']],
    ]);
  });
});

describe('resolved alerts', () => {
  it('are sent at the next group interval with send_resolved, then leave the group', async () => {
    h = openHarness(TEAM);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(down('a'), T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC - 1);
    expect(hook.sent).toHaveLength(1);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
    expect(hook.sent[1].notification.alerts[0].endsAt).toBe(T0 + 2 * MIN);
    expect(h.notifier.groups(T0 + 5 * MIN + 30 * SEC)).toEqual([]);
    // The evaluator keeps re-sending the resolved alert for a while: it is not news again.
    h.notifier.put([resolved(down('a'), T0, T0 + 2 * MIN)], T0 + 6 * MIN);
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    await h.tickAt(T0 + 4 * HOUR + 30 * MIN);
    expect(hook.sent).toHaveLength(2);
  });

  it('resolve on their own when endsAt passes without a word from the evaluator', async () => {
    h = openHarness(TEAM);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0, { endsAt: T0 + 3 * MIN })], T0);
    await h.tickAt(T0 + 30 * SEC);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
    expect(hook.sent[1].notification.alerts[0].endsAt).toBe(T0 + 3 * MIN);
  });

  it('are not sent without send_resolved, yet a later firing is news', async () => {
    h = openHarness(TEAM.replace('{ url: hook }', '{ url: hook, send_resolved: false }'));
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(down('a'), T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.sent).toHaveLength(1);
    expect(h.notifier.groups(T0 + 5 * MIN + 30 * SEC)).toEqual([]);
    h.notifier.put([firing(down('a'), T0 + 20 * MIN)], T0 + 20 * MIN);
    await h.tickAt(T0 + 20 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'firing Down@a=firing']);
    expect(hook.sent[1].notification.alerts[0].startsAt).toBe(T0 + 20 * MIN);
  });

  it('in a group with firing ones: sent with send_resolved; without it, a smaller firing set is no news', async () => {
    for (const sendResolved of [true, false]) {
      h = openHarness(TEAM.replace('{ url: hook }', `{ url: hook, send_resolved: ${sendResolved} }`));
      const hook = h.fake('team', 'hook');
      h.notifier.put([firing(down('a'), T0), firing(down('b'), T0)], T0);
      await h.tickAt(T0 + 30 * SEC);
      h.notifier.put([resolved(down('b'), T0, T0 + MIN)], T0 + MIN);
      await h.tickAt(T0 + 5 * MIN + 30 * SEC);
      expect(hook.summary()).toEqual(
        sendResolved
          ? ['firing Down@a=firing,Down@b=firing', 'firing Down@a=firing,Down@b=resolved']
          : ['firing Down@a=firing,Down@b=firing'],
      );
      await h.tickAt(T0 + 10 * MIN + 30 * SEC);
      expect(hook.sent).toHaveLength(sendResolved ? 2 : 1);
      expect(h.notifier.groups(T0 + 10 * MIN + 30 * SEC)[0].alerts.map((a) => a.labels.instance)).toEqual(['a']);
      h.close();
    }
  });

  it('do not come back into later notifications when the evaluator repeats them', async () => {
    h = openHarness(TEAM);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(down('a'), T0), firing(down('b'), T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(down('b'), T0, T0 + MIN)], T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    h.notifier.put([resolved(down('b'), T0, T0 + MIN)], T0 + 6 * MIN);
    h.notifier.put([firing(down('c'), T0 + 7 * MIN)], T0 + 7 * MIN);
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual([
      'firing Down@a=firing,Down@b=firing',
      'firing Down@a=firing,Down@b=resolved',
      'firing Down@a=firing,Down@c=firing',
    ]);
  });
});

describe('the alert store', () => {
  it('merges repeats: earliest start kept, endsAt and annotations updated; a new instance after resolution replaces', () => {
    h = openHarness(TEAM);
    h.notifier.put([firing(down('a'), T0, { endsAt: T0 + 4 * MIN, annotations: { v: '1' } })], T0);
    h.notifier.put([firing(down('a'), T0 + MIN, { endsAt: T0 + 5 * MIN, annotations: { v: '2' } })], T0 + MIN);
    expect(h.notifier.alerts(T0 + MIN).map((a) => [a.startsAt - T0, a.endsAt - T0, a.annotations])).toEqual([[0, 5 * MIN, { v: '2' }]]);
    h.notifier.put([resolved(down('a'), T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    expect(h.notifier.alerts(T0 + 2 * MIN).map((a) => [a.status, a.endsAt - T0])).toEqual([['resolved', 2 * MIN]]);
    h.notifier.put([firing(down('a'), T0 + 10 * MIN, { endsAt: T0 + 14 * MIN })], T0 + 10 * MIN);
    expect(h.notifier.alerts(T0 + 10 * MIN).map((a) => [a.status, a.startsAt - T0, a.endsAt - T0])).toEqual([
      ['firing', 10 * MIN, 14 * MIN],
    ]);
  });

  it('rejects malformed alerts with the reason and keeps the rest', () => {
    h = openHarness(TEAM);
    const r = h.notifier.put(
      [firing({}, T0), firing(down('a'), T0), firing({ 'bad-name': 'x' }, T0), firing(down('b'), T0, { endsAt: T0 - 1 })],
      T0,
    );
    expect(r).toEqual({
      accepted: 1,
      rejected: [
        { index: 0, problem: 'an alert needs at least one label' },
        { index: 2, problem: 'label name "bad-name" is invalid' },
        { index: 3, problem: 'endsAt is before startsAt' },
      ],
    });
  });

  it('forgets resolved alerts after the retention, once their groups flushed them', async () => {
    h = openHarness(TEAM, { retention: { resolvedAlerts: 10 * MIN } });
    h.notifier.put([firing(down('a'), T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(down('a'), T0, T0 + MIN)], T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    await h.tickAt(T0 + 11 * MIN - 1);
    expect(h.notifier.alerts(T0 + 11 * MIN - 1)).toHaveLength(1);
    await h.tickAt(T0 + 12 * MIN + 1);
    expect(h.notifier.alerts(T0 + 12 * MIN + 1)).toHaveLength(0);
  });
});
