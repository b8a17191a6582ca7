/// <reference types="node" />
// Remote write in, creating many series at once: how long the hub's event loop is blocked
// and how much memory one request takes. Prints figures, asserts nothing.
//   node --import tsx --expose-gc libs/hub/bench/remote-write-in.bench.ts [--series 260000]
//
// In one process (the hub is this process): while the request is stored, a second client
// asks /api/v1/status/buildinfo every 20 ms; the figures are the event loop's longest
// delay, the slowest of those answers, and the peak RSS over the request.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encodeRemoteWriteBody } from '@metrics-hub/remote-write';
import { parseBenchArgs, printTable, tempDir } from '@metrics-hub/testing';
import { Hub } from '../src/index.ts';
import { testHubConfig } from '../src/testing/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { series: 260_000 });
const dir = tempDir('rw-in-bench-');
const hub = await Hub.start(testHubConfig(dir.path, ['ingest:', '  max_batch_bytes: 64MiB']), { log: () => undefined });
const base = `http://127.0.0.1:${hub.httpAddress.port}`;
const now = Date.now();
const body = encodeRemoteWriteBody({
  timeseries: Array.from({ length: args.series }, (_, i) => ({
    labels: { __name__: 'rw_bench_series', instance: `host-${i % 1000}`, series: String(i) },
    timestamps: Float64Array.of(now),
    values: Float64Array.of(i),
  })),
});
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const delay = monitorEventLoopDelay({ resolution: 5 });
const pings: number[] = [];
let writing = true;
const pinger = (async () => {
  while (writing) {
    const t = performance.now();
    await fetch(`${base}/api/v1/status/buildinfo`).then((r) => r.arrayBuffer());
    pings.push(performance.now() - t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
delay.enable();
const t0 = performance.now();
const res = await fetch(`${base}/api/v1/write`, {
  method: 'POST',
  headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
  body,
});
const tookMs = performance.now() - t0;
writing = false;
await pinger;
delay.disable();
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
printTable(`remote write in: ${args.series.toLocaleString('en')} new series, ${(body.length / 1e6).toFixed(1)} MB compressed`, [
  ['answer', `${res.status} ${res.status === 204 ? '' : await res.text()}`],
  ['request took', ms(tookMs)],
  ['longest event-loop delay', ms(delay.max / 1e6)],
  ['slowest concurrent answer', ms(Math.max(0, ...pings))],
  ['concurrent answers', String(pings.length)],
  ['peak RSS over the request', `${((peakRss - rssBefore) / 1024 ** 2).toFixed(0)} MiB above ${(rssBefore / 1024 ** 2).toFixed(0)} MiB`],
  ['series stored', String(hub.store.stats().series)],
]);
await hub.stop();
dir.remove();
