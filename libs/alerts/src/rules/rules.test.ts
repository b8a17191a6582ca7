import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { isStaleNaN } from '@metrics-hub/wire';
import type { Alert } from '../model.ts';
import { parseRuleFile, RuleFileError } from './rule-file.ts';
import { RuleManager } from './rule-manager.ts';
import { restoredActiveAt } from './restore.ts';
import { checkAlertTemplate } from '../template/index.ts';

const MIN = 60_000;

/** A series' values, kept in a Float64Array: a plain array would not keep the staleness NaN's bits. */
function valuesOf(s: { blocks(): Iterable<{ values: Float64Array; length: number }> }): Float64Array {
  const parts = [...s.blocks()].map((b) => b.values.subarray(0, b.length));
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function problemsOf(text: string): string[] {
  try {
    parseRuleFile(text, 'rules.yml', checkAlertTemplate);
  } catch (e) {
    if (e instanceof RuleFileError) return e.problems;
    throw e;
  }
  return [];
}

describe('rule files', () => {
  it('reads alerting and recording rules as Prometheus writes them', () => {
    const f = parseRuleFile(
      [
        'groups:',
        '  - name: node',
        '    interval: 30s',
        '    rules:',
        '      - record: instance:load:avg',
        '        expr: avg by (instance) (load)',
        '      - alert: HighLoad',
        '        expr: instance:load:avg > 2',
        '        for: 10m',
        '        keep_firing_for: 1m',
        '        labels: { severity: warning }',
        '        annotations:',
        '          summary: "{{ $labels.instance }} is loaded"',
      ].join('\n'),
      'rules.yml',
    );
    expect(f.groups[0]).toMatchObject({ name: 'node', intervalMs: 30_000 });
    expect(f.groups[0].rules.map((r) => [r.kind, r.name, r.line])).toEqual([
      ['record', 'instance:load:avg', 5],
      ['alert', 'HighLoad', 7],
    ]);
    expect(f.groups[0].rules[1]).toMatchObject({
      forMs: 10 * MIN,
      keepFiringForMs: MIN,
      labels: { severity: 'warning' },
      annotations: { summary: '{{ $labels.instance }} is loaded' },
    });
  });

  it('names file, line, group and rule for every problem at once', () => {
    expect(
      problemsOf(
        [
          'groups:',
          '  - name: g',
          '    rules:',
          '      - alert: A',
          '        expr: rate(x[5m]',
          '      - record: bad name',
          '        expr: up',
          '      - alert: B',
          '        expr: up',
          '        for: 5 minutes',
          '        lables: {}',
          '      - expr: up',
          '  - name: g',
          '    rules: []',
        ].join('\n'),
      ),
    ).toEqual([
      'rules.yml:5: group "g", rule #1 (alert A): expr: 1:11: parse error: unexpected end of input, expected ")"',
      'rules.yml:6: group "g", rule #2 (record bad name): "bad name" is not a valid metric name: use letters, digits, _ and :',
      expect.stringMatching(
        /^rules\.yml:11: unknown key "lables" in group "g", rule #3 \(alert B\): did you mean "labels"\? Known keys are alert, expr, for, keep_firing_for, labels, annotations$/,
      ),
      expect.stringMatching(
        /^rules\.yml:10: group "g", rule #3 \(alert B\): for must be a duration like 30s, 5m or 1h30m \(got "5 minutes"\)/,
      ),
      expect.stringMatching(/^rules\.yml:12: group "g", rule #4: needs exactly one of "alert:"/),
      'rules.yml:13: group "g": the name is used twice in this file: group names must be unique per file',
    ]);
    expect(
      problemsOf(
        [
          'groups:',
          '  - name: t',
          '    rules:',
          '      - alert: T',
          '        expr: up == 0',
          '        annotations:',
          '          summary: "{{ $labels.instance "',
        ].join('\n'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^rules\.yml:7: group "t", rule #1 \(alert T\): annotations: template of "summary": template: __alert:1:1: unclosed action/,
      ),
    ]);
    expect(problemsOf('groups: [\n')[0]).toMatch(/^rules\.yml:\d+: .*fix the YAML syntax$/);
    expect(problemsOf('rules: []\n')[0]).toBe('rules.yml:1: unknown key "rules": known keys are groups');
  });
});

function setup(ruleText: string, dir = mkdtempSync(join(tmpdir(), 'rules-')), o: { async?: boolean } = {}) {
  if (!dirs.includes(dir)) dirs.push(dir);
  writeFileSync(join(dir, 'rules.yml'), ruleText);
  const store = TimeSeriesStore.open({ path: join(dir, 'm.db') });
  const sent: { at: number; alerts: Alert[] }[] = [];
  const log: string[] = [];
  const engine = new Engine();
  const manager = new RuleManager(store.database, {
    engine,
    queryable: store,
    // As the hub's query workers answer: later, on another turn of the event loop.
    ...(o.async && {
      query: (expr: string, t: number) =>
        new Promise((resolve, reject) =>
          setImmediate(() => {
            try {
              resolve(engine.instantQuery(store, expr, t).data);
            } catch (e) {
              reject(e);
            }
          }),
        ),
    }),
    appender: store,
    notify: (alerts, at) => sent.push({ at, alerts }),
    paths: [join(dir, 'rules.yml')],
    defaultIntervalMs: MIN,
    log: (l) => log.push(l),
  });
  const load = (t: number, v: number) => store.append([{ labels: { __name__: 'load', instance: 'a' }, timestamps: [t], values: [v] }]);
  const stateAt = () => (manager.alertsApi() as { alerts: { state: string; activeAt: string }[] }).alerts;
  return { dir, store, manager, sent, log, load, stateAt };
}

const HIGH_LOAD = [
  'groups:',
  '  - name: g',
  '    rules:',
  '      - alert: HighLoad',
  '        expr: load > 2',
  '        for: 10m',
  '        labels: { severity: page }',
  '        annotations: { summary: "{{ $labels.instance }} at {{ $value }}" }',
].join('\n');

describe('alert state machine', () => {
  it('goes pending, fires after `for`, resolves, and writes ALERTS as it goes', () => {
    const { store, manager, sent, load, stateAt } = setup(HIGH_LOAD);
    for (let m = 0; m <= 14; m++) {
      load(T0 + m * MIN, m <= 11 ? 5 : 1);
      manager.tick(T0 + m * MIN + 1000);
      if (m === 0) expect(stateAt()).toEqual([expect.objectContaining({ state: 'pending', activeAt: new Date(T0).toISOString() })]);
      if (m === 9) expect(stateAt()[0].state).toBe('pending');
      if (m === 10) expect(stateAt()[0].state).toBe('firing');
      if (m === 12) expect(stateAt()).toEqual([]);
    }
    // Sent when it fired (at 10 m) and then every resend delay (1 m, here every evaluation);
    // once resolved (at 12 m), re-sent as resolved for 15 minutes, as Prometheus does.
    expect(sent.map((s) => [(s.at - 1000 - T0) / MIN, s.alerts[0].endsAt > s.at ? 'firing' : 'resolved'])).toEqual([
      [10, 'firing'],
      [11, 'firing'],
      [12, 'resolved'],
      [13, 'resolved'],
      [14, 'resolved'],
    ]);
    expect(sent[0].alerts[0]).toMatchObject({
      labels: { alertname: 'HighLoad', instance: 'a', severity: 'page' },
      annotations: { summary: 'a at 5' },
      startsAt: T0 + 10 * MIN,
    });
    const alerts = store.select([{ name: '__name__', type: '=', value: 'ALERTS' }], 0, Infinity);
    const byState = Object.fromEntries(alerts.map((s) => [s.labels.alertstate, valuesOf(s)]));
    expect(Array.from(byState.pending.slice(0, 10))).toEqual(Array(10).fill(1));
    expect(isStaleNaN(byState.pending[10])).toBe(true);
    expect(Array.from(byState.firing.slice(0, 2))).toEqual([1, 1]);
    expect(isStaleNaN(byState.firing[2])).toBe(true);
  });

  it('keeps firing for keep_firing_for after the condition clears', () => {
    const { manager, load, stateAt } = setup(HIGH_LOAD.replace('for: 10m', 'for: 0s\n        keep_firing_for: 3m'));
    load(T0, 5);
    manager.tick(T0);
    expect(stateAt()[0].state).toBe('firing');
    for (let m = 1; m <= 4; m++) {
      load(T0 + m * MIN, 0);
      manager.tick(T0 + m * MIN);
      expect(stateAt().length).toBe(m < 4 ? 1 : 0);
    }
  });

  it('restores the for clock after a restart: pending 8 of 10 minutes fires 2 minutes after it', () => {
    const first = setup(HIGH_LOAD);
    for (let m = 0; m <= 8; m++) {
      first.load(T0 + m * MIN, 5);
      first.manager.tick(T0 + m * MIN);
    }
    expect(first.stateAt()[0].state).toBe('pending');
    first.store.close();
    // Down for 30 s; the data keeps saying "high".
    const again = setup(HIGH_LOAD, first.dir);
    const back = T0 + 8 * MIN + 30_000;
    for (let m = 0; m <= 3; m++) {
      const t = back + m * MIN;
      again.load(t, 5);
      again.manager.tick(t);
      expect([m, again.stateAt()[0].state]).toEqual([m, m < 2 ? 'pending' : 'firing']);
    }
  });

  it('restores a firing alert as firing, and starts afresh after an outage longer than the tolerance', () => {
    const first = setup(HIGH_LOAD);
    for (let m = 0; m <= 11; m++) {
      first.load(T0 + m * MIN, 5);
      first.manager.tick(T0 + m * MIN);
    }
    first.store.close();
    const again = setup(HIGH_LOAD, first.dir);
    again.load(T0 + 13 * MIN, 5);
    again.manager.tick(T0 + 13 * MIN);
    expect(again.stateAt()).toEqual([expect.objectContaining({ state: 'firing', activeAt: new Date(T0).toISOString() })]);
    again.store.close();
    const late = setup(HIGH_LOAD, first.dir);
    late.load(T0 + 3 * 60 * MIN, 5);
    late.manager.tick(T0 + 3 * 60 * MIN);
    expect(late.stateAt()).toEqual([expect.objectContaining({ state: 'pending', activeAt: new Date(T0 + 3 * 60 * MIN).toISOString() })]);
  });

  it("keeps a pending alert's clock when its file is edited and reloaded", () => {
    const { dir, manager, load, stateAt } = setup(HIGH_LOAD);
    for (let m = 0; m <= 5; m++) {
      load(T0 + m * MIN, 5);
      manager.tick(T0 + m * MIN);
    }
    writeFileSync(join(dir, 'rules.yml'), `${HIGH_LOAD}\n      - record: load:copy\n        expr: load\n`);
    expect(manager.reload(true)).toEqual([{ file: join(dir, 'rules.yml'), error: undefined }]);
    for (let m = 6; m <= 10; m++) {
      load(T0 + m * MIN, 5);
      manager.tick(T0 + m * MIN);
    }
    expect(stateAt()).toEqual([expect.objectContaining({ state: 'firing', activeAt: new Date(T0).toISOString() })]);
  });

  it('after a restart in the inactive or resolved state, nothing comes back', () => {
    const immediate = HIGH_LOAD.replace('for: 10m', 'for: 0s');
    const first = setup(immediate);
    first.load(T0, 5);
    first.manager.tick(T0);
    first.load(T0 + MIN, 0);
    first.manager.tick(T0 + MIN);
    expect(first.stateAt()).toEqual([]);
    const sentBefore = first.sent.length;
    first.store.close();
    const again = setup(immediate, first.dir);
    again.load(T0 + 2 * MIN, 0);
    again.manager.tick(T0 + 2 * MIN);
    expect(again.stateAt()).toEqual([]);
    expect(again.sent).toEqual([]);
    expect(sentBefore).toBe(2); // firing, then resolved
  });

  it("follows Prometheus's restore arithmetic at the grace period edges", () => {
    const o = { forGracePeriodMs: 10 * MIN, outageToleranceMs: 60 * MIN };
    // Remaining 2 m < grace 10 m: fires 10 m after the restart.
    expect(restoredActiveAt(T0, T0 + 8 * MIN, T0 + 9 * MIN, 10 * MIN, o)).toBe(T0 + 9 * MIN + 10 * MIN - 10 * MIN);
    // for 5 m is under the grace period: starts over.
    expect(restoredActiveAt(T0, T0 + 2 * MIN, T0 + 3 * MIN, 5 * MIN, o)).toBeUndefined();
    // Remaining 20 m: the downtime (5 m) is added.
    expect(restoredActiveAt(T0, T0 + 10 * MIN, T0 + 15 * MIN, 30 * MIN, o)).toBe(T0 + 5 * MIN);
  });
});

describe('recording rules and reloads', () => {
  it('records series, marks them stale when they go away, and keeps the last good file on a broken reload', () => {
    const { dir, store, manager, log } = setup(
      ['groups:', '  - name: rec', '    rules:', '      - record: load:doubled', '        expr: load * 2'].join('\n'),
    );
    const loadAt = (t: number) => store.append([{ labels: { __name__: 'load', instance: 'a' }, timestamps: [t], values: [3] }]);
    loadAt(T0);
    manager.tick(T0);
    writeFileSync(join(dir, 'rules.yml'), 'groups:\n  - name: rec\n    rules:\n      - record: load:doubled\n        expr: load * (\n');
    expect(manager.reload(true)[0].error).toMatch(/rules\.yml:5: group "rec", rule #1 \(record load:doubled\): expr:/);
    expect(log.join('\n')).toContain('its last good version keeps running');
    manager.tick(T0 + MIN);
    // The data goes away (beyond the 5 m lookback): the recorded series gets a stale marker.
    manager.tick(T0 + 10 * MIN);
    const s = store.select([{ name: '__name__', type: '=', value: 'load:doubled' }], 0, Infinity)[0];
    const values = valuesOf(s);
    expect(Array.from(values.slice(0, 2))).toEqual([6, 6]);
    expect(isStaleNaN(values[2])).toBe(true);
    expect((manager.rulesApi() as { groups: { rules: { health: string }[] }[] }).groups[0].rules[0].health).toBe('ok');
  });
});

describe('default rules', () => {
  const file = new URL('../../rules/default.rules.yml', import.meta.url).pathname;

  it('parse, and cover host down, CPU, memory, disk filling, clock skew and the agent buffer', () => {
    const parsed = parseRuleFile(readFileSync(file, 'utf8'), file);
    expect(parsed.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual([
      'HostDown',
      'HostHighCpuLoad',
      'HostLowMemory',
      'HostDiskWillFillIn24Hours',
      'HostDiskAlmostFull',
      'HostClockSkew',
      'AgentBufferBacklog',
      'AgentLosingData',
    ]);
  });

  it('HostDown fires 2 minutes after an agent stops being up, and the disk rule sees a filling disk', () => {
    const { store, manager, stateAt } = setup(readFileSync(file, 'utf8'));
    const fs = { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/', instance: 'web-1', job: 'node' };
    for (let m = 0; m <= 7 * 60; m += 1) {
      const t = T0 + m * MIN;
      const avail = 20e9 - (m * 1e9) / 60; // 1 GB an hour off a 100 GB disk at 20% free
      store.append([
        { labels: { __name__: 'up', job: 'node', instance: 'web-1' }, timestamps: [t], values: [m < 6 * 60 ? 1 : 0] },
        { labels: { ...fs, __name__: 'node_filesystem_avail_bytes' }, timestamps: [t], values: [avail] },
        { labels: { ...fs, __name__: 'node_filesystem_size_bytes' }, timestamps: [t], values: [100e9] },
        { labels: { ...fs, __name__: 'node_filesystem_readonly' }, timestamps: [t], values: [0] },
      ]);
      manager.tick(t);
    }
    const firing = stateAt().filter((a) => a.state === 'firing') as unknown as { labels: Record<string, string> }[];
    expect(firing.map((a) => a.labels.alertname).sort()).toEqual(['HostDiskWillFillIn24Hours', 'HostDown']);
  });
});

describe('rules through an asynchronous query (as the hub runs them, in its query workers)', () => {
  it('record, alert, fail and resend exactly as rules evaluated on the engine do', async () => {
    const rules = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - record: load:doubled',
      '        expr: load * 2',
      // Sees the rule before it at the same instant.
      '      - alert: HighLoad',
      '        expr: load:doubled > 4',
      '        for: 3m',
      '      - record: broken',
      // Two right-hand series for one match group: an error at every evaluation.
      '        expr: vector(1) + on () group_left () (load or label_replace(load, "instance", "b", "", ""))',
    ].join('\n');
    const sync = setup(rules);
    const async = setup(rules, undefined, { async: true });
    for (let m = 0; m <= 12; m++) {
      for (const r of [sync, async]) r.load(T0 + m * MIN, m <= 8 ? 5 : 1);
      const pending = async.manager.tick(T0 + m * MIN + 1000);
      expect(pending).toBeInstanceOf(Promise);
      await pending;
      expect(sync.manager.tick(T0 + m * MIN + 1000)).toBeUndefined();
      expect(async.stateAt(), `minute ${m}`).toEqual(sync.stateAt());
    }
    const contents = (r: typeof sync) =>
      Object.fromEntries(
        r.store
          .select([{ name: '__name__', type: '=~', value: 'ALERTS|load:doubled' }], 0, Infinity)
          .map((s) => [JSON.stringify(s.labels), Array.from(valuesOf(s), (v) => (isStaleNaN(v) ? 'stale' : v))]),
      );
    expect(contents(async)).toEqual(contents(sync));
    expect(Object.keys(contents(sync))).toHaveLength(3);
    expect(async.sent).toEqual(sync.sent);
    expect(async.sent.length).toBeGreaterThan(0);
    const health = (r: typeof sync) => r.manager.groupList()[0].rules.map((x) => [x.name, x.health, x.lastError]);
    expect(health(async)).toEqual(health(sync));
    expect(health(sync)[2][1]).toBe('err');
    for (const r of [sync, async]) r.store.close();
  });
});
