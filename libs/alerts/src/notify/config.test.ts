import { describe, expect, it } from 'vitest';
import { checkNotifierConfig, parseNotifierConfig, type NotifierConfig } from './config.ts';

function parse(text: string): NotifierConfig {
  const r = parseNotifierConfig(text, 'am.yml');
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.config;
}

function problems(text: string): string[] {
  const r = parseNotifierConfig(text, 'am.yml');
  return r.ok ? [] : r.problems;
}

describe('notifier config', () => {
  it('reads Alertmanager YAML: routes, receivers kept opaque, inhibit rules, product settings', () => {
    const c = parse(`
global:
  smtp_smarthost: mail:25
route:
  receiver: ops
  group_by: [alertname, cluster]
  group_wait: 10s
  routes:
    - matchers: ['severity=~"critical|page"']
      receiver: pager
      continue: true
      repeat_interval: 1h30m
    - match: { team: db }
      match_re: { env: prod|stage }
receivers:
  - name: ops
    webhook_configs:
      - url: http://ops.example/hook
        send_resolved: false
    email_configs:
      - to: ops@example.com
  - name: pager
    slack_configs: [{ channel: '#pager' }]
    desktop_configs: [{}]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    source_match: { kind: outage }
    equal: [cluster]
notify_resolved_after_silence: false
`);
    expect(c.route.receiver).toBe('ops');
    expect(c.route.groupBy).toEqual(['alertname', 'cluster']);
    expect(c.route.groupWait).toBe(10_000);
    expect(c.route.groupInterval).toBeUndefined();
    expect(c.route.routes[0]).toMatchObject({
      receiver: 'pager',
      continue: true,
      repeatInterval: 5_400_000,
      matchers: [{ type: '=~', name: 'severity', value: 'critical|page' }],
    });
    expect(c.route.routes[1].matchers).toEqual([
      { type: '=', name: 'team', value: 'db' },
      { type: '=~', name: 'env', value: 'prod|stage' },
    ]);
    expect(c.receivers.map((r) => [r.name, r.integrations.map((i) => [i.kind, i.sendResolved, i.config])])).toEqual([
      [
        'ops',
        [
          ['webhook', false, { url: 'http://ops.example/hook', send_resolved: false }],
          ['email', true, { to: 'ops@example.com' }],
        ],
      ],
      [
        'pager',
        [
          ['slack', true, { channel: '#pager' }],
          ['desktop', true, {}],
        ],
      ],
    ]);
    expect(c.inhibitRules).toEqual([
      {
        sourceMatchers: [
          { type: '=', name: 'severity', value: 'critical' },
          { type: '=', name: 'kind', value: 'outage' },
        ],
        targetMatchers: [{ type: '=', name: 'severity', value: 'warning' }],
        equal: ['cluster'],
        at: 'am.yml:26',
      },
    ]);
    expect(c.notifyResolvedAfterSilence).toBe(false);
    expect(c.global).toEqual({ smtp_smarthost: 'mail:25' });
  });

  it('defaults notify_resolved_after_silence to true', () => {
    expect(parse('route: { receiver: a }\nreceivers: [{ name: a }]\n').notifyResolvedAfterSilence).toBe(true);
  });

  it('names the file, the line and the fix for each mistake, all at once', () => {
    expect(
      problems(`route:
  receiver: ops
  group_wait: 30
  routes:
    - receiver: pagr
      matchers: ['severity=~"crit']
    - group_intervall: 5m
receivers:
  - name: ops
    pagerduty_configs: [{ service_key: x }]
  - name: pager
    webhook_configs: [{ url: x, send_resolved: yes }]
`),
    ).toEqual([
      'am.yml:10: receiver "ops": pagerduty_configs is not supported: use webhook_configs, email_configs, slack_configs, desktop_configs',
      'am.yml:12: receiver "pager": webhook_configs[0].send_resolved must be true or false (got "yes"): whether resolved alerts are sent too',
      'am.yml:3: route.group_wait must be a duration like 30s, 5m or 1h30m (got 30): how long a new group waits for more alerts before its first notification',
      'am.yml:6: route.routes[0].matchers[0]: bad matcher "severity=~\\"crit": a quoted string is not closed: write matchers like severity=~"critical|warning" or alertname="HostDown"',
      'am.yml:7: unknown key "route.routes[1].group_intervall": did you mean "group_interval"? Known keys are receiver, group_by, group_wait, group_interval, repeat_interval, matchers, match, match_re, continue, routes',
      'am.yml:5: route receiver "pagr" is not defined: add a receiver with that name under receivers, or use one of ops, pager',
    ]);
  });

  it('names nested keys by their path and suggests the key a typo meant', () => {
    expect(
      problems(`route:
  receiver: ops
  routes:
    - receiver: ops
      match: { "bad name": x }
      group_wait: 5x
receivers:
  - name: ops
    webhook_config: [{ url: http://x }]
inhibit_rules:
  - source_matchers: [a=b]
    equals: [cluster]
`),
    ).toEqual([
      'am.yml:9: unknown key "webhook_config" in receiver "ops": did you mean "webhook_configs"? Known keys are name, webhook_configs, email_configs, slack_configs, desktop_configs',
      'am.yml:6: route.routes[0].group_wait must be a duration like 30s, 5m or 1h30m (got "5x"): how long a new group waits for more alerts before its first notification',
      'am.yml:5: route.routes[0].match: "bad name" is not a valid label name: use letters, digits and _, not starting with a digit',
      'am.yml:12: unknown key "inhibit_rules[0].equals": did you mean "equal"? Known keys are source_matchers, target_matchers, source_match, source_match_re, target_match, target_match_re, equal',
    ]);
  });

  it('checks the root route, grouping and intervals', () => {
    expect(
      problems(`route:
  matchers: [team=ops]
  group_by: ['...', alertname]
  repeat_interval: 0
receivers: [{ name: ops }, { name: ops }]
time_intervals: []
`),
    ).toEqual([
      'am.yml:6: time_intervals is not supported: remove the section (use silences for planned quiet times)',
      'am.yml:5: receiver "ops" is defined twice (also at am.yml:5): give each receiver its own name',
      'am.yml:1: the root route needs a receiver: add receiver: <one of ops>',
      'am.yml:2: the root route must not have matchers (it catches every alert): move them to a route under routes',
      "am.yml:3: group_by '...' means every label and cannot be combined with other names: write group_by: ['...'] alone",
      'am.yml:4: repeat_interval cannot be zero: use e.g. 4h',
    ]);
    expect(problems('route: [a]\n')).toEqual([
      'am.yml:1: route must be a mapping with receiver, group_by, matchers, routes, ... (got a list)',
    ]);
    expect(problems('receivers: []\n')).toEqual(['am.yml:1: there is no route: add `route:` with at least `receiver: <name>`']);
    expect(problems('route: {receiver: a\n')[0]).toMatch(/^am\.yml:\d+: .*: fix the YAML syntax$/);
  });

  it('checks a config built in code the same way', () => {
    const config: NotifierConfig = {
      route: {
        receiver: 'x',
        matchers: [],
        continue: false,
        routes: [{ receiver: 'y', matchers: [{ type: '=~', name: 'a', value: '(' }], continue: false, routes: [] }],
      },
      receivers: [{ name: 'x', integrations: [] }],
      inhibitRules: [],
      notifyResolvedAfterSilence: true,
      global: {},
      templates: [],
    };
    expect(checkNotifierConfig(config, 'code')).toEqual([
      'code: route receiver "y" is not defined: add a receiver with that name under receivers, or use one of x',
      expect.stringMatching(/^code: matcher on "a": regex "\(" is invalid/),
    ]);
  });
});
