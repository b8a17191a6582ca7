// Agents -> embedded broker -> hub -> store, with the hub in its own process.
//
//   npx tsx libs/hub/bench/ingest.bench.ts [--agents 100] [--hours 4] [--steps-per-batch 60] [--latency-seconds 60]
//
// 1. Throughput: a fleet catching up after an outage. Each simulated agent replays its
//    host's node_exporter-like series (../shared/bench dataset) as batches of
//    `steps-per-batch` intervals, 16 in flight like the real agent; the hub stores each
//    before its PUBACK (durability on). Reports samples/s and the hub's CPU and RSS.
// 2. Latency at a 1 s interval: every agent sends one interval per second stamped with
//    its collection time; the time to the PUBACK is the time until it is queryable (the
//    hub acknowledges after the commit), checked by querying some of them over HTTP. The
//    agent's own collection-to-publish time (its collectors take ~5-10 ms) is not in it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { encodeBatch, topics, type BatchSeries } from '@metrics-hub/wire';
import { loadFleet, parseBenchArgs, printTable, processCpuSeconds, processRssBytes, progress } from '@metrics-hub/testing';

const args = parseBenchArgs(process.argv.slice(2), { agents: 100, hours: 4, stepsPerBatch: 60, latencySeconds: 60, inflight: 16 });
const TICK = 100;

const fleet = await loadFleet(args.agents, args.hours);
const byHost = new Map<string, typeof fleet.series>();
for (const s of fleet.series) {
  const host = s.labels.instance;
  if (!byHost.has(host)) byHost.set(host, []);
  byHost.get(host)!.push(s);
}
const hosts = [...byHost.keys()].slice(0, args.agents);

progress('encoding batches');
const batches: Uint8Array[][] = hosts.map((host, a) => {
  const series = byHost.get(host)!;
  const out: Uint8Array[] = [];
  for (let from = 0, seq = 1; from < fleet.steps; from += args.stepsPerBatch, seq++) {
    const to = Math.min(fleet.steps, from + args.stepsPerBatch);
    const bs: BatchSeries[] = series.map((s) => ({
      labels: { ...s.labels, instance: `bench-${a}` },
      timestamps: s.timestamps.subarray(from, to),
      values: s.values.subarray(from, to),
    }));
    out.push(encodeBatch({ agentId: `bench-${a}`, firstSeq: seq, lastSeq: seq, createdMs: Date.now(), series: bs }));
  }
  return out;
});
const totalSamples = fleet.samples * (hosts.length / byHost.size);

const dir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
const child = spawn(process.execPath, ['--import', 'tsx', new URL('./hub-child.ts', import.meta.url).pathname, dir, String(hosts.length)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const info = await new Promise<{ brokerUrl: string; httpPort: number; tokens: Record<string, string> }>((resolve, reject) => {
  createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
  child.once('exit', (code) => reject(new Error(`hub exited ${code}`)));
});
const pid = child.pid!;
const cpuTicks = () => processCpuSeconds(pid) * TICK;
const rss = () => processRssBytes(pid);

const clients = await Promise.all(
  hosts.map(
    (_, a) =>
      new Promise<mqtt.MqttClient>((resolve, reject) => {
        const c = mqtt.connect(info.brokerUrl, {
          clientId: `agent-bench-${a}`,
          username: `bench-${a}`,
          password: info.tokens[`bench-${a}`],
          protocolVersion: 4,
          clean: false,
          reconnectPeriod: 0,
          writeCache: false,
        });
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      }),
  ),
);
const publish = (a: number, payload: Uint8Array) =>
  new Promise<void>((resolve, reject) =>
    clients[a].publish(topics.samples('metrics', `bench-${a}`), Buffer.from(payload), { qos: 1 }, (e) => (e ? reject(e) : resolve())),
  );

// 1. Throughput.
let acked = 0;
let ackedSamples = 0;
const perBatch = totalSamples / batches.reduce((n, b) => n + b.length, 0);
const rssSeen: number[] = [];
const t0 = performance.now();
const ticks0 = cpuTicks();
const sampler = setInterval(() => {
  rssSeen.push(rss());
  progress(`throughput: ${((ackedSamples / totalSamples) * 100).toFixed(0)}% of ${(totalSamples / 1e6).toFixed(1)} M samples`);
}, 500);
await Promise.all(
  batches.map(async (list, a) => {
    let next = 0;
    const lane = async () => {
      while (next < list.length) {
        const i = next++;
        await publish(a, list[i]);
        acked++;
        ackedSamples += perBatch;
      }
    };
    await Promise.all(Array.from({ length: args.inflight }, lane));
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = (cpuTicks() - ticks0) / TICK / seconds;
clearInterval(sampler);
rssSeen.sort((x, y) => x - y);

// 2. Latency at a 1 s interval.
const latencies: number[] = [];
const worstByRound: number[] = [];
const WARMUP_ROUNDS = 2;
let checked = 0;
let missing = 0;
const lastT = fleet.end;
const series = hosts.map((h) => byHost.get(h)!.map((s) => s.labels));
const lt0 = performance.now();
const ticks1 = cpuTicks();
await new Promise<void>((resolve) => {
  let round = 0;
  const timer = setInterval(() => {
    if (++round > args.latencySeconds) {
      clearInterval(timer);
      setTimeout(resolve, 2000);
      return;
    }
    progress(`latency: ${round} / ${args.latencySeconds} s`);
    hosts.forEach((_, a) => {
      const collectedAt = Date.now();
      const t = Math.max(collectedAt, lastT + round * 1000);
      const payload = encodeBatch({
        agentId: `bench-${a}`,
        firstSeq: 1_000_000 + round,
        lastSeq: 1_000_000 + round,
        createdMs: collectedAt,
        series: series[a].map((labels, k) => ({
          labels: { ...labels, instance: `bench-${a}` },
          timestamps: Float64Array.of(t),
          values: Float64Array.of(round * 1000 + k),
        })),
      });
      void publish(a, payload).then(async () => {
        const latency = Date.now() - collectedAt;
        worstByRound[round] = Math.max(worstByRound[round] ?? 0, latency);
        // The first intervals after the catch-up phase seal every head of the old window
        // at once: reported apart, as the rare event it is (once per 2 h window).
        if (round > WARMUP_ROUNDS) latencies.push(latency);
        // Spot check that acknowledged means queryable.
        if (a === round % hosts.length) {
          checked++;
          const labels = { ...series[a][0], instance: `bench-${a}` };
          const selector = `{${Object.entries(labels)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}}`;
          const q = encodeURIComponent(`timestamp(${selector}) * 1000 == ${t}`);
          const res = (await (await fetch(`http://127.0.0.1:${info.httpPort}/api/v1/query?query=${q}&time=${t / 1000}`)).json()) as {
            data?: { result?: unknown[] };
          };
          if (res.data?.result?.length !== 1) missing++;
        }
      });
    });
  }, 1000);
});
const lseconds = (performance.now() - lt0) / 1000;
const lcpu = (cpuTicks() - ticks1) / TICK / lseconds;
latencies.sort((x, y) => x - y);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

progress('');
if (process.env.BENCH_DEBUG) console.error('worst latency per round (ms):', worstByRound.join(' '));
for (const c of clients) c.end(true);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
printTable(`hub ingest: ${hosts.length} agents -> embedded broker -> store (hub in its own process, durability on)`, [
  [
    'throughput',
    `${(totalSamples / seconds / 1000).toFixed(0)} k samples/s (${(totalSamples / 1e6).toFixed(1)} M samples, ${acked} batches of ~${Math.round(perBatch)} in ${seconds.toFixed(1)} s; target >= 300 k/s)`,
  ],
  [
    '  hub CPU, RSS',
    `${(cpu * 100).toFixed(0)}% of one core; RSS median ${(rssSeen[Math.floor(rssSeen.length / 2)] / 1e6).toFixed(0)} MB, max ${(rssSeen[rssSeen.length - 1] / 1e6).toFixed(0)} MB`,
  ],
  [
    'latency, 1 s interval',
    `collection -> queryable p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies[latencies.length - 1]} ms over ${latencies.length} batches after ${WARMUP_ROUNDS} s (target p99 <= 1000 ms)`,
  ],
  [
    '  first intervals',
    `worst ${worstByRound.slice(1, WARMUP_ROUNDS + 1).join(', ')} ms: the first sample of a new window seals every head of the old one (once per 2 h window)`,
  ],
  ['  spot checks', `${checked - missing} of ${checked} acknowledged batches found by a query at once`],
  ['  hub CPU', `${(lcpu * 100).toFixed(1)}% of one core at ${hosts.length} agents x ${series[0].length} series per second`],
]);
process.exit(0);
