// The sender against real HTTP servers on 127.0.0.1: failures then recovery, refusals,
// restarts mid-queue, a full queue, several endpoints, TLS and credentials.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificates, tempDir, waitFor } from '@metrics-hub/testing';
import { labelsKey } from '@metrics-hub/wire';
import { RemoteWriter, type RemoteWriterOptions } from './remote-writer.ts';
import type { QueueSeries } from './disk-queue.ts';
import type { RemoteWriteEndpoint } from './endpoint-sender.ts';
import { startRecordingEndpoint, type RecordingEndpoint } from './testing/recording-endpoint.ts';
import { KILL_TEST_T0 } from './testing/kill-test-workload.ts';

const T0 = Date.UTC(2026, 10, 1);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function endpoint(answer?: RecordingEndpoint['answer']): Promise<RecordingEndpoint> {
  const e = await startRecordingEndpoint({ answer });
  cleanups.push(() => e.close());
  return e;
}

function open(
  dir: string,
  endpoints: RemoteWriteEndpoint[],
  extra: Partial<RemoteWriterOptions> = {},
): { writer: RemoteWriter; logs: string[] } {
  const logs: string[] = [];
  const writer = RemoteWriter.open({
    queue: { path: join(dir, 'queue.db'), segmentSamples: 300 },
    endpoints,
    log: (l) => logs.push(l),
    ...extra,
  });
  cleanups.push(() => writer.close());
  return { writer, logs };
}

/** `commits` commits of `series` series, `perCommit` samples each; timestamps ascend per series. */
function workload(series: number, commits: number, perCommit: number): QueueSeries[][] {
  const out: QueueSeries[][] = [];
  for (let c = 0; c < commits; c++) {
    const batch: QueueSeries[] = [];
    for (let s = 0; s < series; s++) {
      const timestamps = Float64Array.from({ length: perCommit }, (_, i) => T0 + (c * perCommit + i) * 1000);
      batch.push({ labels: { __name__: 'load', host: `h${s}` }, timestamps, values: timestamps.map((t) => t / 1000 + s) });
    }
    out.push(batch);
  }
  return out;
}

function expected(commits: QueueSeries[][]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const batch of commits)
    for (const s of batch) out.set(labelsKey(s.labels), [...(out.get(labelsKey(s.labels)) ?? []), ...s.timestamps]);
  return out;
}

const fast = { batchSendDeadlineMs: 20, minBackoffMs: 5, maxBackoffMs: 40 };

describe('remote-write sender', () => {
  it('rides out 503s and a 429: everything arrives exactly once, in order per series, with the protocol headers', async () => {
    const ep = await endpoint((n) =>
      n <= 3
        ? { status: 503, body: 'overloaded' }
        : n === 4
          ? { status: 429, body: 'slow down', headers: { 'retry-after': '0' } }
          : { status: 204 },
    );
    const { writer, logs } = open(tempDir('rw-test-', cleanups).path, [
      {
        url: ep.url,
        shards: 4,
        maxSamplesPerSend: 500,
        auth: { bearerToken: 's3cret' },
        headers: { 'X-Scope-OrgID': 'tenant-1' },
        ...fast,
      },
    ]);
    const commits = workload(12, 10, 50);
    for (const c of commits) writer.write(c);
    await waitFor(() => ep.acceptedSamples() >= 6000 && writer.status().endpoints[0].pendingSamples === 0, 'all samples accepted');

    const got = ep.accepted();
    for (const [key, ts] of expected(commits)) expect(got.get(key)?.t, key).toEqual(ts);
    expect(ep.acceptedSamples()).toBe(6000);
    const st = writer.status().endpoints[0];
    expect(st).toMatchObject({
      sentSamples: 6000,
      failedRequests: 4,
      droppedSamples: { rejected: 0, queueFull: 0 },
      pendingSamples: 0,
      pendingBytes: 0,
      state: 'idle',
      queueFull: false,
    });
    expect(st.lastError?.message).toMatch(/HTTP (503: overloaded|429: slow down)/);
    expect(st.highestSentTimestampMs).toBe(T0 + 499_000);
    expect(Math.max(...ep.requests.map((r) => r.samples))).toBeLessThanOrEqual(500);
    const h = ep.requests[0].headers;
    expect(h).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      authorization: 'Bearer s3cret',
      'x-scope-orgid': 'tenant-1',
    });
    expect(logs.some((l) => /HTTP 503: overloaded; retrying with backoff/.test(l))).toBe(true);
    expect(writer.status().queue).toMatchObject({ segments: 0, samples: 0 });
  });

  it('drops what the endpoint refuses with a 4xx (counted, with the reason) and goes on', async () => {
    const ep = await endpoint((_n, req) =>
      req.series.some((s) => s.labels.host === 'bad') ? { status: 400, body: 'invalid label set' } : { status: 204 },
    );
    const { writer, logs } = open(tempDir('rw-test-', cleanups).path, [
      { url: ep.url, shards: 1, maxSamplesPerSend: 100, ...fast, batchSendDeadlineMs: 5 },
    ]);
    writer.write([{ labels: { __name__: 'x', host: 'bad' }, timestamps: Float64Array.of(T0, T0 + 1), values: Float64Array.of(1, 2) }]);
    await waitFor(() => writer.status().endpoints[0].droppedSamples.rejected === 2, 'the refusal');
    writer.write([{ labels: { __name__: 'x', host: 'good' }, timestamps: Float64Array.of(T0), values: Float64Array.of(1) }]);
    await waitFor(() => ep.acceptedSamples() === 1, 'the next request');
    const st = writer.status().endpoints[0];
    expect(st).toMatchObject({ sentSamples: 1, failedRequests: 0, droppedSamples: { rejected: 2, queueFull: 0 }, pendingSamples: 0 });
    expect(st.lastError?.message).toMatch(/^HTTP 400: invalid label set \(2 samples dropped/);
    expect(ep.requests.filter((r) => r.status === 400)).toHaveLength(1); // not retried
    expect(logs.some((l) => l.includes('2 samples dropped, refused with HTTP 400: invalid label set'))).toBe(true);
  });

  it('closed mid-queue and reopened: the rest is sent, nothing lost, repeats only from the request in flight', async () => {
    const dir = tempDir('rw-test-', cleanups).path;
    const ep = await endpoint(() => ({ status: 204, delayMs: 15 }));
    const config: RemoteWriteEndpoint = { url: ep.url, shards: 2, maxSamplesPerSend: 400, ...fast };
    const first = open(dir, [config]);
    const commits = workload(8, 20, 40);
    for (const c of commits) first.writer.write(c);
    await waitFor(() => ep.requests.length >= 6, 'some requests');
    await first.writer.close();
    const sentBefore = ep.acceptedSamples();
    expect(sentBefore).toBeLessThan(6400);

    const second = open(dir, [config]);
    // Waiting after the restart: everything not acknowledged, which is at least what did not arrive.
    const waiting = second.writer.status().endpoints[0].pendingSamples;
    expect(waiting).toBeGreaterThanOrEqual(6400 - sentBefore);
    expect(waiting).toBeLessThanOrEqual(6400 - sentBefore + config.shards! * config.maxSamplesPerSend!);
    await waitFor(() => second.writer.status().endpoints[0].pendingSamples === 0, 'the rest');

    // Every sample arrived; per series in order once repeats are removed.
    const received = new Map<string, number[]>();
    let total = 0;
    for (const r of ep.requests) {
      for (const s of r.series) {
        const key = labelsKey(s.labels);
        received.set(key, [...(received.get(key) ?? []), ...s.timestamps]);
        total += s.timestamps.length;
      }
    }
    for (const [key, ts] of expected(commits)) {
      const got = received.get(key)!;
      expect(
        [...new Set(got)].sort((a, b) => a - b),
        key,
      ).toEqual(ts);
    }
    // Repeats: at most the requests in flight when the first writer closed, one per shard.
    // (Not only those left unanswered: an answer can reach the endpoint's socket after the
    // client gave up on it, and a body sent before the close can arrive after it.)
    expect(total - 6400).toBeLessThanOrEqual(config.shards! * config.maxSamplesPerSend!);
    expect(ep.requests.filter((r) => r.status === 0).length).toBeLessThanOrEqual(config.shards!);
  });

  it('a full queue drops the oldest samples, says so loudly, never blocks writes, and sends the rest later', async () => {
    let up = false;
    const ep = await endpoint(() => (up ? { status: 204 } : { status: 503, body: 'down for maintenance' }));
    const { writer, logs } = open(tempDir('rw-test-', cleanups).path, [
      { url: ep.url, shards: 2, maxSamplesPerSend: 1000, queueMaxBytes: 40_000, ...fast },
    ]);
    const commits = workload(4, 60, 25);
    const started = performance.now();
    for (const c of commits) writer.write(c);
    expect(performance.now() - started).toBeLessThan(2000);
    const st = writer.status().endpoints[0];
    expect(st.queueFull).toBe(true);
    expect(st.pendingBytes).toBeLessThanOrEqual(40_000);
    expect(st.droppedSamples.queueFull).toBeGreaterThan(0);
    expect(st.droppedSamples.queueFull + st.pendingSamples).toBe(6000);
    expect(logs.some((l) => /QUEUE FULL \(queue_max_bytes 40000\): dropped the \d+ oldest samples/.test(l))).toBe(true);
    await waitFor(() => writer.status().endpoints[0].lastError?.message.includes('down for maintenance') ?? false, 'a failure');

    up = true;
    await waitFor(() => writer.status().endpoints[0].pendingSamples === 0, 'the backlog');
    const after = writer.status().endpoints[0];
    expect(after.sentSamples + after.droppedSamples.queueFull).toBe(6000);
    // What arrived is the newest part of each series, in order: the oldest were dropped.
    const got = ep.accepted();
    for (const [key, ts] of expected(commits)) {
      const t = got.get(key)?.t ?? [];
      expect(t, key).toEqual(ts.slice(ts.length - t.length));
    }
  });

  it('keeps a cursor per endpoint: a down endpoint gets its backlog later, the other is not held up', async () => {
    let bUp = false;
    const a = await endpoint();
    const b = await endpoint(() => (bUp ? { status: 200 } : { status: 500 }));
    const { writer } = open(tempDir('rw-test-', cleanups).path, [
      { name: 'a', url: a.url, shards: 3, maxSamplesPerSend: 250, ...fast },
      { name: 'b', url: b.url, shards: 1, maxSamplesPerSend: 700, ...fast },
    ]);
    const commits = workload(5, 8, 30);
    for (const c of commits) writer.write(c);
    await waitFor(() => a.acceptedSamples() === 1200, 'endpoint a');
    expect(b.acceptedSamples()).toBe(0);
    expect(writer.status().queue.samples).toBe(1200); // kept for b
    bUp = true;
    await waitFor(() => b.acceptedSamples() === 1200, 'endpoint b after recovery');
    await waitFor(() => writer.status().queue.segments === 0, 'the queue emptied');
    for (const ep of [a, b]) {
      const got = ep.accepted();
      for (const [key, ts] of expected(commits)) expect(got.get(key)?.t).toEqual(ts);
    }
  });

  it('keeps per-series order when the shard count changes between restarts', async () => {
    const dir = tempDir('rw-test-', cleanups).path;
    let up = false;
    const ep = await endpoint(() => (up ? { status: 204 } : { status: 503 }));
    const first = open(dir, [{ url: ep.url, shards: 1, maxSamplesPerSend: 100, ...fast }]);
    const commits = workload(10, 6, 20);
    for (const c of commits.slice(0, 3)) first.writer.write(c);
    await waitFor(() => ep.requests.length > 0, 'a failed attempt');
    await first.writer.close();
    up = true;
    const second = open(dir, [{ url: ep.url, shards: 7, maxSamplesPerSend: 100, ...fast }]);
    for (const c of commits.slice(3)) second.writer.write(c);
    // A request answered as its client gave up on it (a busy machine) is sent again: count
    // distinct samples, and check the order of first arrivals.
    const firstArrivals = () => new Map([...ep.accepted()].map(([key, { t }]) => [key, [...new Set(t)]]));
    const distinct = () => [...firstArrivals().values()].reduce((n, t) => n + t.length, 0);
    await waitFor(
      () => distinct() === 1200,
      () => `every sample (${distinct()} of 1200 accepted in ${ep.requests.length} requests)`,
    );
    const got = firstArrivals();
    for (const [key, ts] of expected(commits)) expect(got.get(key), key).toEqual(ts);
  });

  it('sends over TLS with a CA file and basic auth', async () => {
    const dir = tempDir('rw-test-', cleanups).path;
    const certs = makeCertificates(dir);
    const ep = await startRecordingEndpoint({ tls: { certFile: certs.serverCert, keyFile: certs.serverKey } });
    cleanups.push(() => ep.close());
    const { writer } = open(dir, [{ url: ep.url, tls: { caFile: certs.ca }, auth: { username: 'hub', password: 'pa:ss' }, ...fast }]);
    writer.write(workload(2, 1, 3)[0]);
    await waitFor(() => ep.acceptedSamples() === 6, 'samples over TLS');
    expect(ep.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('hub:pa:ss').toString('base64')}`);
    expect(ep.url.startsWith('https://')).toBe(true);
  });

  it('waits for max_samples_per_send or the batch deadline, whichever comes first', async () => {
    const ep = await endpoint();
    const { writer } = open(tempDir('rw-test-', cleanups).path, [
      { url: ep.url, shards: 1, maxSamplesPerSend: 100, batchSendDeadlineMs: 400 },
    ]);
    writer.write([{ labels: { __name__: 'm' }, timestamps: Float64Array.of(T0), values: Float64Array.of(1) }]);
    await new Promise((r) => setTimeout(r, 150));
    expect(ep.requests).toHaveLength(0);
    await waitFor(() => ep.requests.length === 1, 'the deadline', { timeoutMs: 2000 });
    writer.write(workload(1, 1, 100)[0].map((s) => ({ ...s, labels: { __name__: 'n' } })));
    await waitFor(() => ep.requests.length === 2, 'a full request', { timeoutMs: 300 });
    expect(ep.requests[1].samples).toBe(100);
  });

  it('survives kill -9 of the writing process: every queued commit is sent after a restart, repeats only from requests in flight', async () => {
    const dir = tempDir('rw-test-', cleanups).path;
    const queuePath = join(dir, 'queue.db');
    const ep = await endpoint(() => ({ status: 204, delayMs: 3 }));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'testing/queue-writer-child.ts'), queuePath, ep.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await waitFor(
      () => ep.requests.length >= 20 && (out.match(/queued/g)?.length ?? 0) >= 150,
      () => `the child to queue and send (stderr: ${err})`,
      { timeoutMs: 30_000 },
    );
    child.kill('SIGKILL');
    await exited;
    const lines = out.trim().split('\n');
    const lastQueued = Number(/queued (\d+)/.exec(lines[lines.length - 1])?.[1] ?? /queued (\d+)/.exec(lines[lines.length - 2])![1]);

    const { writer } = open(dir, [{ url: ep.url, shards: 2, maxSamplesPerSend: 200, ...fast }]);
    await waitFor(() => writer.status().endpoints[0].pendingSamples === 0, 'the backlog after the restart', { timeoutMs: 30_000 });

    const received = new Map<string, number[]>();
    let total = 0;
    for (const r of ep.requests) {
      for (const s of r.series) {
        received.set(s.labels.series, [...(received.get(s.labels.series) ?? []), ...s.timestamps]);
        total += s.timestamps.length;
      }
    }
    let committed = 0;
    for (let series = 0; series < 4; series++) {
      const got = [...new Set(received.get(String(series)))].sort((a, b) => a - b);
      // Every commit the child reported (and perhaps the one it committed but had no time to report).
      const want = Array.from({ length: (lastQueued + 1) * 10 }, (_, i) => KILL_TEST_T0 + i * 1000);
      expect(got.slice(0, want.length), `series ${series}`).toEqual(want);
      expect(got.length - want.length).toBeLessThanOrEqual(10);
      committed += got.length;
    }
    // Repeats: only the last request of each shard, which the child may not have seen
    // answered before it died (two shards, at most 200 samples each).
    expect(total - committed).toBeLessThanOrEqual(2 * 200);
  });
});
