import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../model.ts';
import { Inhibitor } from './inhibit.ts';
import { parseMatchers } from './matchers.ts';
import { SilenceError } from './silences.ts';
import { firing, HOUR, MIN, openHarness, resolved, SEC, T0, type Harness } from './testing/notifier-harness.ts';

const CONFIG = `
route:
  receiver: team
  group_by: [alertname, cluster]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: team
    webhook_configs: [{ url: hook }]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`;

let h: Harness;
afterEach(() => h?.close());

const A = { alertname: 'Down', instance: 'a' };
const fpA = fingerprint(A);
/** Ticks at every group interval (30s + k·5m) up to and including `until`. */
async function ticksUntil(until: number) {
  for (let t = T0 + 30 * SEC; t <= until; t += 5 * MIN) if (t > h.clock.now) await h.tickAt(t);
}

describe('inhibition', () => {
  it('mutes targets that share the equal labels with a firing source, until the source resolves', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    const outage = { alertname: 'ClusterDown', cluster: 'eu', severity: 'critical' };
    const slowEu = { alertname: 'Slow', cluster: 'eu', severity: 'warning' };
    const slowUs = { alertname: 'Slow', cluster: 'us', severity: 'warning' };
    h.notifier.put([firing(outage, T0), firing(slowEu, T0), firing(slowUs, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect(hook.summary().sort()).toEqual(['firing ClusterDown=firing', 'firing Slow=firing']);
    expect(hook.sent.find((s) => s.notification.groupLabels.alertname === 'Slow')!.notification.groupLabels).toEqual({
      alertname: 'Slow',
      cluster: 'us',
    });
    const view = h.notifier.alerts(T0 + 30 * SEC).find((a) => a.fingerprint === fingerprint(slowEu))!;
    expect([view.state, view.inhibitedBy, view.silencedBy]).toEqual(['suppressed', [fingerprint(outage)], []]);

    h.notifier.put([resolved(outage, T0, T0 + MIN)], T0 + MIN);
    expect(h.notifier.alerts(T0 + MIN).find((a) => a.fingerprint === fingerprint(slowEu))!.state).toBe('active');
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary().slice(2).sort()).toEqual(['firing Slow=firing', 'resolved ClusterDown=resolved']);
    expect(
      hook.sent
        .slice(2)
        .map((s) => s.notification.groupKey)
        .sort(),
    ).toEqual(['{}:{alertname="ClusterDown", cluster="eu"}', '{}:{alertname="Slow", cluster="eu"}']);
  });

  it('does not let alerts matching both sides inhibit each other (Alertmanager semantics)', () => {
    const rule = {
      sourceMatchers: parseMatchers('severity=~"critical|warning"'),
      targetMatchers: parseMatchers('severity="warning"'),
      equal: ['cluster'],
    };
    const check = new Inhibitor([rule]).prepare([
      { fingerprint: 'w1', labels: { severity: 'warning', cluster: 'eu' } },
      { fingerprint: 'c1', labels: { severity: 'critical', cluster: 'eu' } },
      { fingerprint: 'c2', labels: { severity: 'critical' } },
    ]);
    expect(check({ severity: 'warning', cluster: 'eu' })).toEqual(['c1']);
    expect(check({ severity: 'warning' })).toEqual(['c2']);
    expect(check({ severity: 'warning', cluster: 'us' })).toEqual([]);
    expect(check({ severity: 'critical', cluster: 'eu' })).toEqual([]);
  });
});

describe('silences', () => {
  it('mute from startsAt (inclusive) to endsAt (exclusive)', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    const s = h.notifier.silences.create(
      {
        matchers: ['alertname="Down"'],
        startsAt: T0 + 30 * SEC,
        endsAt: T0 + 20 * MIN + 30 * SEC,
        createdBy: 'alice',
        comment: 'maintenance',
      },
      T0,
    );
    expect(s.state).toBe('pending');
    h.notifier.put([firing(A, T0)], T0);
    await ticksUntil(T0 + 15 * MIN + 30 * SEC);
    expect(hook.sent).toHaveLength(0);
    expect(h.notifier.alerts(h.clock.now)[0]).toMatchObject({ state: 'suppressed', silencedBy: [s.id] });
    await h.tickAt(T0 + 20 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing']);
    expect(h.notifier.silences.get(s.id, h.clock.now)!.state).toBe('expired');
  });

  it('end when expired, survive a restart, and keep their id when extended', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0)], T0);
    const s = h.notifier.silences.create(
      { matchers: ['alertname=Down', 'instance=~"a|b"'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'deploy' },
      T0,
    );
    expect([s.startsAt, s.endsAt, s.state]).toEqual([T0, T0 + HOUR, 'active']);
    await h.tickAt(T0 + 30 * SEC);
    h.restart();
    expect(h.notifier.silences.list(T0 + MIN)).toEqual([
      {
        id: s.id,
        matchers: [
          { type: '=', name: 'alertname', value: 'Down' },
          { type: '=~', name: 'instance', value: 'a|b' },
        ],
        startsAt: T0,
        endsAt: T0 + HOUR,
        updatedAt: T0,
        createdBy: 'alice',
        comment: 'deploy',
        state: 'active',
      },
    ]);
    const extended = h.notifier.silences.update(s.id, { endsAt: T0 + 2 * HOUR, comment: 'longer deploy' }, T0 + MIN);
    expect([extended.id, extended.endsAt, extended.comment]).toEqual([s.id, T0 + 2 * HOUR, 'longer deploy']);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.sent).toHaveLength(0);
    const expired = h.notifier.silences.expire(s.id, T0 + 7 * MIN);
    expect([expired.state, expired.endsAt]).toEqual(['expired', T0 + 7 * MIN]);
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing']);
    expect(() => h.notifier.silences.expire(s.id, T0 + 11 * MIN)).toThrow(SilenceError);
  });

  it('are replaced (old one expired, new id) when an active one changes its matchers', () => {
    let n = 0;
    h = openHarness(CONFIG, { newSilenceId: () => `s${++n}` });
    h.notifier.silences.create({ matchers: ['alertname=Down'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0);
    const replaced = h.notifier.silences.update('s1', { matchers: ['alertname=Up'] }, T0 + MIN);
    expect(replaced.id).toBe('s2');
    expect(h.notifier.silences.list(T0 + MIN).map((s) => [s.id, s.state, s.endsAt - T0])).toEqual([
      ['s1', 'expired', MIN],
      ['s2', 'active', HOUR],
    ]);
  });

  it('refuse what would silence everything, end in the past, or come from nobody', () => {
    h = openHarness(CONFIG);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as SilenceError).code, (e as Error).message];
      }
      return undefined;
    };
    const base = { matchers: ['alertname=Down'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' };
    expect(code(() => h.notifier.silences.create({ ...base, matchers: ['alertname=~".*"'] }, T0))).toEqual([
      'invalid_silence',
      'at least one matcher must not match the empty string, or the silence would mute every alert: add e.g. alertname="HostDown"',
    ]);
    expect(code(() => h.notifier.silences.create({ ...base, endsAt: T0 }, T0))).toEqual([
      'invalid_silence',
      'the silence would end in the past: set endsAt in the future',
    ]);
    expect(code(() => h.notifier.silences.create({ ...base, createdBy: '' }, T0))).toEqual([
      'invalid_silence',
      'a silence needs createdBy: say who creates it',
    ]);
    expect(code(() => h.notifier.silences.expire('nope', T0))?.[0]).toBe('silence_not_found');
  });
});

describe('acknowledgements and snoozes', () => {
  it('an ack stops repeats until the annotations change', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0, { annotations: { value: '1' } })], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.acknowledge(fpA, 'bob', T0 + MIN);
    expect(h.notifier.alerts(T0 + MIN)[0]).toMatchObject({ state: 'suppressed', acked: { fingerprint: fpA, by: 'bob', at: T0 + MIN } });
    await ticksUntil(T0 + 8 * HOUR + 30 * SEC);
    expect(hook.sent).toHaveLength(1);
    h.notifier.put([firing(A, T0, { annotations: { value: '2' } })], T0 + 8 * HOUR + MIN);
    expect(h.notifier.alerts(T0 + 8 * HOUR + MIN)[0].acked).toBeUndefined();
    // The last notification is long past repeat_interval: it repeats at the next flush.
    await h.tickAt(T0 + 8 * HOUR + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'firing Down@a=firing']);
    expect(hook.sent[1].notification.alerts[0].annotations).toEqual({ value: '2' });
  });

  it('an ack ends when the alert resolves, and the resolution is sent', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.acknowledge(fpA, 'bob', T0 + MIN);
    h.notifier.put([resolved(A, T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
    expect(() => h.notifier.acknowledge(fpA, 'bob', T0 + 6 * MIN)).toThrow('has resolved');
    expect(() => h.notifier.acknowledge('0000000000000000', 'bob', T0 + 6 * MIN)).toThrow('there is no alert 0000000000000000');
  });

  it('an ack also ends when the alert times out, and that resolution is sent (whatever notify_resolved_after_silence says)', async () => {
    h = openHarness(`${CONFIG}notify_resolved_after_silence: false\n`);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0, { endsAt: T0 + 4 * MIN })], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.acknowledge(fpA, 'bob', T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
  });

  it('a snooze holds notifications until its time, then they resume', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    const B = { alertname: 'Full', instance: 'b' };
    h.notifier.put([firing(A, T0), firing(B, T0)], T0);
    h.notifier.snooze(fingerprint(B), T0 + 2 * MIN, 'carol', T0 + SEC);
    await h.tickAt(T0 + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing']);
    h.notifier.snooze(fpA, T0 + 6 * HOUR, 'carol', T0 + MIN);
    expect(h.notifier.alerts(T0 + MIN).find((a) => a.fingerprint === fpA)!.snoozed).toEqual({
      fingerprint: fpA,
      until: T0 + 6 * HOUR,
      by: 'carol',
      at: T0 + MIN,
    });
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'firing Full@b=firing']);
    // Down's repeat was due at 4h5m30s; the snooze holds it until 6h, the next flush is 6h0m30s.
    // Full repeats on its own schedule (first flush strictly after 5m30s + 4h).
    await ticksUntil(T0 + 6 * HOUR - 4 * MIN - 30 * SEC);
    await h.tickAt(T0 + 6 * HOUR + 30 * SEC);
    expect(hook.summary().map((s, i) => [s, (hook.sent[i].at - T0) / SEC])).toEqual([
      ['firing Down@a=firing', 30],
      ['firing Full@b=firing', 5 * 60 + 30],
      ['firing Full@b=firing', 4 * 3600 + 10 * 60 + 30],
      ['firing Down@a=firing', 6 * 3600 + 30],
    ]);
  });
});

describe('resolution of a silenced alert', () => {
  const scenario = async (config: string, silenceFirst = false) => {
    h = openHarness(config);
    const hook = h.fake('team', 'hook');
    if (silenceFirst) h.notifier.silences.create({ matchers: ['alertname=Down'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0);
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    if (!silenceFirst)
      h.notifier.silences.create({ matchers: ['alertname=Down'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0 + MIN);
    h.notifier.put([resolved(A, T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    return hook.summary();
  };

  it('is sent by default, so the receiver is not left with a stale firing alert', async () => {
    expect(await scenario(CONFIG)).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
    expect(h.notifier.groups(h.clock.now)).toEqual([]);
  });

  it('is not sent with notify_resolved_after_silence: false', async () => {
    expect(await scenario(`${CONFIG}notify_resolved_after_silence: false\n`)).toEqual(['firing Down@a=firing']);
    expect(h.notifier.groups(h.clock.now)).toEqual([]);
  });

  it('is not sent when the receiver never heard it fire', async () => {
    expect(await scenario(CONFIG, true)).toEqual([]);
  });

  it('is not sent when the receiver never heard it fire, even beside alerts it did hear of', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    const B = { alertname: 'Down', instance: 'b' };
    h.notifier.silences.create({ matchers: ['instance=a'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0);
    h.notifier.put([firing(A, T0), firing(B, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(A, T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@b=firing']);
  });

  it('is not sent for a later instance the receiver never heard fire', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([resolved(A, T0, T0 + MIN)], T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    h.notifier.silences.create({ matchers: ['instance=a'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0 + 6 * MIN);
    h.notifier.put([firing(A, T0 + 7 * MIN)], T0 + 7 * MIN);
    await h.tickAt(T0 + 7 * MIN + 30 * SEC);
    h.notifier.put([resolved(A, T0 + 7 * MIN, T0 + 8 * MIN)], T0 + 8 * MIN);
    await h.tickAt(T0 + 12 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing', 'resolved Down@a=resolved']);
  });

  it('is sent even when notifications after the silence left the alert out', async () => {
    for (const setting of [true, false]) {
      h = openHarness(`${CONFIG}notify_resolved_after_silence: ${setting}\n`);
      const hook = h.fake('team', 'hook');
      const B = { alertname: 'Down', instance: 'b' };
      h.notifier.put([firing(A, T0), firing(B, T0)], T0);
      await h.tickAt(T0 + 30 * SEC);
      h.notifier.silences.create({ matchers: ['instance=a'], endsAt: T0 + HOUR, createdBy: 'alice', comment: 'x' }, T0 + MIN);
      h.notifier.put([resolved(B, T0, T0 + 2 * MIN)], T0 + 2 * MIN);
      await h.tickAt(T0 + 5 * MIN + 30 * SEC);
      h.notifier.put([resolved(A, T0, T0 + 6 * MIN)], T0 + 6 * MIN);
      await h.tickAt(T0 + 10 * MIN + 30 * SEC);
      await h.tickAt(T0 + 15 * MIN + 30 * SEC);
      expect(hook.summary()).toEqual([
        'firing Down@a=firing,Down@b=firing',
        'resolved Down@b=resolved',
        ...(setting ? ['resolved Down@a=resolved'] : []),
      ]);
      h.close();
    }
  });

  it('is sent for an acknowledged alert, whose ack ended with the resolution', async () => {
    h = openHarness(CONFIG);
    const hook = h.fake('team', 'hook');
    const B = { alertname: 'Down', instance: 'b' };
    h.notifier.put([firing(A, T0), firing(B, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.acknowledge(fpA, 'bob', T0 + MIN);
    h.notifier.put([resolved(B, T0, T0 + 2 * MIN)], T0 + 2 * MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    h.notifier.put([resolved(A, T0, T0 + 6 * MIN)], T0 + 6 * MIN);
    await h.tickAt(T0 + 10 * MIN + 30 * SEC);
    expect(hook.summary()).toEqual(['firing Down@a=firing,Down@b=firing', 'resolved Down@b=resolved', 'resolved Down@a=resolved']);
  });
});
