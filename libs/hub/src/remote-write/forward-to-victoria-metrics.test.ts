// A real hub forwarding what it stores to a real VictoriaMetrics, read back through VM's
// export and PromQL APIs. Skipped where VictoriaMetrics is not installed, except under
// CI=true, where that is a failure (scripts/install-system-deps.sh installs it).
import { afterEach, describe, expect, it } from 'vitest';
import {
  startVictoriaMetrics,
  victoriaMetricsAvailable,
  type ExportedSeries,
  type VictoriaMetrics,
} from '@metrics-hub/remote-write/testing';
import { freePort, tempDir, waitFor } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { publishAsAgent, testHubConfig } from '../testing/test-hub-config.ts';

const HAVE_VM = victoriaMetricsAvailable();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function vm(port?: number): Promise<VictoriaMetrics> {
  const v = await startVictoriaMetrics(port);
  cleanups.push(() => v.stop());
  return v;
}

async function startHub(dir: string, writeUrl: string, lines: string[] = []): Promise<Hub> {
  const extra = [
    'remote_write:',
    `  - url: ${writeUrl}`,
    '    name: vm',
    '    shards: 3',
    '    max_samples_per_send: 250',
    '    batch_send_deadline: 50ms',
    '    min_backoff: 20ms',
    '    max_backoff: 200ms',
  ];
  const hub = await Hub.start(testHubConfig(dir, extra), { log: (l) => lines.push(l) });
  cleanups.push(() => hub.stop().catch(() => undefined));
  return hub;
}

/** Three series of `n` samples each, one per second ending a minute ago, awkward values included. */
function agentSeries(n: number, end = Date.now() - 60_000) {
  const start = Math.floor(end / 1000) * 1000 - n * 1000;
  return [0, 1, 2].map((k) => {
    const timestamps = Float64Array.from({ length: n }, (_, i) => start + i * 1000);
    const values = Float64Array.from({ length: n }, (_, i) => (k === 0 ? i * 0.1 : k === 1 ? -1e15 + i : Math.sin(i) * 1e-7));
    return { labels: { __name__: 'rw_test_value', job: 'node', instance: 'edge-1', k: String(k) }, timestamps, values };
  });
}

async function publishBatch(hub: Hub, series: ReturnType<typeof agentSeries>): Promise<void> {
  // The PUBACK comes after the store (and the queue, in the same transaction) committed.
  await publishAsAgent(hub, 'edge-1', { firstSeq: 1, lastSeq: 1, createdMs: Date.now(), series });
}

/**
 * VictoriaMetrics keeps values as decimal mantissas of 12 significant digits (0.1 + 0.2
 * comes back as 0.3), so values are compared to that precision; timestamps exactly.
 */
function expectSameValues(got: number[], want: Float64Array): void {
  expect(got).toHaveLength(want.length);
  const off = got.findIndex((v, i) => Math.abs(v - want[i]) > 1e-11 * Math.max(Math.abs(v), Math.abs(want[i])));
  expect(off, `value #${off}: ${got[off]} vs ${want[off]}`).toBe(-1);
}

async function exported(v: VictoriaMetrics, match: string, samples: number): Promise<ExportedSeries[]> {
  let got: ExportedSeries[] = [];
  await waitFor(
    async () => {
      await v.flush();
      got = await v.exportSeries(match);
      return got.reduce((a, s) => a + s.values.length, 0) >= samples;
    },
    `${samples} samples of ${match} in VictoriaMetrics`,
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return got.sort((a, b) => a.metric.k.localeCompare(b.metric.k));
}

describe.skipIf(!HAVE_VM)('forwarding to VictoriaMetrics', () => {
  it('sends every sample an agent batch stored; VictoriaMetrics returns the same values', async () => {
    const v = await vm();
    const hub = await startHub(tempDir('hub-rw-', cleanups).path, v.writeUrl);
    const series = agentSeries(600);
    await publishBatch(hub, series);

    const got = await exported(v, '{__name__="rw_test_value"}', 1800);
    expect(got).toHaveLength(3);
    for (let k = 0; k < 3; k++) {
      expect(got[k].metric).toEqual({ __name__: 'rw_test_value', job: 'node', instance: 'edge-1', k: String(k) });
      expect(got[k].timestamps).toEqual([...series[k].timestamps]);
      expectSameValues(got[k].values, series[k].values);
    }
    // PromQL over the forwarded data agrees with the hub's own answer.
    const at = series[0].timestamps[599] / 1000;
    const [sum] = await v.query('sum(rw_test_value)', at);
    const local = (await (
      await fetch(`http://127.0.0.1:${hub.httpAddress.port}/api/v1/query?query=sum(rw_test_value)&time=${at}`)
    ).json()) as { data: { result: { value: [number, string] }[] } };
    expect(Number(sum.value[1])).toBeCloseTo(Number(local.data.result[0].value[1]), 6);

    // The hub's own series go too (written every fleet.up_interval).
    await waitFor(
      async () => (await v.exportSeries('{job="metrics-hub", __name__="metrics_hub_store_series"}')).length > 0,
      "the hub's own metrics",
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await waitFor(() => hub.status().remoteWrite.forward!.endpoints[0].pendingSamples === 0, 'an empty queue');
    const st = hub.status().remoteWrite.forward!;
    expect(st.endpoints[0]).toMatchObject({ name: 'vm', shards: 3, failedRequests: 0, droppedSamples: { rejected: 0, queueFull: 0 } });
    expect(st.endpoints[0].sentSamples).toBeGreaterThanOrEqual(1800);
    const metrics = await (await fetch(`http://127.0.0.1:${hub.httpAddress.port}/metrics`)).text();
    expect(metrics).toMatch(/metrics_hub_remote_write_sent_samples_total\{endpoint="vm"\} \d+/);
  });

  it('queues while VictoriaMetrics is down, keeps the queue across a hub restart, and delivers once it is up', async () => {
    const dir = tempDir('hub-rw-', cleanups).path;
    const port = await freePort();
    const lines: string[] = [];
    const first = await startHub(dir, `http://127.0.0.1:${port}/api/v1/write`, lines);
    const series = agentSeries(400);
    await publishBatch(first, series);
    await waitFor(() => (first.status().remoteWrite.forward!.endpoints[0].failedRequests ?? 0) > 0, 'a failed attempt');
    expect(first.status().remoteWrite.forward!.endpoints[0]).toMatchObject({ state: 'retrying', sentSamples: 0 });
    expect(first.status().remoteWrite.forward!.endpoints[0].pendingSamples).toBeGreaterThanOrEqual(1200);
    expect(first.status().remoteWrite.forward!.endpoints[0].lastError?.message).toMatch(/ECONNREFUSED/);
    expect(lines.some((l) => /remote write to vm: .*ECONNREFUSED.*retrying with backoff/.test(l))).toBe(true);
    await first.stop();

    const v = await vm(port);
    const second = await startHub(dir, v.writeUrl);
    const got = await exported(v, '{__name__="rw_test_value"}', 1200);
    for (let k = 0; k < 3; k++) {
      expect(got[k].timestamps).toEqual([...series[k].timestamps]);
      expectSameValues(got[k].values, series[k].values);
    }
    await waitFor(() => second.status().remoteWrite.forward!.endpoints[0].pendingSamples === 0, 'an empty queue');
  });
});
