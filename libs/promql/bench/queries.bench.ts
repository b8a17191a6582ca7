// The shared query set (../shared/bench/queries.txt) over the shared fleet in the real
// store: each query as a 24 h range query at 60 s step and as an instant query at the end.
// Prints per-query time (median of runs) and series/points returned; asserts nothing.
// With --prometheus-data DIR (blocks made by `promtool tsdb create-blocks-from openmetrics`
// from `node ../shared/bench/dataset.mjs`), also starts Debian's `prometheus` on that data,
// runs the same queries over its HTTP API and compares times and answers side by side.
//
//   npx tsx libs/promql/bench/queries.bench.ts [--hosts 50] [--hours 24] [--runs 3] [--prometheus-data DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TimeSeriesStore, type AppendSeries } from '@metrics-hub/tsdb';
import { benchQueries, loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { Engine, type QueryResult } from '../src/index.ts';
import { versusPrometheus } from './versus-prometheus.ts';

const argv = process.argv.slice(2);
const promIndex = argv.indexOf('--prometheus-data');
const prometheusData = promIndex >= 0 ? argv.splice(promIndex, 2)[1] : undefined;
const args = parseBenchArgs(argv, { hosts: 50, hours: 24, runs: 3 });
const queries = benchQueries();

const fleet = await loadFleet(args.hosts, args.hours);
const dir = mkdtempSync(join(tmpdir(), 'promql-bench-'));
const store = TimeSeriesStore.open({ path: join(dir, 'bench.db') });
let refs: (number | undefined)[] | undefined;
for (let step = 0; step < fleet.steps; step++) {
  const batch: AppendSeries[] = fleet.series.map((s, i) =>
    refs
      ? { ref: refs[i], timestamps: [s.timestamps[step]], values: s.values.subarray(step, step + 1) }
      : { labels: s.labels, timestamps: [s.timestamps[step]], values: s.values.subarray(step, step + 1) },
  );
  const appended = store.append(batch);
  refs ??= appended.refs;
  if (step % 720 === 0) progress(`loading ${((100 * step) / fleet.steps).toFixed(0)}%`);
}
store.flush();
progress('');

const engine = new Engine();
// Start and end on whole steps, as Grafana asks by default.
const end = Math.floor(fleet.end / 60_000) * 60_000;
const start = end - args.hours * 3_600_000;
const rows: [string, string][] = [];
const results: { query: string; rangeMs: number; instantMs: number; series: number; points: number; answer: QueryResult }[] = [];
// For the side-by-side check: the same engine with Prometheus 2.x's closed windows, since
// the Debian server is 2.42 and windows of 3.x (ours) exclude the left edge.
const closedWindows = new Engine({ leftClosedWindows: true });
let total = 0;
for (const q of queries) {
  const times: number[] = [];
  let series = 0;
  let points = 0;
  let answer!: QueryResult;
  for (let r = 0; r < args.runs; r++) {
    const t0 = performance.now();
    const res = engine.rangeQuery(store, q, start, end, 60_000);
    times.push(performance.now() - t0);
    answer = res;
    if (res.data.resultType === 'matrix') {
      series = res.data.result.length;
      points = res.data.result.reduce((a, s) => a + s.points.length, 0);
    }
  }
  times.sort((a, b) => a - b);
  const rangeMs = times[Math.floor(times.length / 2)];
  const t1 = performance.now();
  engine.instantQuery(store, q, end);
  const instantMs = performance.now() - t1;
  total += rangeMs;
  if (prometheusData) answer = closedWindows.rangeQuery(store, q, start, end, 60_000);
  results.push({ query: q, rangeMs, instantMs, series, points, answer });
  rows.push([
    q.length > 70 ? `${q.slice(0, 67)}...` : q,
    `${rangeMs.toFixed(0).padStart(6)} ms range  ${instantMs.toFixed(1).padStart(6)} ms instant  ${series} series, ${points} points`,
  ]);
}
rows.push([
  'whole set (24 h range queries at 60 s)',
  `${total.toFixed(0)} ms, slowest ${Math.max(...results.map((r) => r.rangeMs)).toFixed(0)} ms`,
]);
printTable(`PromQL over the store: ${fleet.series.length} series, ${args.hours} h, median of ${args.runs} runs`, rows);
store.close();
rmSync(dir, { recursive: true, force: true });
if (prometheusData) await versusPrometheus(prometheusData, results, start, end, args.runs);
