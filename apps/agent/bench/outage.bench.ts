// A 24 h outage of 500 series at 10 s, replayed through the agent's own buffer (the write-
// ahead accumulator and the outbox, with the agent's outage batching), then delivered to
// a real broker (aedes) after the outage. Prints buffer bytes per sample and delivery
// time; asserts nothing. Values come from the shared node_exporter-like fleet.
//
//   npx tsx apps/agent/bench/outage.bench.ts [--series 500] [--hours 24] [--batch-hours 1]

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { decodeBatch, encodeBatch } from '@metrics-hub/wire';
import { loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { SampleAccumulator, type CollectedSample } from '../src/buffer/accumulator.ts';
import { SegmentQueue } from '../src/buffer/segment-queue.ts';
import { Delivery } from '../src/transport/delivery.ts';
import { MqttLink } from '../src/transport/mqtt-link.ts';
import { startAedes } from '../src/testing/brokers.ts';

const args = parseBenchArgs(process.argv.slice(2), { series: 500, hours: 24, batchHours: 1 });
const fleet = await loadFleet(Math.ceil(args.series / 44) + 1, args.hours);
const series = fleet.series.slice(0, args.series);
const dir = mkdtempSync(join(tmpdir(), 'agent-outage-'));
let now = fleet.series[0].timestamps[0];
const queue = SegmentQueue.open(join(dir, 'outbox'), { now: () => now, maxBytes: 1e9 });
const acc = SampleAccumulator.open(join(dir, 'collected.wal'), { sync: false });
let peakWal = 0;
let samples = 0;
for (let step = 0; step < fleet.steps; step++) {
  now = series[0].timestamps[step];
  const interval: CollectedSample[] = series.map((s) => ({ labels: s.labels, timestampMs: s.timestamps[step], value: s.values[step] }));
  acc.add(step, interval);
  samples += interval.length;
  peakWal = Math.max(peakWal, statSync(join(dir, 'collected.wal')).size);
  // The agent's outage policy: one batch per `outage_batch` of data.
  if (now - acc.oldestSampleMs >= args.batchHours * 3_600_000 - 1) {
    queue.append(encodeBatch(acc.toBatch('edge-1', now)!));
    acc.clear();
  }
  if (step % 720 === 0) progress(`outage ${((100 * step) / fleet.steps).toFixed(0)}%`);
}
const walBytes = statSync(join(dir, 'collected.wal')).size;
const outboxBytes = queue.stats().bytes;
progress('');

// The hub comes back: deliver everything to a real broker and count what arrives.
const broker = await startAedes({ 'edge-1': 't', hub: 'h' });
const received = { batches: 0, samples: 0 };
const hub = mqtt.connect(broker.url, { username: 'hub', password: 'h', protocolVersion: 4 });
await new Promise<void>((resolve) => hub.once('connect', () => hub.subscribe('metrics/+/samples', { qos: 1 }, () => resolve())));
hub.on('message', (_t, payload) => {
  const b = decodeBatch(new Uint8Array(payload));
  received.batches++;
  for (const s of b.series) received.samples += s.timestamps.length;
});
const link = new MqttLink({
  url: broker.url,
  agentId: 'edge-1',
  topicPrefix: 'metrics',
  username: 'edge-1',
  password: 't',
  protocolVersion: 4,
  keepaliveSeconds: 30,
  connectTimeoutMs: 5000,
  backoff: { initialMs: 100, maxMs: 1000 },
  birth: () => new Uint8Array(),
  log: () => undefined,
});
const delivery = new Delivery(queue, link, {
  topic: 'metrics/edge-1/samples',
  maxInflight: 16,
  backlogBytesPerSecond: 50 * 1024 * 1024,
  ackTimeoutMs: 30_000,
});
link.onState((s) => s.kind === 'connected' && delivery.connected());
const t0 = performance.now();
now = Date.now();
link.start();
const walSamples = acc.sampleCount;
while (received.samples < samples - walSamples) {
  delivery.pump();
  await new Promise((r) => setTimeout(r, 20));
  if (performance.now() - t0 > 120_000) break;
}
const deliverMs = performance.now() - t0;
await link.stop();
hub.end(true);
await broker.stop();
queue.close();
acc.close();
rmSync(dir, { recursive: true, force: true });

printTable(
  `agent buffer over a ${args.hours} h outage: ${series.length} series at 10 s (${samples.toLocaleString('en')} samples), ${args.batchHours} h batches`,
  [
    [
      'outbox + write-ahead on disk at the end',
      `${((outboxBytes + walBytes) / 1e6).toFixed(2)} MB = ${((outboxBytes + walBytes) / samples).toFixed(2)} bytes/sample`,
    ],
    ['  outbox (batches)', `${(outboxBytes / 1e6).toFixed(2)} MB in ${received.batches} batches`],
    ['  write-ahead (current batch)', `${(walBytes / 1e6).toFixed(2)} MB now, ${(peakWal / 1e6).toFixed(2)} MB at most`],
    [
      'delivered after reconnect',
      `${received.samples.toLocaleString('en')} of ${(samples - walSamples).toLocaleString('en')} batched samples in ${(deliverMs / 1000).toFixed(1)} s`,
    ],
  ],
);
process.exit(0);
