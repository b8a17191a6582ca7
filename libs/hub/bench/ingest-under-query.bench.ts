// Ingest latency under query load. A hub in its own process holds the shared fleet
// (imported over HTTP as `hub import` sends it); 100 simulated agents, each with a real
// token, publish one batch a second over MQTT QoS 1 to its embedded broker, and a probe
// agent's newest sample is watched by an instant query every 50 ms. First a baseline
// phase without queries, then a loaded phase with --clients clients looping the shared
// query set (24 h range queries at 60 s over the fleet) over HTTP. Per phase: PUBACK
// latency (publish to PUBACK), collection to queryable (the probe's timestamp to the first
// answer showing it), the query throughput, the hub's CPU and resident memory.
//
//   npx tsx libs/hub/bench/ingest-under-query.bench.ts [--agents 100] [--seconds 60] [--clients 4]
//       [--hosts 50] [--hours 24] [--dir DIR]
//
// The fleet file is generated once into $METRICS_HUB_BENCH_CACHE (see @metrics-hub/testing's fleetFile).
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportSummary } from '@metrics-hub/hub-api';
import {
  benchQueries,
  fleetFile,
  fleetStartMs,
  loadFleet,
  parseBenchArgs,
  percentile,
  printTable,
  processCpuSeconds,
  progress,
  sampleRss,
  storedSamples,
  waitForIdle,
  type RssFigures,
} from '@metrics-hub/testing';
import { CLIENT_HEADER } from '../src/index.ts';
import { connectAgent, PhaseLog, startAgents, startProbe, startQueryClients } from './load-clients.ts';

const args = parseBenchArgs(process.argv.slice(2), { agents: 100, seconds: 60, clients: 4, hosts: 50, hours: 24 });
const WARMUP_SECONDS = 5;
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

const om = await fleetFile({ hosts: args.hosts, hours: args.hours, jitterMs: 250, format: 'openmetrics' });
const firstDue = await fleetStartMs();
const endMs = Math.floor((firstDue + args.hours * 3_600_000 - 10_000) / 60_000) * 60_000;
const window = { startMs: endMs - args.hours * 3_600_000, endMs, stepMs: 60_000 };
// Every agent sends the series of one node_exporter-like host (the fleet's first).
const hostSeries = (await loadFleet(1, 1)).series.map((s) => ({ ...s.labels }));

const dir = mkdtempSync(join(args.dir ?? tmpdir(), 'ingest-under-query-'));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./hub-child.ts', import.meta.url).pathname, dir, String(args.agents + 1)],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The fleet is dated 2026-01-01: kept, not deleted as past the default retention.
    env: {
      ...process.env,
      METRICS_HUB_STORE_RETENTION: '3650d',
      METRICS_HUB_STORE_ROLLUP_1M_RETENTION: '3650d',
      METRICS_HUB_STORE_ROLLUP_1H_RETENTION: '3650d',
    },
  },
);
let hubLog = '';
child.stderr!.on('data', (d) => (hubLog = (hubLog + d).slice(-4000)));
const stopHub = async () => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
};
try {
  const info = await new Promise<{ brokerUrl: string; httpPort: number; tokens: Record<string, string> }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code}: ${hubLog}`)));
  });
  const http = `http://127.0.0.1:${info.httpPort}`;
  const pid = child.pid!;

  const imported = await importFile(http, om.path, om.bytes);
  const kept = await storedSamples(http, firstDue - 60_000, firstDue + args.hours * 3_600_000);
  if (kept.samples !== om.samples || kept.series !== om.series)
    throw new Error(
      `the hub answers with ${kept.series} series and ${kept.samples} samples; the file holds ${om.series} and ${om.samples}`,
    );
  await waitForIdle(pid, {
    onBusy: (cores, ms) => progress(`hub: settling after the import (${cores.toFixed(1)} cores), ${(ms / 1000).toFixed(0)} s`),
  });

  progress(`connecting ${args.agents} agents and the probe`);
  const logins = Array.from({ length: args.agents + 1 }, (_, a) => ({
    brokerUrl: info.brokerUrl,
    agentId: `bench-${a}`,
    token: info.tokens[`bench-${a}`],
  }));
  const clients = await Promise.all(logins.map(async (l) => ({ client: await connectAgent(l), agentId: l.agentId })));
  const probeClient = clients.pop()!;
  const log = new PhaseLog();
  const agents = startAgents(clients, hostSeries, log);
  const probe = startProbe(probeClient, http, log);

  const phases: { name: string; title: string; seconds: number; cpu: number; rss: RssFigures }[] = [];
  const runPhase = async (name: string, title: string, seconds: number) => {
    log.phase = name;
    const rss = sampleRss(pid);
    const cpu0 = processCpuSeconds(pid);
    const t0 = performance.now();
    for (let s = 0; s < seconds; s++) {
      progress(`${title}: ${s} / ${seconds} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const elapsed = (performance.now() - t0) / 1000;
    phases.push({ name, title, seconds: elapsed, cpu: (processCpuSeconds(pid) - cpu0) / elapsed, rss: rss.stop() });
  };
  await runPhase('warmup', 'warm-up (first batches create the series)', WARMUP_SECONDS);
  await runPhase('baseline', 'baseline: agents only', args.seconds);
  const queryClients = startQueryClients(http, benchQueries(), window, args.clients, log);
  await runPhase('loaded', `loaded: agents and ${args.clients} clients looping the query set`, args.seconds);
  log.phase = 'drain';
  agents.stop();
  progress('waiting for the last PUBACKs and queries');
  const [, probed] = await Promise.all([queryClients.stop(), probe.stop()]);
  for (let i = 0; i < 300 && agents.pending() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const unacknowledged = agents.pending();
  for (const c of [...clients, probeClient]) c.client.end(true);
  progress('');

  const dist = (values: number[]) =>
    values.length
      ? `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`
      : 'none measured';
  const rows: [string, string][] = [
    [
      'fleet',
      `${args.hosts} hosts x ${args.hours} h imported: ${om.samples.toLocaleString('en')} samples, ${om.series} series at ${(om.samples / imported.seconds / 1000).toFixed(0)} k samples/s over HTTP`,
    ],
    ['load', `${args.agents} agents x ${hostSeries.length} series, one batch a second each, QoS 1; probe watched every 50 ms`],
  ];
  for (const p of phases.filter((x) => x.name !== 'warmup')) {
    const pubacks = log.get(p.name, 'puback');
    const slow = pubacks.filter((v) => v > 250).length;
    const failed = log.get(p.name, 'failed').length;
    rows.push([`${p.title} (${p.seconds.toFixed(0)} s)`, '']);
    rows.push([
      '  PUBACK',
      `${dist(pubacks)}; ${slow} of ${pubacks.length} over 250 ms${failed ? `, ${failed} failed` : ''} (target: none over 250 ms)`,
    ]);
    const queryable = log.get(p.name, 'queryable');
    rows.push(['  collection -> queryable', `${dist(queryable)} over ${queryable.length} probe samples (target p99 <= 1000 ms)`]);
    if (p.name === 'loaded') {
      const q = log.get(p.name, 'query');
      const errors = log.get(p.name, 'query errors').length;
      rows.push([
        '  queries',
        `${(q.length / p.seconds).toFixed(2)} queries/s (${q.length} answered${errors ? `, ${errors} errors` : ''}; each ${dist(q)})`,
      ]);
    }
    rows.push(['  hub', `CPU ${(p.cpu * 100).toFixed(0)}% of one core; RSS median ${mb(p.rss.medianBytes)}, max ${mb(p.rss.maxBytes)}`]);
  }
  if (unacknowledged) rows.push(['unacknowledged', `${unacknowledged} batches had no PUBACK 30 s after the agents stopped`]);
  if (probed.unseen) rows.push(['probe unseen', `${probed.unseen} probe samples not queryable 30 s after the agents stopped`]);
  const probeErrors = ['baseline', 'loaded', 'drain'].reduce((n, p) => n + log.get(p, 'probe errors').length, 0);
  if (probeErrors) rows.push(['probe errors', `${probeErrors} instant queries of the probe failed; the last: ${probed.lastError}`]);
  printTable(`Ingest under query load: hub in its own process (durability on), ${args.clients} query clients`, rows);
} finally {
  await stopHub();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

/** The file as `hub import --partial` sends it (POST /api/hub/v1/import), timed to the summary. */
async function importFile(http: string, path: string, bytes: number): Promise<{ seconds: number; summary: ImportSummary }> {
  let sent = 0;
  const t0 = performance.now();
  const body = (async function* () {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      sent += (chunk as Buffer).length;
      progress(
        `hub: importing, ${((100 * sent) / bytes).toFixed(0)}% of ${mb(bytes)} sent, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      yield chunk as Buffer;
    }
  })();
  const res = await fetch(`${http}/api/hub/v1/import?format=openmetrics&partial=true`, {
    method: 'POST',
    body: body as never,
    headers: { [CLIENT_HEADER]: '1', 'content-length': String(bytes) },
    duplex: 'half',
  } as RequestInit);
  const summary = (await res.json()) as ImportSummary;
  progress('');
  if (!res.ok || !summary.committed || summary.rejected.length)
    throw new Error(`the hub refused the import: ${summary.error ?? ''} ${JSON.stringify(summary.rejected.slice(0, 5))}`);
  return { seconds: (performance.now() - t0) / 1000, summary };
}
