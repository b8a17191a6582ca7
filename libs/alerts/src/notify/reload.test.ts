import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NotifierConfigError } from './config.ts';
import { Notifier } from './notifier.ts';
import { firing, MIN, openHarness, SEC, T0, type Harness } from './testing/notifier-harness.ts';

const TEAM = `
route:
  receiver: team
  group_by: [alertname]
receivers:
  - name: team
    webhook_configs: [{ url: team }]
  - name: ops
    webhook_configs: [{ url: ops }]
`;

let h: Harness;
afterEach(() => h?.close());

const A = { alertname: 'Down', instance: 'a' };

describe('config reload', () => {
  it('refuses a broken config with file:line reasons and keeps the running one', async () => {
    h = openHarness(TEAM);
    const r = h.notifier.reload(
      `route:\n  receiver: nobody\n  group_wait: soon\nreceivers:\n  - name: team\n`,
      '/etc/hub/alertmanager.yml',
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        '/etc/hub/alertmanager.yml:3: route.group_wait must be a duration like 30s, 5m or 1h30m (got "soon"): how long a new group waits for more alerts before its first notification',
        '/etc/hub/alertmanager.yml:2: route receiver "nobody" is not defined: add a receiver with that name under receivers, or use one of team',
      ],
    });
    expect(h.logs.at(-1)).toContain('notifier: config /etc/hub/alertmanager.yml refused, keeping the running one:');
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect(h.fake('team', 'team').summary()).toEqual(['firing Down@a=firing']);
  });

  it("refuses a config whose receiver settings the receivers' factory rejects, naming the line", () => {
    h = openHarness(TEAM);
    const r = h.notifier.reload(
      `${TEAM}  - name: mail\n    email_configs:\n      - to: x\n      - reject: "smarthost is required"\n`,
      'am.yml',
    );
    expect(r).toEqual({ ok: false, problems: ['am.yml:13: receiver "mail" email_configs[1]: smarthost is required'] });
  });

  it('applies a good config: new receivers for existing groups, alerts moved to new routes', async () => {
    h = openHarness(TEAM);
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect(h.notifier.reload(TEAM.replace('receiver: team', 'receiver: ops'), 'am.yml')).toEqual({ ok: true });
    // same route, same group and timer; its new receiver has not heard of the alert
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect(h.fake('ops', 'ops').summary()).toEqual(['firing Down@a=firing']);
    expect(h.notifier.groups(h.clock.now).map((g) => [g.receiver, g.groupKey])).toEqual([['ops', '{}:{alertname="Down"}']]);

    h.notifier.reload(
      TEAM.replace('group_by: [alertname]', 'group_by: [alertname]\n  routes: [{ receiver: team, matchers: [instance=a] }]'),
      'am.yml',
    );
    // the alert started long ago: its new group does not wait group_wait
    await h.tickAt(T0 + 6 * MIN);
    expect(h.notifier.groups(h.clock.now).map((g) => [g.receiver, g.groupKey])).toEqual([['team', '{}/{instance="a"}:{alertname="Down"}']]);
    expect(h.fake('team', 'team').summary()).toEqual(['firing Down@a=firing', 'firing Down@a=firing']);
    expect(h.fake('team', 'team').sent[1].notification.groupKey).toBe('{}/{instance="a"}:{alertname="Down"}');
    expect(h.fake('ops', 'ops').sent).toHaveLength(1);
  });

  it('will not start on a broken config', () => {
    const db = new Database(':memory:');
    let error: unknown;
    try {
      Notifier.open(db, {
        config: 'route: {}\n',
        configFile: 'am.yml',
        integrations: () => ({ kind: 'x', send: async () => {} }),
        externalURL: '',
        log: () => {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotifierConfigError);
    expect((error as NotifierConfigError).problems).toEqual([
      'am.yml:1: the root route needs a receiver: add receiver: <one of the receivers (none defined yet)>',
    ]);
    db.close();
  });
});
