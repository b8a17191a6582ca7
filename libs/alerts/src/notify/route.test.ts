import { describe, expect, it } from 'vitest';
import { parseNotifierConfig } from './config.ts';
import { buildRouteTree, groupKey, groupLabels, matchRoutes, type Route } from './route.ts';

function tree(yaml: string): Route {
  const r = parseNotifierConfig(yaml, 'am.yml');
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return buildRouteTree(r.config.route);
}

const receivers = `
receivers: [{ name: default }, { name: db }, { name: db-pager }, { name: frontend }, { name: audit }, { name: catchall }]
`;

const root = tree(`
route:
  receiver: default
  group_by: [alertname]
  group_wait: 45s
  routes:
    - receiver: audit
      matchers: [audit="true"]
      continue: true
      group_by: ['...']
    - receiver: db
      matchers: [team=db]
      group_interval: 10m
      routes:
        - receiver: db-pager
          matchers: ['severity=~"critical|page"']
          repeat_interval: 1h
        - matchers: [env=stage]
    - receiver: frontend
      match: { team: frontend }
    - receiver: catchall
      matchers: [team=~".+"]
${receivers}`);

const names = (labels: Record<string, string>) => matchRoutes(root, labels).map((r) => r.receiver);

describe('the routing tree', () => {
  it('sends an alert down the first matching branch, to the deepest match', () => {
    expect(names({ alertname: 'X', team: 'db', severity: 'critical' })).toEqual(['db-pager']);
    expect(names({ alertname: 'X', team: 'db', severity: 'warning' })).toEqual(['db']);
    expect(names({ alertname: 'X', team: 'frontend' })).toEqual(['frontend']);
    // first match wins: catchall also matches team=frontend, but frontend does not continue
    expect(names({ alertname: 'X', team: 'other' })).toEqual(['catchall']);
    expect(names({ alertname: 'X' })).toEqual(['default']);
  });

  it('goes on to later siblings after a route with continue', () => {
    expect(names({ alertname: 'X', audit: 'true', team: 'db', severity: 'page' })).toEqual(['audit', 'db-pager']);
    expect(names({ alertname: 'X', audit: 'true' })).toEqual(['audit']);
  });

  it('inherits every unset setting from the parent, and Alertmanager defaults at the root', () => {
    const [pager] = matchRoutes(root, { team: 'db', severity: 'page' });
    expect([pager.groupBy, pager.groupWait, pager.groupInterval, pager.repeatInterval]).toEqual([
      ['alertname'],
      45_000,
      600_000,
      3_600_000,
    ]);
    const [stage] = matchRoutes(root, { team: 'db', env: 'stage' });
    expect([stage.receiver, stage.groupInterval, stage.repeatInterval]).toEqual(['db', 600_000, 4 * 3_600_000]);
    expect([root.groupWait, root.groupInterval, root.repeatInterval]).toEqual([45_000, 300_000, 14_400_000]);
    const bare = tree(`route: { receiver: default }${receivers}`);
    expect([bare.groupBy, bare.groupByAll, bare.groupWait, bare.groupInterval, bare.repeatInterval]).toEqual([
      [],
      false,
      30_000,
      300_000,
      14_400_000,
    ]);
  });

  it('groups by the listed labels an alert has, or by all of them with ...', () => {
    const labels = { alertname: 'Down', instance: 'a', audit: 'true' };
    // Matching only a route with continue is still a match: the parent does not get it too.
    const [audit, more] = matchRoutes(root, labels);
    expect(more).toBeUndefined();
    expect(groupLabels(audit, labels)).toEqual(labels);
    expect(groupLabels(root, labels)).toEqual({ alertname: 'Down' });
    expect(groupLabels(root, { instance: 'a' })).toEqual({});
  });

  it('keys groups the way Alertmanager does: route path of matchers, then the group labels', () => {
    const [pager] = matchRoutes(root, { alertname: 'Down', team: 'db', severity: 'page' });
    expect(pager.key).toBe('{}/{team="db"}/{severity=~"critical|page"}');
    expect(pager.id).toBe('{}/{team="db"}/1/{severity=~"critical|page"}/0');
    expect(groupKey(pager, { alertname: 'Down' })).toBe('{}/{team="db"}/{severity=~"critical|page"}:{alertname="Down"}');
    const plain = tree(`route: { receiver: default, routes: [{ receiver: db }] }${receivers}`);
    expect(groupKey(matchRoutes(plain, { alertname: 'x' })[0], { alertname: 'x' })).toBe('{}/{}:{alertname="x"}');
  });
});
