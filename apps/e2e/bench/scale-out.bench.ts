// Ingest through Debian's mosquitto into one hub, then into two hubs sharing the fleet
// ($share/hubs/...), each hub a `hub serve` process with its own store. Simulated agents
// replay the shared benchmark fleet as fast as the broker takes it (16 batches in flight
// each, as the real agent); the figure is samples stored per second, from the first
// publish until every sample is in a store. Prints figures; asserts nothing.
//
//   npx tsx apps/e2e/bench/scale-out.bench.ts [--agents 40] [--hours 2] [--steps-per-batch 60]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { encodeBatch, topics, type BatchSeries } from '@metrics-hub/wire';
import {
  freePort,
  loadFleet,
  parseBenchArgs,
  printTable,
  processCpuSeconds,
  progress,
  removeMosquittoDir,
  startMosquitto,
} from '@metrics-hub/testing';
import { startHubProcess, type HubProcess } from '../src/processes.ts';

const args = parseBenchArgs(process.argv.slice(2), { agents: 40, hours: 2, stepsPerBatch: 60 });
const fleet = await loadFleet(args.agents, args.hours);
const hosts = [...new Set(fleet.series.map((s) => s.labels.instance))].slice(0, args.agents);

function encodeFleet(run: string): { batches: Uint8Array[][]; samples: number } {
  let samples = 0;
  const batches = hosts.map((host, a) => {
    const series = fleet.series.filter((s) => s.labels.instance === host);
    const out: Uint8Array[] = [];
    for (let from = 0, seq = 1; from < fleet.steps; from += args.stepsPerBatch, seq++) {
      const to = Math.min(fleet.steps, from + args.stepsPerBatch);
      const bs: BatchSeries[] = series.map((s) => ({
        labels: { ...s.labels, instance: `${run}-${a}` },
        timestamps: s.timestamps.subarray(from, to),
        values: s.values.subarray(from, to),
      }));
      samples += series.length * (to - from);
      out.push(encodeBatch({ agentId: `${run}-${a}`, firstSeq: seq, lastSeq: seq, createdMs: Date.now(), series: bs }));
    }
    return out;
  });
  return { batches, samples };
}

async function storedBy(hub: HubProcess): Promise<number> {
  const status = (await (await fetch(`${hub.http}/api/hub/v1/status`)).json()) as { ingest: { samplesStored: number } };
  return status.ingest.samplesStored;
}

async function run(hubCount: number): Promise<{
  rate: number;
  perHub: number[];
  seconds: number;
  samples: number;
  cpu: { hubs: number[]; broker: number; generator: number };
}> {
  const dir = mkdtempSync(join(tmpdir(), 'scale-out-'));
  // As the README asks of a broker in front of hubs: no cap on queued messages.
  const broker = await startMosquitto({ hub: 'hub-secret', bench: 'bench-secret' }, { extraConfig: ['max_queued_messages 0'] });
  const hubs: HubProcess[] = [];
  try {
    for (let h = 0; h < hubCount; h++) {
      hubs.push(
        await startHubProcess({
          METRICS_HUB_HUB_DATA_DIR: join(dir, `hub-${h}`),
          METRICS_HUB_BROKER_MODE: 'external',
          METRICS_HUB_BROKER_URL: broker.url,
          METRICS_HUB_BROKER_USERNAME: 'hub',
          METRICS_HUB_BROKER_PASSWORD: 'hub-secret',
          METRICS_HUB_BROKER_CLIENT_ID: `hub-${h}`,
          METRICS_HUB_BROKER_PROTOCOL_VERSION: '5',
          METRICS_HUB_BROKER_SHARED_GROUP: 'hubs',
          METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
          METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
          METRICS_HUB_FLEET_UP_INTERVAL: '1h',
        }),
      );
    }
    progress(`encoding batches for ${hubCount} hub(s)`);
    const { batches, samples } = encodeFleet(`h${hubCount}`);
    const client = await mqtt.connectAsync(broker.url, { username: 'bench', password: 'bench-secret', protocolVersion: 5 });
    // Where the CPU goes: each hub, the broker, and this process (the load generator).
    const pids = { hubs: hubs.map((h) => h.child.pid!), broker: broker.pid()! };
    const cpu0 = { hubs: pids.hubs.map(processCpuSeconds), broker: processCpuSeconds(pids.broker), generator: process.cpuUsage() };
    const started = Date.now();
    // Each simulated agent keeps 16 batches in flight at the broker.
    await Promise.all(
      batches.map(async (list, a) => {
        const topic = topics.samples('metrics', `h${hubCount}-${a}`);
        let next = 0;
        const lane = async () => {
          while (next < list.length) await client.publishAsync(topic, Buffer.from(list[next++]), { qos: 1 });
        };
        await Promise.all(Array.from({ length: 16 }, lane));
      }),
    );
    let perHub: number[] = [];
    for (;;) {
      perHub = await Promise.all(hubs.map(storedBy));
      const done = perHub.reduce((x, y) => x + y, 0);
      progress(`${hubCount} hub(s): ${((done / samples) * 100).toFixed(0)}% stored`);
      if (done >= samples) break;
      if (Date.now() - started > 600_000) throw new Error(`only ${done} of ${samples} samples stored after 10 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    const generator = process.cpuUsage(cpu0.generator);
    const cpu = {
      hubs: pids.hubs.map((pid, k) => (processCpuSeconds(pid) - cpu0.hubs[k]) / seconds),
      broker: (processCpuSeconds(pids.broker) - cpu0.broker) / seconds,
      generator: (generator.user + generator.system) / 1e6 / seconds,
    };
    await client.endAsync();
    progress('');
    return { rate: samples / seconds, perHub, seconds, samples, cpu };
  } finally {
    for (const h of hubs) await h.stop();
    await broker.stop();
    removeMosquittoDir(broker.dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

const one = await run(1);
const two = await run(2);
printTable(
  `scale-out through mosquitto: ${hosts.length} agents x ${args.hours} h of the benchmark fleet (${one.samples.toLocaleString('en')} samples per run), ${args.stepsPerBatch} intervals per batch`,
  [
    ['one hub', `${Math.round(one.rate).toLocaleString('en')} samples/s (${one.seconds.toFixed(1)} s)`],
    [
      'two hubs, one shared group',
      `${Math.round(two.rate).toLocaleString('en')} samples/s (${two.seconds.toFixed(1)} s) = x${(two.rate / one.rate).toFixed(2)}`,
    ],
    ['  split between the two', two.perHub.map((n) => `${((n / two.samples) * 100).toFixed(0)}%`).join(' / ')],
    [
      'CPU, one hub (hub / broker / load generator)',
      `${pct(one.cpu.hubs[0])} / ${pct(one.cpu.broker)} / ${pct(one.cpu.generator)} of a core (2 cores here)`,
    ],
    [
      'CPU, two hubs (hubs / broker / load generator)',
      `${one.cpu && two.cpu.hubs.map(pct).join(' + ')} / ${pct(two.cpu.broker)} / ${pct(two.cpu.generator)}`,
    ],
  ],
);

function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
