/// <reference types="node" />
// Remote-write benchmark on the shared fleet dataset. Prints figures, asserts nothing.
//   node --import tsx libs/remote-write/bench/remote-write.bench.ts [--hosts 20] [--hours 2] [--shards 4]
//
//   1. codec: WriteRequest encode + snappy, and back, in samples/s
//   2. queue: durable enqueue (one commit per scrape step, as the hub commits), samples/s
//   3. send: the queue drained into a real VictoriaMetrics (/usr/bin/victoria-metrics),
//      samples/s from the first enqueue to the last acknowledgement, then checked by count
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { decodeRemoteWriteBody, encodeRemoteWriteBody, RemoteWriter, type QueueSeries } from '../src/index.ts';
import { startVictoriaMetrics, victoriaMetricsAvailable } from '../src/testing/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 20, hours: 2, shards: 4, maxSamples: 2000 });
const fleet = await loadFleet(args.hosts, args.hours);
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')} samples/s`;

// Steps as the hub would commit them: every series' sample of one scrape time together.
const steps: QueueSeries[][] = [];
for (let i = 0; i < fleet.steps; i++) {
  steps.push(
    fleet.series.map((s) => ({ labels: s.labels, timestamps: s.timestamps.subarray(i, i + 1), values: s.values.subarray(i, i + 1) })),
  );
}

// 1. Codec, in requests of maxSamples.
{
  const requests: Uint8Array[] = [];
  const chunk = Math.max(1, Math.floor(args.maxSamples / 10));
  let t = performance.now();
  let samples = 0;
  for (const s of fleet.series) {
    for (let from = 0; from < s.timestamps.length; from += chunk) {
      const to = Math.min(from + chunk, s.timestamps.length);
      requests.push(encodeRemoteWriteBody({ timeseries: [{ labels: s.labels, timestamps: s.timestamps, values: s.values, from, to }] }));
      samples += to - from;
    }
  }
  const encodeMs = performance.now() - t;
  t = performance.now();
  for (const r of requests) decodeRemoteWriteBody(r, 64 << 20);
  const decodeMs = performance.now() - t;
  const bytes = requests.reduce((a, r) => a + r.length, 0);
  printTable(`codec (${fleet.series.length} series, ${samples.toLocaleString('en')} samples, ${chunk} per series entry)`, [
    ['encode + snappy', rate(samples, encodeMs)],
    ['unsnappy + decode', rate(samples, decodeMs)],
    ['compressed size', `${(bytes / samples).toFixed(2)} bytes/sample`],
  ]);
}

// 2 and 3. Queue, then send to VictoriaMetrics.
const dir = mkdtempSync(join(tmpdir(), 'rw-bench-'));
const haveVm = victoriaMetricsAvailable();
const vm = haveVm ? await startVictoriaMetrics() : undefined;
try {
  const writer = RemoteWriter.open({
    queue: { path: join(dir, 'queue.db'), segmentSamples: args.maxSamples },
    endpoints: [
      {
        url: vm ? vm.writeUrl : 'http://127.0.0.1:9/api/v1/write',
        shards: args.shards,
        maxSamplesPerSend: args.maxSamples,
        batchSendDeadlineMs: 50,
        queueMaxBytes: 4 * 1024 ** 3,
      },
    ],
    log: (l) => progress(l),
  });
  const start = performance.now();
  for (let i = 0; i < steps.length; i++) {
    writer.write(steps[i]);
    // Let the senders run between commits, as they would between the hub's ingest commits.
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  const enqueueMs = performance.now() - start;
  const queued = writer.status();
  printTable('queue (one commit per scrape step)', [
    ['enqueue', rate(fleet.samples, enqueueMs)],
    [
      'queue on disk',
      `${(queued.queue.bytes / Math.max(1, queued.queue.samples)).toFixed(2)} bytes/sample waiting (${queued.queue.segments} segments)`,
    ],
  ]);
  if (vm) {
    const until = Date.now() + 600_000;
    while (writer.status().endpoints[0].pendingSamples > 0 && Date.now() < until) {
      progress(`sending: ${writer.status().endpoints[0].sentSamples.toLocaleString('en')} of ${fleet.samples.toLocaleString('en')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sendMs = performance.now() - start;
    const st = writer.status().endpoints[0];
    await vm.flush();
    const counted = await vm.query(`sum(count_over_time({__name__=~".+"}[${args.hours + 1}h]))`, fleet.end / 1000 + 1);
    printTable(`send to VictoriaMetrics (${args.shards} shards, ${args.maxSamples} samples per request)`, [
      ['enqueue to last ack', rate(st.sentSamples, sendMs)],
      ['requests', `${st.sentRequests} (${(st.sentBytes / st.sentRequests / 1024).toFixed(1)} KiB each), ${st.failedRequests} failed`],
      ['wire size', `${(st.sentBytes / st.sentSamples).toFixed(2)} bytes/sample`],
      [
        'VictoriaMetrics counts',
        `${Number(counted[0]?.value[1] ?? 0).toLocaleString('en')} of ${fleet.samples.toLocaleString('en')} samples`,
      ],
    ]);
  } else {
    console.log('\nsend: skipped (/usr/bin/victoria-metrics is not installed; scripts/install-system-deps.sh installs it)');
  }
  await writer.close();
} finally {
  await vm?.stop();
  rmSync(dir, { recursive: true, force: true });
}
