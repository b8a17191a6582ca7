// /api/v1/rules with Prometheus's filters, as Grafana's alert list sends them, over the
// hub's real rule manager (rule files on disk, evaluated on the hub's clock).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

let hub: Hub;
let dir: string;
let base: string;
let nodeFile: string;
let appFile: string;

type Group = { name: string; file: string; rules: { name: string; type: string; alerts?: unknown[] }[] };
async function rules(
  query = '',
): Promise<{ status: number; body: { status: string; data: { groups: Group[]; groupNextToken?: string }; error?: string } }> {
  const res = await fetch(`${base}/api/v1/rules${query ? `?${query}` : ''}`);
  return { status: res.status, body: (await res.json()) as never };
}
const names = (groups: Group[]) => groups.map((g) => `${g.name}:${g.rules.map((r) => r.name).join(',')}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rules-api-'));
  nodeFile = join(dir, 'node.rules.yml');
  appFile = join(dir, 'app.rules.yml');
  writeFileSync(
    nodeFile,
    [
      'groups:',
      '  - name: node',
      '    interval: 1s',
      '    rules:',
      '      - alert: AlwaysFiring',
      '        expr: vector(1)',
      '        labels: { severity: page, team: infra }',
      '      - record: instance:up:sum',
      '        expr: sum(up)',
      '  - name: disks',
      '    interval: 1s',
      '    rules:',
      '      - alert: DiskFull',
      '        expr: vector(0) > 1',
      '        labels: { severity: ticket, team: infra }',
    ].join('\n'),
  );
  writeFileSync(
    appFile,
    [
      'groups:',
      '  - name: app',
      '    interval: 1s',
      '    rules:',
      '      - record: job:requests:rate5m',
      '        expr: sum(rate(requests_total[5m]))',
    ].join('\n'),
  );
  hub = await Hub.start(testHubConfig(join(dir, 'data'), ['alerting:', `  rules: [${nodeFile}, ${appFile}]`]), { log: () => undefined });
  base = `http://127.0.0.1:${hub.httpAddress.port}`;
  // Wait for AlwaysFiring's first evaluation.
  for (let i = 0; i < 50; i++) {
    const r = await rules('type=alert');
    if (r.body.data.groups.some((g) => g.rules.some((x) => x.alerts?.length))) break;
    await new Promise((res) => setTimeout(res, 100));
  }
});
afterAll(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/v1/rules filters', () => {
  it('lists every group, in file then name order', async () => {
    expect(names((await rules()).body.data.groups)).toEqual([
      'app:job:requests:rate5m',
      'disks:DiskFull',
      'node:AlwaysFiring,instance:up:sum',
    ]);
  });

  it('keeps the rules of one type, and drops groups left empty', async () => {
    expect(names((await rules('type=record')).body.data.groups)).toEqual(['app:job:requests:rate5m', 'node:instance:up:sum']);
    expect(names((await rules('type=alert')).body.data.groups)).toEqual(['disks:DiskFull', 'node:AlwaysFiring']);
  });

  it('selects by rule name, group, file and rule labels', async () => {
    const q = (k: string, v: string) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    expect(names((await rules(q('rule_name[]', 'DiskFull'))).body.data.groups)).toEqual(['disks:DiskFull']);
    expect(names((await rules(`${q('rule_group[]', 'node')}&${q('rule_group[]', 'app')}`)).body.data.groups)).toEqual([
      'app:job:requests:rate5m',
      'node:AlwaysFiring,instance:up:sum',
    ]);
    expect(names((await rules(q('file[]', appFile))).body.data.groups)).toEqual(['app:job:requests:rate5m']);
    expect(names((await rules(q('match[]', '{severity="page"}'))).body.data.groups)).toEqual(['node:AlwaysFiring']);
    expect(names((await rules(`${q('match[]', '{severity="page"}')}&${q('match[]', '{severity="ticket"}')}`)).body.data.groups)).toEqual([
      'disks:DiskFull',
      'node:AlwaysFiring',
    ]);
  });

  it('leaves the alerts out when asked', async () => {
    const firing = (await rules('rule_name[]=AlwaysFiring')).body.data.groups[0].rules[0];
    expect(firing.alerts).toHaveLength(1);
    const without = (await rules('rule_name[]=AlwaysFiring&exclude_alerts=true')).body.data.groups[0].rules[0];
    expect(without).not.toHaveProperty('alerts');
  });

  it('pages through the groups with group_limit and group_next_token', async () => {
    const first = await rules('group_limit=2');
    expect(names(first.body.data.groups)).toEqual(['app:job:requests:rate5m', 'disks:DiskFull']);
    const token = first.body.data.groupNextToken!;
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    const second = await rules(`group_limit=2&group_next_token=${token}`);
    expect(names(second.body.data.groups)).toEqual(['node:AlwaysFiring,instance:up:sum']);
    expect(second.body.data).not.toHaveProperty('groupNextToken');
  });

  it('refuses filters it cannot honour, with the reason', async () => {
    for (const [query, error] of [
      ['type=alerts', /unsupported type "alerts"/],
      ['group_limit=0', /group_limit needs to be greater than 0/],
      ['group_limit=2&group_next_token=feed', /invalid group_next_token "feed"/],
      ['exclude_alerts=yes', /invalid parameter "exclude_alerts"/],
      [`${encodeURIComponent('match[]')}=${encodeURIComponent('{severity=')}`, /invalid parameter "match\[\]"/],
    ] as const) {
      const r = await rules(query);
      expect(r.status, query).toBe(400);
      expect(r.body.status).toBe('error');
      expect(r.body.error).toMatch(error);
    }
  });
});
