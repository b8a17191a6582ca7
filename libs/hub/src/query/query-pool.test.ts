// Queries in the hub's worker pool answer byte for byte what the engine on the main thread
// answers over the same store: sealed chunks, rollups, heads, late samples, and after
// seals and journal truncation between queries; and limits keep Prometheus's errors.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Form, instantJob, rangeJob, runQueryJob, successJson } from '@metrics-hub/http-api';
import { tempDir, waitFor, type TempDir } from '@metrics-hub/testing';
import type { AppendSeries } from '@metrics-hub/tsdb';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const HOUR = 3_600_000;
// Two hours past a window boundary, so that the data spans sealed windows and open heads.
const NOW = Date.UTC(2026, 0, 10, 12, 30);

let dir: TempDir;
let hub: Hub;
beforeAll(async () => {
  dir = tempDir('query-pool-');
  // A rule that reads what the rule before it recorded at the same instant.
  writeFileSync(
    dir.file('chain.yml'),
    [
      'groups:',
      '  - name: chain',
      '    interval: 1m',
      '    rules:',
      '      - record: pool:load:sum',
      '        expr: sum(pool_load)',
      '      - record: pool:load:sum_doubled',
      '        expr: pool:load:sum * 2',
    ].join('\n'),
  );
  hub = await Hub.start(testHubConfig(dir.path, ['query:', '  max_concurrency: 2', 'alerting:', `  rules: [${dir.file('chain.yml')}]`]), {
    now: () => NOW,
    log: () => {},
  });
});
afterAll(async () => {
  await hub.stop();
  dir.remove();
});

/** Samples every 10 s over [from, to) for 6 counters and 6 gauges; `skew` shifts them (late samples land in the gaps). */
function samples(from: number, to: number, skew = 0): AppendSeries[] {
  const out: AppendSeries[] = [];
  for (let i = 0; i < 6; i++) {
    const ts: number[] = [];
    for (let t = from + skew; t < to; t += 10_000) ts.push(t);
    out.push({
      labels: { __name__: 'pool_requests_total', i: String(i) },
      timestamps: ts,
      values: ts.map((t) => Math.floor(t / 1000) * (i + 1)),
    });
    out.push({ labels: { __name__: 'pool_load', i: String(i) }, timestamps: ts, values: ts.map((t) => ((t / 10_000) % 17) * 0.25 + i) });
  }
  return out;
}

const QUERIES = [
  'pool_load',
  'rate(pool_requests_total[5m])',
  'sum by (i) (rate(pool_requests_total[1h]))',
  'avg_over_time(pool_load[10m])',
  'count_over_time(pool_load[30m])',
  'quantile_over_time(0.5, pool_load[15m]) > 1',
  'max(pool_load) - min(pool_load offset 3h)',
  'histogram_quantile(0.9, pool_load)',
  'sort_desc(topk(2, pool_load))',
  'count_over_time(pool_fast[10m])',
];

async function viaPool(path: string, params: Record<string, string>): Promise<{ status: number; text: string; encoding: string | null }> {
  const { host, port } = hub.httpAddress;
  const res = await fetch(`http://${host}:${port}/api/v1/${path}?${new URLSearchParams(params)}`, {
    headers: { 'accept-encoding': 'gzip' },
  });
  return { status: res.status, text: await res.text(), encoding: res.headers.get('content-encoding') };
}

/** What the engine on this thread answers over the writer's own state. */
function inProcess(path: 'query' | 'query_range', params: Record<string, string>): string {
  const form = new Form(new URLSearchParams(params));
  const job = path === 'query' ? instantJob(form, NOW) : rangeJob(form);
  const d = runQueryJob(job, hub.engine, hub.store);
  return successJson(d.dataJson, d.warnings, d.infos);
}

async function expectSameAnswers(when: string): Promise<void> {
  for (const query of QUERIES) {
    for (const [path, params] of [
      ['query', { query, time: String(NOW / 1000) }],
      ['query', { query, time: String((NOW - 2.5 * HOUR) / 1000) }],
      ['query_range', { query, start: String((NOW - 6 * HOUR) / 1000), end: String(NOW / 1000), step: '60' }],
      ['query_range', { query, start: String((NOW - 7 * HOUR) / 1000), end: String(NOW / 1000), step: '3600' }],
    ] as const) {
      const got = await viaPool(path, params);
      expect(got.status, `${when}: ${path} ${query} ${got.text.slice(0, 600)}`).toBe(200);
      expect(got.text, `${when}: ${path} ${JSON.stringify(params)}`).toBe(inProcess(path, params));
    }
  }
}

describe('the query pool', () => {
  it('answers as the main thread does, across sealed chunks, heads and late samples, also after seals between queries', async () => {
    // Sealed windows up to 12:00, the open head after it.
    hub.store.append(samples(NOW - 6 * HOUR, NOW - 10 * 60_000));
    // Late samples in the gaps: in late-sample buffers, not sealed yet.
    hub.store.append(samples(NOW - 3 * HOUR, NOW - 2 * HOUR, 5000));
    await expectSameAnswers('heads and late samples');
    // New samples; more late ones; then everything sealed and the journal truncated.
    hub.store.append(samples(NOW - 10 * 60_000, NOW));
    hub.store.append(samples(NOW - 40 * 60_000, NOW - 20 * 60_000, 5000));
    await expectSameAnswers('after more appends');
    // A head that fills (2,048 samples) is sealed while the other heads keep the journal whole.
    const fast = Array.from({ length: 3000 }, (_, k) => NOW - 28 * 60_000 + k * 500);
    hub.store.append([{ labels: { __name__: 'pool_fast' }, timestamps: fast.slice(0, 2000), values: fast.slice(0, 2000) }]);
    await expectSameAnswers('a head about to fill');
    hub.store.append([{ labels: { __name__: 'pool_fast' }, timestamps: fast.slice(2000), values: fast.slice(2000) }]);
    await expectSameAnswers('a head sealed at its sample limit');
    hub.store.flush();
    await expectSameAnswers('after a seal and truncation');
    hub.store.append(samples(NOW - HOUR, NOW - 30 * 60_000, 7000));
    await expectSameAnswers('late samples after the seal');
  });

  it('gzips in the worker, and keeps parse errors as Prometheus words them', async () => {
    const big = await viaPool('query_range', {
      query: 'pool_load',
      start: String((NOW - 6 * HOUR) / 1000),
      end: String(NOW / 1000),
      step: '15',
    });
    expect(big.encoding).toBe('gzip');
    expect(JSON.parse(big.text).status).toBe('success');
    const bad = await viaPool('query', { query: 'sum(' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^\{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": /);
    const notVector = await viaPool('query_range', { query: 'pool_load[5m]', start: '0', end: '60', step: '15' });
    expect(notVector.status).toBe(400);
    expect(JSON.parse(notVector.text).error).toMatch(/invalid expression type "range vector" for range query/);
  });

  it('evaluates rules in the workers: a rule reads what the rule before it recorded at the same instant', async () => {
    const before = hub.queries!.stats.outcomes.success;
    // The next minute on the hub's (fixed) clock; a tick of its own may be running, so ask until ours ran.
    const at = Math.floor(NOW / 60_000) * 60_000 + 60_000;
    await waitFor(async () => {
      await hub.alerting.tick(at);
      return hub.alerting.rules.groupList()[0]?.lastEvaluationMs === at;
    }, 'the chain evaluated at the next minute');
    const value = (name: string) => {
      const [s] = hub.store.select([{ type: '=', name: '__name__', value: name }], at, at);
      return s && [...s.blocks()][0].values[0];
    };
    expect(hub.alerting.rules.groupList()[0].rules.map((r) => r.health)).toEqual(['ok', 'ok']);
    expect(value('pool:load:sum')).toBeGreaterThan(0);
    expect(value('pool:load:sum_doubled')).toBe(2 * value('pool:load:sum')!);
    expect(hub.queries!.stats.outcomes.success).toBeGreaterThanOrEqual(before + 2);
  });
});
