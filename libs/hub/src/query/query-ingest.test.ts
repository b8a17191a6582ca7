// A heavy query runs in a worker while the hub goes on with its own work: an agent's batch
// published meanwhile is acknowledged (PUBACK after its commit) before the query ends; the
// queue is bounded and visible in /metrics; a client that goes away stops its query; and
// the time and sample limits keep Prometheus's errors through the pool.
import { describe, expect, it } from 'vitest';
import { waitFor } from '@metrics-hub/testing';
import { publishAsAgent } from '../testing/test-hub-config.ts';
import { busyHub, DAY, END, HEAVY } from './testing/busy-hub.ts';

const busy = busyHub(1);
const { ask, metric } = busy;

describe('queries beside ingest', () => {
  it('acknowledges an agent batch while a heavy query runs, bounds the queue and stops queries whose clients left', async () => {
    const heavy = ask(HEAVY);
    await waitFor(async () => (await metric('metrics_hub_queries_running')) === 1, 'the heavy query to run in a worker');

    // The batch goes through the embedded broker: the PUBACK comes after its commit.
    await publishAsAgent(busy.hub, 'edge-1', {
      firstSeq: 1,
      lastSeq: 1,
      createdMs: END,
      series: [{ labels: { __name__: 'beside_query', instance: 'edge-1' }, timestamps: Float64Array.of(END), values: Float64Array.of(7) }],
    });
    expect(heavy.settled()).toBe(false);
    expect(busy.hub.store.series([{ type: '=', name: '__name__', value: 'beside_query' }])).toHaveLength(1);

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
