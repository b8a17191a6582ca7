// Queries over HTTP beside Prometheus and VictoriaMetrics: the user's path. The shared
// fleet (../shared/bench/dataset.mjs) is imported into a real `hub serve` with the real
// `hub import` (timed), into Prometheus (promtool blocks) and into VictoriaMetrics (its
// import API); then the shared query set runs on each as a range query over the data's
// whole span at --step, POSTed as Grafana does, rounds interleaved, median of every run.
// Prints the medians per query, the totals and ratios, the hub's slowest query, whether
// the hub's answers agree with Prometheus's, and the resident memory of each server while
// the queries ran. Peers not installed are left out; --peers none leaves all out.
//
//   npx tsx apps/desktop/bench/query-http.bench.ts [--hosts 50] [--hours 24] [--jitter-ms 250]
//       [--rounds 2] [--runs 3] [--step 60] [--peers auto|none|prometheus,victoria-metrics] [--dir DIR]
//
// Generated files (the fleet as text, Prometheus's blocks) are kept in $METRICS_HUB_BENCH_CACHE
// (default <tmp>/metrics-hub-bench-cache) for the next run; each run's servers work in a fresh
// folder under --dir (default <tmp>) that is removed at the end.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchQueries,
  fleetFile,
  fleetStartMs,
  importIntoVictoriaMetrics,
  installedPeers,
  parseBenchArgs,
  printTable,
  progress,
  prometheusBlocks,
  sampleRss,
  startPrometheus,
  startVictoriaMetrics,
  storedSamples,
  waitForIdle,
  type PeerServer,
  type RssFigures,
} from '@metrics-hub/testing';
import { hubImport, startHubServe, type HubServe } from './hub-cli.ts';
import { agreement, measure, tableRows, type QuerySystem, type Window } from './query-systems.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 24, jitterMs: 250, rounds: 2, runs: 3, step: 60, peers: 'auto' });
const peers = choosePeers(args.peers);
const queries = benchQueries();
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

const om = await fleetFile({ hosts: args.hosts, hours: args.hours, jitterMs: args.jitterMs, format: 'openmetrics' });
const promText = peers.victoriaMetrics
  ? await fleetFile({ hosts: args.hosts, hours: args.hours, jitterMs: args.jitterMs, format: 'prometheus' })
  : undefined;
// The whole span of the data at whole steps, as Grafana asks: the last due scrape
// (jittered by at most --jitter-ms) rounded down to a step, and --hours before it.
const firstDue = await fleetStartMs();
const stepMs = args.step * 1000;
const endMs = Math.floor((firstDue + args.hours * 3_600_000 - 10_000) / stepMs) * stepMs;
const window: Window = { startMs: endMs - args.hours * 3_600_000, endMs, stepMs };
// Where every sample of the fleet lies, for the checks that a load kept them all.
const span = { startMs: firstDue - 60_000, endMs: firstDue + args.hours * 3_600_000 };

const work = mkdtempSync(join(args.dir ?? tmpdir(), 'query-http-bench-'));
const running: (HubServe | PeerServer)[] = [];
const loading: [string, string][] = [];
try {
  // The hub keeps what is imported: the fleet is dated 2026-01-01, older than 15 days (the
  // default raw retention) and than 90 days (1 m rollups), which import would delete at once.
  const hub = await startHubServe(work, ['store:', '  retention: 3650d', '  rollup_1m_retention: 3650d', '  rollup_1h_retention: 3650d']);
  running.push(hub);
  const imported = await hubImport(hub.config, om.path);
  const kept = await storedSamples(hub.http, span.startMs, span.endMs);
  if (kept.samples !== om.samples || kept.series !== om.series)
    throw new Error(
      `the hub answers with ${kept.series} series and ${kept.samples} samples; the file holds ${om.series} and ${om.samples}`,
    );
  loading.push([
    'hub: hub import',
    `${(imported.samples / imported.seconds / 1000).toFixed(0)} k samples/s (${imported.samples.toLocaleString('en')} samples, ${imported.series} series, ${mb(om.bytes)} of OpenMetrics in ${imported.seconds.toFixed(1)} s, CLI start to exit; every sample queryable after)`,
  ]);
  await settle('hub', hub.pid);
  const systems: QuerySystem[] = [{ name: 'hub', url: hub.http }];
  const pids = new Map<string, number>([['hub', hub.pid]]);

  if (peers.prometheus) {
    const blocks = await prometheusBlocks(om.path);
    cpSync(blocks, join(work, 'prometheus'), { recursive: true });
    const prom = await startPrometheus(join(work, 'prometheus'));
    running.push(prom);
    await settle('prometheus', prom.pid);
    systems.push({ name: 'prometheus', url: prom.url });
    pids.set('prometheus', prom.pid);
    loading.push(['prometheus', 'promtool blocks, compacted by a Prometheus once (cached), on a copy']);
  }
  if (peers.victoriaMetrics && promText) {
    const vm = await startVictoriaMetrics(join(work, 'victoria-metrics'));
    running.push(vm);
    const seconds = await importIntoVictoriaMetrics(vm, promText.path, { series: promText.series, samples: promText.samples, ...span });
    loading.push([
      'VictoriaMetrics: import API',
      `${(promText.samples / seconds / 1000).toFixed(0)} k samples/s (${mb(promText.bytes)} of Prometheus text, until queries see every sample)`,
    ]);
    await settle('VictoriaMetrics', vm.pid);
    // Its rollup result cache answers a repeated range query from earlier results: the
    // measured figure is without it (nocache=1); with it is shown apart, as a user sees it.
    systems.push({ name: 'VM', url: vm.url, extra: { nocache: '1' } }, { name: 'VM cached', url: vm.url });
    pids.set('VM', vm.pid);
  }

  const rss = new Map([...pids].map(([name, pid]) => [name, sampleRss(pid)]));
  const measured = await measure(systems, queries, window, args.rounds, args.runs);
  const memory = new Map<string, RssFigures>([...rss].map(([name, sampler]) => [name, sampler.stop()]));
  const prom = systems.find((s) => s.name === 'prometheus');
  const agreed = prom ? await agreement(measured, queries, systems[0], prom, window) : new Map<string, string>();

  printTable(
    `Loading ${args.hosts} hosts x ${args.hours} h (${om.series} series, ${om.samples.toLocaleString('en')} samples, ${args.jitterMs} ms jitter)`,
    loading,
  );
  printTable(
    `The query set over HTTP: ${queries.length} range queries, ${args.hours} h at ${args.step} s, median of ${args.rounds} rounds x ${args.runs} runs; ` +
      `${cpus().length} cores${process.env.CI ? '' : ' (if shared with other work, the figures are noisy: compare ratios)'}`,
    tableRows(measured, systems, queries, agreed),
  );
  const notes: [string, string][] = [];
  if (systems.some((s) => s.name === 'VM'))
    notes.push([
      'VM, VM cached',
      'VM: nocache=1 on every query (its rollup result cache off); VM cached: as it runs by default, warm after a first run',
    ]);
  if (prom)
    notes.push([
      'answers',
      "the hub's last answer to each query against Prometheus's: same series, values within 1e-6 (topk: step by step). Where they " +
        "differ, both are asked again 5 s off the minute, where no sample sits on a window's left edge: Prometheus 2.42 counts a " +
        'sample there, the hub (as Prometheus 3) does not, so a difference that goes away there is that rule. One more: in the ' +
        "first minutes of a counter that starts near zero, rate() caps its extrapolation at the counter's zero point before " +
        'the half-interval rule in 2.42 and after it since 2.51 (prometheus/prometheus#13725), as the hub does',
    ]);
  if (notes.length) printTable('Notes', notes);
  printTable(
    'Resident memory (from /proc) while the queries ran',
    [...memory].map(([name, r]) => [name, `median ${mb(r.medianBytes)}, max ${mb(r.maxBytes)} (${r.count} readings)`]),
  );
} finally {
  progress('stopping');
  for (const server of running.reverse()) await server.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  progress('');
}

/** Which peers to run: `auto` each one installed, `none`, or a comma-separated list. */
function choosePeers(spec: string): { prometheus: boolean; victoriaMetrics: boolean } {
  const installed = installedPeers();
  if (spec === 'auto') return installed;
  const asked = new Set(spec === 'none' ? [] : spec.split(','));
  for (const name of asked)
    if (name !== 'prometheus' && name !== 'victoria-metrics')
      throw new Error(`--peers ${spec}: name auto, none, or peers from prometheus,victoria-metrics (comma-separated)`);
  const want = { prometheus: asked.has('prometheus'), victoriaMetrics: asked.has('victoria-metrics') };
  if (want.prometheus && !installed.prometheus)
    throw new Error('--peers prometheus: prometheus and promtool are not installed (Debian package prometheus)');
  if (want.victoriaMetrics && !installed.victoriaMetrics)
    throw new Error('--peers victoria-metrics: victoria-metrics is not installed (Debian package victoria-metrics)');
  return want;
}

/** Waits until a server is done with what loading left it (sealing, compaction, merges). */
async function settle(name: string, pid: number): Promise<void> {
  await waitForIdle(pid, {
    onBusy: (cores, ms) => progress(`${name}: settling after the load (${cores.toFixed(1)} cores), ${(ms / 1000).toFixed(0)} s`),
  });
  progress('');
}
