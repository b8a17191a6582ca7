// A heavy query runs in a worker while the hub goes on with its own work: an agent's batch
// published meanwhile is acknowledged (PUBACK after its commit) before the query ends; the
// queue is bounded and visible in /metrics; a client that goes away stops its query; and
// the time and sample limits keep Prometheus's errors through the pool.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor, type TempDir } from '@metrics-hub/testing';
import type { AppendSeries } from '@metrics-hub/tsdb';
import { Hub } from '../hub.ts';
import { publishAsAgent, testHubConfig } from '../testing/test-hub-config.ts';

const DAY = 86_400_000;
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const q = encodeURIComponent;
// Over a day of 10 s samples of 40 series, a regression over a 1-day window every 30 s:
// about 10^9 compensated additions that no window can slide (Prometheus's exact floats),
// seconds of work on any machine, within the sample limit (345,600 read + 115,240 slots).
const HEAVY = `/api/v1/query_range?query=${q('predict_linear(heavy_load[1d], 0)')}&start=${(END - DAY) / 1000}&end=${END / 1000}&step=30`;

let dir: TempDir;
let hub: Hub;
beforeAll(async () => {
  dir = tempDir('query-ingest-');
  mkdirSync(dir.file('no-rules'));
  // No rules: their queries would share the one worker and its queue, and the counts here.
  hub = await Hub.start(
    testHubConfig(dir.path, [
      'query:',
      '  max_concurrency: 1',
      '  max_queued: 1',
      '  max_samples: 500000',
      'fleet:',
      '  up_interval: 1h',
      'alerting:',
      `  rules: [${dir.file('no-rules')}]`,
    ]),
    { log: () => {} },
  );
  const series: AppendSeries[] = [];
  for (let i = 0; i < 40; i++) {
    const ts = Array.from({ length: DAY / 10_000 }, (_, k) => END - DAY + k * 10_000);
    series.push({ labels: { __name__: 'heavy_load', host: `h${i}` }, timestamps: ts, values: ts.map((_, k) => (k * 7 + i) % 101) });
  }
  hub.store.append(series);
});
afterAll(async () => {
  await hub.stop();
  dir.remove();
});

function url(path: string): string {
  return `http://${hub.httpAddress.host}:${hub.httpAddress.port}${path}`;
}

/** A request that records when it settled; `abort` makes its client go away. */
function ask(path: string): { done: Promise<Response | Error>; settled: () => boolean; abort: () => void } {
  const ac = new AbortController();
  let settled = false;
  const done = fetch(url(path), { signal: ac.signal }).then(
    (r) => {
      settled = true;
      return r;
    },
    (e: Error) => {
      settled = true;
      return e;
    },
  );
  return { done, settled: () => settled, abort: () => ac.abort() };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(url('/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

describe('queries beside ingest', () => {
  it('acknowledges an agent batch while a heavy query runs, bounds the queue and stops queries whose clients left', async () => {
    const heavy = ask(HEAVY);
    await waitFor(async () => (await metric('metrics_hub_queries_running')) === 1, 'the heavy query to run in a worker');

    // The batch goes through the embedded broker: the PUBACK comes after its commit.
    await publishAsAgent(hub, 'edge-1', {
      firstSeq: 1,
      lastSeq: 1,
      createdMs: END,
      series: [{ labels: { __name__: 'beside_query', instance: 'edge-1' }, timestamps: Float64Array.of(END), values: Float64Array.of(7) }],
    });
    expect(heavy.settled()).toBe(false);
    expect(hub.store.series([{ type: '=', name: '__name__', value: 'beside_query' }])).toHaveLength(1);

    // One query may wait; the next is refused with Prometheus's error shape and what to do.
    const waiting = ask(HEAVY);
    await waitFor(async () => (await metric('metrics_hub_queries_queued')) === 1, 'the second query to wait');
    const refused = (await ask('/api/v1/query?query=1').done) as Response;
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as { status: string; errorType: string; error: string };
    expect(body).toMatchObject({ status: 'error', errorType: 'unavailable' });
    expect(body.error).toMatch(/too many queries at once: 1 running and 1 waiting .*raise query\.max_queued in hub\.yaml/);
    expect(await metric('metrics_hub_queries_total{outcome="rejected"}')).toBe(1);

    // Clients that go away: the waiting query leaves the queue, the running one stops.
    waiting.abort();
    await waitFor(async () => (await metric('metrics_hub_queries_queued')) === 0, 'the waiting query to leave the queue');
    heavy.abort();
    await waitFor(async () => (await metric('metrics_hub_queries_running')) === 0, 'the heavy query to stop');
    expect(await metric('metrics_hub_queries_total{outcome="canceled"}')).toBe(2);
    // The worker is free again (the heavy query would have held it for minutes).
    const after = (await ask('/api/v1/query?query=count(heavy_load)').done) as Response;
    expect(after.status).toBe(200);
    expect(await metric('metrics_hub_query_queue_wait_seconds_count')).toBeGreaterThanOrEqual(2);
  });

  it('keeps the timeout and the sample limit as Prometheus reports them', async () => {
    const timedOut = (await ask(`${HEAVY}&timeout=0.3`).done) as Response;
    expect(timedOut.status).toBe(503);
    expect(await timedOut.json()).toMatchObject({ status: 'error', errorType: 'timeout' });
    // 345,600 samples read and as many step slots: past query.max_samples (500,000).
    const tooMany = (await ask(`/api/v1/query_range?query=heavy_load&start=${(END - DAY) / 1000}&end=${END / 1000}&step=10`)
      .done) as Response;
    expect(tooMany.status).toBe(422);
    const body = (await tooMany.json()) as { errorType: string; error: string };
    expect(body.errorType).toBe('execution');
    expect(body.error).toMatch(/^query processing would load too many samples into memory in query execution \(limit 500000\)/);
    expect(await metric('metrics_hub_queries_total{outcome="timeout"}')).toBe(1);
  });
});
