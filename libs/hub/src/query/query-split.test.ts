// A range query that finds other workers idle splits by series across them: it answers as
// the engine does whole on the main thread, is refused for the sample limit only when the
// query whole is, stops every shard when its client goes away, and is answered even when a
// helper dies on its shard (with an error, the pool going on, when its own worker dies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQueryJob, successJson, type QueryJob } from '@metrics-hub/http-api';
import { DEFAULT_LIMITS, Engine } from '@metrics-hub/promql';
import { tempDir, waitFor, type TempDir } from '@metrics-hub/testing';
import { TimeSeriesStore, type AppendSeries } from '@metrics-hub/tsdb';
import { QueryPool, type QueryPoolOptions } from './query-pool.ts';
import { queryWorkerEntry } from './worker-entry.ts';

const HOUR = 3_600_000;
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const retention = { rawMs: 30 * 24 * HOUR, rollup1mMs: 90 * 24 * HOUR, rollup1hMs: 365 * 24 * HOUR };
const encoding = { gzip: false, gzipMinBytes: 1 << 30 };

let dir: TempDir;
let store: TimeSeriesStore;
const pools: QueryPool[] = [];

beforeAll(() => {
  dir = tempDir('query-split-');
  store = TimeSeriesStore.open({ path: dir.file('metrics.db'), retention });
  const series: AppendSeries[] = [];
  for (let h = 0; h < 12; h++) {
    const instance = `host-${h}:9100`;
    const ts = Array.from({ length: (8 * HOUR) / 10_000 }, (_, k) => END - 8 * HOUR + k * 10_000 + ((k * 7919 + h * 104729) % 400));
    for (const mode of ['user', 'system', 'idle']) {
      let c = 0;
      series.push({
        labels: { __name__: 'cpu_seconds_total', instance, mode },
        timestamps: ts,
        values: ts.map((_, k) => (c += ((k * 31 + h) % 13) / 10 + (mode === 'idle' ? 8 : 1))),
      });
    }
    series.push({ labels: { __name__: 'load', instance }, timestamps: ts, values: ts.map((_, k) => ((k * 13 + h * 7) % 97) / 25) });
    series.push({ labels: { __name__: 'mem_total', instance }, timestamps: ts, values: ts.map(() => 8e9) });
    series.push({
      labels: { __name__: 'mem_avail', instance },
      timestamps: ts,
      values: ts.map((_, k) => 4e9 + ((k * 17 + h) % 1000) * 1e6),
    });
  }
  // Sealed chunks for the first hours, the last ones in the heads (read through the writer's snapshot).
  const cut = (from: number, to?: number) =>
    series.map((s) => ({ ...s, timestamps: Array.from(s.timestamps).slice(from, to), values: Array.from(s.values).slice(from, to) }));
  store.append(cut(0, 2000));
  store.flush();
  store.append(cut(2000));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  store.close();
  dir.remove();
});

function pool(o: Partial<QueryPoolOptions> = {}): QueryPool {
  const p = new QueryPool({
    dbPath: dir.file('metrics.db'),
    retention,
    limits: DEFAULT_LIMITS,
    maxConcurrency: 3,
    maxQueued: 8,
    log: () => {},
    ...o,
  });
  pools.push(p);
  return p;
}

function rangeJob(query: string, step = 60): QueryJob {
  return { kind: 'range', query, start: ((END - 6 * HOUR) / 1000) * 1000, end: END, step: step * 1000, limit: 0, format: 'prometheus' };
}

async function ask(p: QueryPool, job: QueryJob, signal = new AbortController().signal) {
  const answer = await p.run(job, { signal, encoding });
  return { status: answer.status, body: JSON.parse(new TextDecoder().decode(answer.body)) };
}

/** The engine's answer, whole, on this thread over the writer. */
function whole(job: QueryJob, engine = new Engine()) {
  const d = runQueryJob(job, engine, store);
  return JSON.parse(successJson(d.dataJson, d.warnings, d.infos));
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

function expectSameMatrix(got: { data: { result: Matrix } }, want: { data: { result: Matrix } }): void {
  expect(got.data.result.map((s) => s.metric)).toEqual(want.data.result.map((s) => s.metric));
  got.data.result.forEach((s, k) => {
    const w = want.data.result[k];
    expect(s.values.map((v) => v[0])).toEqual(w.values.map((v) => v[0]));
    s.values.forEach(([, v], i) => {
      const a = Number(v);
      const b = Number(w.values[i][1]);
      // Partial sums added again may round differently in the last bits.
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    });
  });
}

const QUERIES = [
  'sum by (instance) (rate(cpu_seconds_total{mode!="idle"}[5m]))',
  '1 - avg by (instance) (rate(cpu_seconds_total{mode="idle"}[5m]))',
  '100 * (1 - mem_avail / mem_total)',
  'topk(3, sum by (instance) (rate(cpu_seconds_total[5m])))',
  'count by (mode) (cpu_seconds_total)',
  'quantile_over_time(0.95, load[30m])',
  'load / on (instance) group_left max by (instance) (mem_total / 1e9)',
  'predict_linear(load[1h], 600) > 1.9',
];

describe('a range query split across idle query workers', () => {
  it('answers as the engine does whole, and the pool says it split', async () => {
    const p = pool();
    await p.warm();
    for (const query of QUERIES) {
      const before = p.stats.splits;
      const got = await ask(p, rangeJob(query));
      expect(got.status, JSON.stringify(got.body).slice(0, 300)).toBe(200);
      expect(got.body.data.result.length, query).toBeGreaterThan(0);
      expectSameMatrix(got.body, whole(rangeJob(query)));
      expect(p.stats.splits, `${query} split`).toBe(before + 1);
    }
    expect(p.stats.shards).toBe(3 * QUERIES.length);
    // Asked for stats, a split query adds up its shards': every series was read once, by one of them.
    const withStats = { ...rangeJob(QUERIES[0]), stats: true };
    const split = await ask(p, withStats);
    const samples = (body: { data: { stats: { samples: { totalQueryableSamples: number } } } }) =>
      body.data.stats.samples.totalQueryableSamples;
    expect(samples(split.body)).toBeGreaterThan(0);
    expect(samples(split.body)).toBe(samples(whole(withStats)));
    expect(p.stats.splits).toBe(QUERIES.length + 1);
    // Not split: an instant query, and a range query that has no series-wise part.
    const instant = await ask(p, { kind: 'instant', query: 'sum(load)', time: END, limit: 0 });
    expect(instant.status).toBe(200);
    await ask(p, rangeJob('absent(load{instance="none"})'));
    expect(p.stats.splits).toBe(QUERIES.length + 1);
    expect(p.running).toBe(0);
  });

  it('keeps the sample limit of the query whole: refused when it is, answered when it is not', async () => {
    const query = 'sum by (instance) (rate(cpu_seconds_total[5m]))';
    const job = { ...rangeJob(query), stats: true };
    const peak = JSON.parse(successJson(runQueryJob(job, new Engine(), store).dataJson, [], [])).data.stats.samples.peakSamples as number;
    const p = pool({ limits: { ...DEFAULT_LIMITS, maxSamples: Math.floor(peak * 0.6) } });
    await p.warm();
    const got = await ask(p, rangeJob(query));
    expect(got.body).toMatchObject({ status: 'error', errorType: 'execution' });
    expect(got.body.error).toMatch(/too many samples/);
    expect(p.stats.splits).toBe(1);
    // Split three ways the query holds more (each shard's partial sums, then their merge)
    // than whole: past the limit split, within it whole, it is evaluated whole again.
    const roomy = pool({ limits: { ...DEFAULT_LIMITS, maxSamples: peak + 1 } });
    await roomy.warm();
    const ok = await ask(roomy, rangeJob(query));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expectSameMatrix(ok.body, whole(rangeJob(query)));
    expect(roomy.stats.splits).toBe(1);
  });

  it('stops every shard when the client goes away, and gives the helpers back', async () => {
    const p = pool();
    await p.warm();
    // Smoothing over an 8 h window every 5 s on every series (no window slides from the one
    // before): seconds of work, split three ways.
    const heavy = rangeJob('double_exponential_smoothing({__name__=~"cpu_seconds_total|load"}[8h], 0.5, 0.5)', 5);
    const ac = new AbortController();
    const asked = ask(p, heavy, ac.signal);
    await waitFor(() => p.stats.splits === 1, 'the heavy query to split');
    ac.abort();
    const got = await asked;
    expect(got.body).toMatchObject({ status: 'error', errorType: 'canceled' });
    await waitFor(() => p.running === 0, 'every worker to be free again');
    // The helpers are back: the next query splits over all three again.
    const next = await ask(p, rangeJob(QUERIES[0]));
    expect(next.status).toBe(200);
    expect(p.stats.splits).toBe(2);
    expect(p.stats.shards).toBe(6);
  });

  it('is answered in full when a helper dies on its shard: the query worker evaluates that shard itself', async () => {
    const lines: string[] = [];
    const real = queryWorkerEntry();
    const p = pool({
      maxConcurrency: 2,
      log: (l) => lines.push(l),
      workerEntry: { url: new URL('./testing/dying-helper.ts', import.meta.url), execArgv: real.execArgv },
    });
    await p.warm();
    const got = await ask(p, rangeJob(QUERIES[0]));
    expect(got.status).toBe(200);
    expectSameMatrix(got.body, whole(rangeJob(QUERIES[0])));
    expect(p.stats.splits).toBe(1);
    expect(lines.some((l) => /a query worker stopped \(it exited with code 3\)/.test(l))).toBe(true);
  });

  it('answers with an error when its own worker dies while merging, and goes on with the next query', async () => {
    const lines: string[] = [];
    const real = queryWorkerEntry();
    const p = pool({
      maxConcurrency: 2,
      log: (l) => lines.push(l),
      workerEntry: { url: new URL('./testing/dying-coordinator.ts', import.meta.url), execArgv: real.execArgv },
    });
    await p.warm();
    const got = await ask(p, rangeJob(QUERIES[0]));
    expect(got.status).toBe(500);
    expect(got.body).toMatchObject({ status: 'error', errorType: 'internal' });
    expect(got.body.error).toMatch(/the query worker stopped \(it exited with code 4\).*try again/);
    await waitFor(() => p.running === 0, 'every worker to be free');
    const next = await ask(p, { kind: 'instant', query: 'sum(load)', time: END, limit: 0 });
    expect(next.status).toBe(200);
  });
});
