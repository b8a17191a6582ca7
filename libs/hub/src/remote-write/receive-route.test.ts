// Remote write into a real hub: snappy protobuf bodies over real HTTP, read back with
// PromQL; malformed bodies refused whole; and a real Prometheus remote-writing what it
// scrapes (skipped where Prometheus is not installed, a failure under CI=true).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRemoteWriteBody, encodeWriteRequest, snappyCompress, type MetricMetadata } from '@metrics-hub/remote-write';
import { prometheusAvailable, startPrometheus, startRecordingEndpoint } from '@metrics-hub/remote-write/testing';
import { tempDir, waitFor } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const HAVE_PROMETHEUS = prometheusAvailable();
const TOKEN = 'hub-token-123';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(extra: string[] = []): Promise<{ hub: Hub; base: string; lines: string[] }> {
  const dir = tempDir('hub-rw-in-', cleanups).path;
  const lines: string[] = [];
  const hub = await Hub.start(testHubConfig(dir, extra, {}, { http: [`  token: ${TOKEN}`] }), { log: (l) => lines.push(l) });
  cleanups.push(() => hub.stop().catch(() => undefined));
  return { hub, base: `http://127.0.0.1:${hub.httpAddress.port}`, lines };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const protocol = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0' };

function post(base: string, body: Uint8Array, headers: Record<string, string> = { ...auth, ...protocol }): Promise<Response> {
  return fetch(`${base}/api/v1/write`, { method: 'POST', headers, body });
}

async function query(base: string, promql: string, time: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}&time=${time}`, { headers: auth });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(body.error);
  return body.data.result;
}

/** Float64Array with these exact bit patterns ([hi, lo]); no JS number in between. */
function fromBits(...words: [number, number][]): Float64Array {
  const f = new Float64Array(words.length);
  const u = new Uint32Array(f.buffer);
  words.forEach(([hi, lo], i) => u.set([lo, hi], 2 * i));
  return f;
}

const T0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;

describe('POST /api/v1/write into the hub', () => {
  it('stores a snappy protobuf WriteRequest (samples and metadata) that PromQL then returns', async () => {
    const { hub, base } = await startHub();
    const body = encodeRemoteWriteBody({
      timeseries: [
        {
          labels: { __name__: 'room_temperature_celsius', room: 'kitchen', job: 'sensors' },
          timestamps: Float64Array.of(T0, T0 + 15_000, T0 + 30_000),
          values: Float64Array.of(20.5, 21, 21.25),
        },
        {
          labels: { __name__: 'room_temperature_celsius', room: 'attic', job: 'sensors' },
          timestamps: Float64Array.of(T0, T0 + 15_000),
          values: Float64Array.of(-3.5, -4),
        },
      ],
      metadata: [{ type: 'gauge', metricFamilyName: 'room_temperature_celsius', help: 'Air temperature.', unit: 'celsius' }],
    });
    const res = await post(base, body);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const result = await query(base, 'room_temperature_celsius', (T0 + 30_000) / 1000);
    expect(result.map((r) => [r.metric.room, r.value[1]]).sort()).toEqual([
      ['attic', '-4'],
      ['kitchen', '21.25'],
    ]);
    expect((await query(base, 'sum_over_time(room_temperature_celsius{room="kitchen"}[1m])', (T0 + 30_000) / 1000))[0].value[1]).toBe(
      '62.75',
    );
    expect(hub.store.metadata('room_temperature_celsius').get('room_temperature_celsius')).toEqual({
      type: 'gauge',
      help: 'Air temperature.',
      unit: 'celsius',
    });
    // Sending the same request again (a sender that lost the answer) is harmless.
    expect((await post(base, body)).status).toBe(204);
    expect(hub.status().remoteWrite.receive).toMatchObject({
      requests: { stored: 2, refused: 0, tooLarge: 0, failed: 0 },
      samplesStored: 5,
      metadataStored: 2,
    });
  });

  it('keeps a staleness marker bit for bit', async () => {
    const { hub, base } = await startHub();
    const values = fromBits([0x4000_0000, 0], [0x7ff0_0000, 2]);
    expect(
      (
        await post(
          base,
          encodeRemoteWriteBody({ timeseries: [{ labels: { __name__: 'flappy' }, timestamps: Float64Array.of(T0, T0 + 1000), values }] }),
        )
      ).status,
    ).toBe(204);
    const [stored] = hub.store.select([{ type: '=', name: '__name__', value: 'flappy' }], 0, Infinity);
    const block = [...stored.blocks()][0];
    const u = new Uint32Array(block.values.buffer, block.values.byteOffset, 4);
    expect([u[3].toString(16), u[2]]).toEqual(['7ff00000', 2]);
    // And PromQL treats it as the end of the series.
    expect(await query(base, 'flappy', (T0 + 2000) / 1000)).toEqual([]);
  });

  it('refuses malformed bodies with the reason and stores nothing of them', async () => {
    const { hub, base } = await startHub();
    const none = () => hub.store.select([{ type: '=~', name: '__name__', value: 'ok_metric|0bad' }], 0, Infinity);
    const cases: [string, Uint8Array, RegExp][] = [
      [
        'not snappy',
        encodeWriteRequest({
          timeseries: [{ labels: { __name__: 'ok_metric' }, timestamps: Float64Array.of(T0), values: Float64Array.of(1) }],
        }),
        /^malformed remote write request: snappy: /,
      ],
      ['empty', new Uint8Array(0), /the body is empty/],
      ['truncated protobuf', snappyCompress(Uint8Array.of(0x0a, 0x05, 0x0a)), /length 5 at byte 1 runs past the end/],
      ['wrong wire type', snappyCompress(Uint8Array.of(0x08, 0x01)), /timeseries\[0\] has wire type varint/],
    ];
    for (const [what, body, reason] of cases) {
      const res = await post(base, body);
      expect(res.status, what).toBe(400);
      expect(await res.text(), what).toMatch(reason);
    }
    // One good series and one with an invalid metric name: the whole request is refused.
    const mixed = encodeRemoteWriteBody({
      timeseries: [
        { labels: { __name__: 'ok_metric' }, timestamps: Float64Array.of(T0), values: Float64Array.of(1) },
        { labels: { __name__: '0bad', x: 'y' }, timestamps: Float64Array.of(T0), values: Float64Array.of(2) },
      ],
    });
    const res = await post(base, mixed);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/timeseries\[1\] 0bad\{x="y"\}: metric name "0bad" is invalid/);
    expect(none()).toEqual([]);
    expect(hub.status().remoteWrite.receive.requests.refused).toBe(5);
  });

  it('answers 413 for bodies over ingest.max_batch_bytes, 401 without the token, 405 for GET, 415 for other encodings', async () => {
    const { base } = await startHub(['ingest:', '  max_batch_bytes: 4KiB']);
    const big = encodeRemoteWriteBody({
      timeseries: Array.from({ length: 300 }, (_, i) => ({
        labels: { __name__: 'big', i: randomBytes(12).toString('hex') },
        timestamps: Float64Array.of(T0),
        values: Float64Array.of(i),
      })),
    });
    expect(big.length).toBeGreaterThan(4096);
    const tooBig = await post(base, big);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toMatch(/over 4096 bytes \(ingest\.max_batch_bytes\)/);
    // Small when compressed, big when not: refused by its announced size, before inflating it.
    const inflates = snappyCompress(
      encodeWriteRequest({
        timeseries: [{ labels: { __name__: 'z', pad: '0'.repeat(8000) }, timestamps: Float64Array.of(T0), values: Float64Array.of(0) }],
      }),
    );
    expect(inflates.length).toBeLessThan(4096);
    const bomb = await post(base, inflates);
    expect(bomb.status).toBe(413);
    expect(await bomb.text()).toMatch(/decompresses to \d+ bytes, over the limit of 4096/);

    const body = encodeRemoteWriteBody({
      timeseries: [{ labels: { __name__: 'm' }, timestamps: Float64Array.of(T0), values: Float64Array.of(1) }],
    });
    expect((await post(base, body, protocol)).status).toBe(401);
    expect((await post(base, body, { ...protocol, authorization: 'Bearer wrong-token!' })).status).toBe(401);
    const get = await fetch(`${base}/api/v1/write`, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const gz = await post(base, body, { ...auth, ...protocol, 'content-encoding': 'gzip' });
    expect(gz.status).toBe(415);
    expect(
      (await post(base, body, { ...auth, ...protocol, 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }))
        .status,
    ).toBe(415);
  });

  it('commits the valid samples and says which it refused (too old), so the sender does not resend', async () => {
    const { hub, base } = await startHub();
    const now = Date.now();
    expect(
      (
        await post(
          base,
          encodeRemoteWriteBody({
            timeseries: [{ labels: { __name__: 'late' }, timestamps: Float64Array.of(now), values: Float64Array.of(1) }],
          }),
        )
      ).status,
    ).toBe(204);
    const res = await post(
      base,
      encodeRemoteWriteBody({
        timeseries: [
          { labels: { __name__: 'late' }, timestamps: Float64Array.of(now - 3 * 86_400_000, now + 1000), values: Float64Array.of(0, 2) },
          { labels: { __name__: 'late' }, timestamps: Float64Array.of(now), values: Float64Array.of(5) },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /^2 of 3 samples refused: 1 samples too old .*; 1 samples with a different value at a stored timestamp/,
    );
    const [s] = hub.store.select([{ type: '=', name: '__name__', value: 'late' }], 0, Infinity);
    expect([...s.blocks()].flatMap((b) => [...b.values.subarray(0, b.length)])).toEqual([1, 2]);
  });

  it('refuses samples older than store.retention keeps, saying so, and stores them when ingest.accept_past_retention says', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const body = encodeRemoteWriteBody({
      timeseries: [
        {
          labels: { __name__: 'backfill', k: 'a' },
          timestamps: Float64Array.of(now - 40 * day, now - 60_000),
          values: Float64Array.of(1, 2),
        },
        { labels: { __name__: 'backfill', k: 'b' }, timestamps: Float64Array.of(now - 30 * day), values: Float64Array.of(3) },
      ],
    });
    const { hub, base } = await startHub();
    const res = await post(base, body);
    expect(res.status).toBe(400);
    expect((await res.text()).trim()).toBe(
      '2 of 3 samples refused: 2 samples older than the hub keeps raw data (store.retention): not stored; keep them longer with store.retention, or store them anyway (deleted or archived right after) with ingest.accept_past_retention: true',
    );
    // The rest is stored; a series left with nothing is not created.
    const stored = hub.store.select([{ type: '=', name: '__name__', value: 'backfill' }], 0, Infinity);
    expect(stored.map((s) => [s.labels.k, [...s.blocks()].flatMap((b) => [...b.values.subarray(0, b.length)])])).toEqual([['a', [2]]]);
    const accepting = await startHub(['ingest:', '  accept_past_retention: true']);
    expect((await post(accepting.base, body)).status).toBe(204);
  });

  it('forwards what it receives to remote_write endpoints like any stored sample', async () => {
    const ep = await startRecordingEndpoint();
    cleanups.push(() => ep.close());
    const { base } = await startHub(['remote_write:', `  url: ${ep.url}`, '  batch_send_deadline: 20ms']);
    const values = Float64Array.of(1, 2, 3);
    expect(
      (
        await post(
          base,
          encodeRemoteWriteBody({
            timeseries: [{ labels: { __name__: 'relayed', via: 'hub' }, timestamps: Float64Array.of(T0, T0 + 1, T0 + 2), values }],
          }),
        )
      ).status,
    ).toBe(204);
    await waitFor(() => ep.accepted().get('__name__\u0000relayed\u0001via\u0000hub\u0001') !== undefined, 'the relayed series');
    expect(ep.accepted().get('__name__\u0000relayed\u0001via\u0000hub\u0001')).toEqual({ t: [T0, T0 + 1, T0 + 2], v: [1, 2, 3] });
  });
});

describe('a remote write creating many series', () => {
  it('is stored in slices: the store fills step by step and other requests are answered meanwhile', async () => {
    const { hub, base } = await startHub();
    const N = 20_000;
    const now = Date.now();
    const body = encodeRemoteWriteBody({
      timeseries: Array.from({ length: N }, (_, i) => ({
        labels: { __name__: 'many_series', i: String(i) },
        timestamps: Float64Array.of(now),
        values: Float64Array.of(i),
      })),
    });
    let committed = 0;
    let inTransaction = 0;
    hub.store.observeAppends({
      appended: (series) => void (inTransaction += series.length),
      settled: () => {
        committed += inTransaction;
        inTransaction = 0;
      },
    });
    const stored = () => committed;
    let finished = false;
    const write = post(base, body).then((r) => {
      finished = true;
      return r.status;
    });
    // Watch the store from this process (the hub's own): with one transaction for the
    // whole request, it goes from 0 to N series at once and nothing else runs meanwhile.
    let partway: number | undefined;
    let answeredMeanwhile = false;
    while (!finished) {
      await new Promise((r) => setTimeout(r, 2));
      const n = stored();
      if (partway === undefined && n > 0 && n < N) {
        partway = n;
        const res = await fetch(`${base}/api/v1/status/buildinfo`, { headers: auth });
        answeredMeanwhile = res.status === 200 && !finished;
      }
    }
    expect(await write).toBe(204);
    expect(stored()).toBe(N);
    expect(hub.store.select([{ type: '=', name: '__name__', value: 'many_series' }], 0, Infinity)).toHaveLength(N);
    expect(partway, 'the store seen with some of the series, between two slices').toBeDefined();
    expect(answeredMeanwhile, 'a request answered while the write was still being stored').toBe(true);
  }, 120_000);
});

describe.skipIf(!HAVE_PROMETHEUS)('a real Prometheus remote-writing into the hub', () => {
  it('scrapes a tiny exporter and its samples, up and metadata arrive in the hub', async () => {
    const exporter = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        '# HELP tiny_temperature_celsius A thermometer.\n# TYPE tiny_temperature_celsius gauge\ntiny_temperature_celsius{room="kitchen"} 21.5\n# TYPE tiny_requests_total counter\ntiny_requests_total 7\n',
      );
    });
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => exporter.close(() => r())));
    const { hub, base } = await startHub();
    const prom = await startPrometheus({
      targets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`],
      remoteWriteUrl: `${base}/api/v1/write`,
      bearerToken: TOKEN,
    });
    cleanups.push(() => prom.stop());

    let result: Awaited<ReturnType<typeof query>> = [];
    await waitFor(
      async () => {
        result = await query(base, 'tiny_temperature_celsius', Date.now() / 1000);
        return result.length > 0;
      },
      'samples from Prometheus',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(result[0].metric).toMatchObject({ __name__: 'tiny_temperature_celsius', room: 'kitchen', job: 'tiny' });
    expect(result[0].value[1]).toBe('21.5');
    await waitFor(
      async () => (await query(base, 'up{job="tiny"}', Date.now() / 1000)).some((r) => r.value[1] === '1'),
      'up from Prometheus',
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await waitFor(() => hub.store.metadata('tiny_temperature_celsius').size > 0, 'metadata from Prometheus', {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(hub.store.metadata('tiny_temperature_celsius').get('tiny_temperature_celsius')).toMatchObject<Partial<MetricMetadata>>({
      type: 'gauge',
      help: 'A thermometer.',
    });
    expect(hub.status().remoteWrite.receive.requests.stored).toBeGreaterThan(0);
    expect(hub.status().remoteWrite.receive.requests.refused).toBe(0);
  });
});
