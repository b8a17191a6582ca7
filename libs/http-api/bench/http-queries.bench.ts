// The shared query set (../shared/bench/queries.txt) over HTTP, against the real store
// and the real API in this process: each query as a 24 h range query at 60 s step, as
// Grafana asks it (gzip accepted), timed from the request to the last byte, with the
// server's split from `stats=all` (select, decode, evaluate, sort, encode; what is left
// is gzip, the socket and the client). Prints a table of medians and a digest of each
// answer (asked once without stats), so that two runs can be checked byte for byte.
//
//   npx tsx libs/http-api/bench/http-queries.bench.ts [--hosts 50] [--hours 24] [--jitter-ms 250]
//     [--runs 3] [--only N] [--rollups 0|1] [--dir DIR]
//
// The store is loaded once per (hosts, hours, jitter) and kept in DIR (default
// $TMPDIR/metrics-hub-bench) for the next run; delete the folder to load it again.
// `--only N` runs the Nth query of the set alone (for `node --cpu-prof`); `--rollups 0`
// makes the engine read raw samples where it would read the store's 1 m or 1 h buckets.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore, type AppendSeries } from '@metrics-hub/tsdb';
import { datasetPath, loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { createPrometheusApi } from '../src/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 24, jitterMs: 250, runs: 3, only: 0, rollups: 1 });
const queries = readFileSync(join(datasetPath(), '..', 'queries.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const chosen = args.only ? [queries[args.only - 1]] : queries;
if (chosen.some((q) => q === undefined)) throw new Error(`--only takes 1 to ${queries.length}`);

const store = await openFleetStore();
const end = Math.floor(store.end / 60_000) * 60_000;
const start = end - args.hours * 3_600_000;
const api = createPrometheusApi({
  engine: new Engine({ useRollups: args.rollups !== 0 }),
  queryable: store.store,
  series: (m, mint, maxt) => store.store.series(m, mint, maxt),
  labelNames: (m) => store.store.labelNames(m),
  labelValues: (name, m) => store.store.labelValues(name, m),
  metadata: () => new Map(),
  buildInfo: { version: '3.0.0' },
});
const server = createServer((req, res) => {
  void api(req, res).then((answered) => {
    if (!answered) res.writeHead(404).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

interface Split {
  total: number;
  /** CPU time of this process (all threads) during the request: steadier than wall time on a busy machine. */
  cpu: number;
  select: number;
  decode: number;
  evaluate: number;
  sort: number;
  encode: number;
  rest: number;
}
const rows: [string, string][] = [];
const sums: Split = { total: 0, cpu: 0, select: 0, decode: 0, evaluate: 0, sort: 0, encode: 0, rest: 0 };
let slowest = 0;
for (const q of chosen) {
  const runs: Split[] = [];
  for (let r = 0; r < args.runs; r++) runs.push(await timed(q));
  const median = (k: keyof Split) => runs.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const m: Split = {
    total: median('total'),
    cpu: median('cpu'),
    select: median('select'),
    decode: median('decode'),
    evaluate: median('evaluate'),
    sort: median('sort'),
    encode: median('encode'),
    rest: median('rest'),
  };
  for (const k of Object.keys(sums) as (keyof Split)[]) sums[k] += m[k];
  slowest = Math.max(slowest, m.total);
  const plain = await get(q, false);
  const digest = createHash('sha256').update(plain.body).digest('hex').slice(0, 12);
  rows.push([
    q.length > 60 ? `${q.slice(0, 57)}...` : q,
    `${fmtSplit(m)}  ${(plain.body.length / 1024).toFixed(0).padStart(6)} KiB  ${digest}`,
  ]);
}
rows.push(['whole set', `${fmtSplit(sums)}  slowest ${slowest.toFixed(0)} ms`]);
printTable(
  `/api/v1/query_range over HTTP: ${store.series} series, ${args.hours} h, jitter ${args.jitterMs} ms, 60 s step, median of ${args.runs} (ms: total (process CPU) = select + decode + eval + sort + encode + rest: gzip, socket, client)`,
  rows,
);
server.close();
store.store.close();

function fmtSplit(s: Split): string {
  const f = (v: number, w = 6) => v.toFixed(0).padStart(w);
  return `${f(s.total)} (cpu ${f(s.cpu, 5)}) = ${f(s.select, 4)} + ${f(s.decode, 4)} + ${f(s.evaluate, 5)} + ${f(s.sort, 3)} + ${f(s.encode, 4)} + ${f(s.rest, 4)}`;
}

async function timed(q: string): Promise<Split> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { body, gzipped } = await get(q, true);
  const total = performance.now() - t0;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1000;
  const json = JSON.parse((gzipped ? gunzipSync(body) : body).toString('utf8')) as {
    status: string;
    error?: string;
    data: { stats?: { timings: Record<string, number>; hub?: Record<string, number> } };
  };
  if (json.status !== 'success') throw new Error(`${q}: ${json.error}`);
  const t = json.data.stats?.timings;
  const hub = json.data.stats?.hub;
  if (!t || !hub) return { total, cpu, select: 0, decode: 0, evaluate: 0, sort: 0, encode: 0, rest: total };
  const ms = (s: number | undefined) => (s ?? 0) * 1000;
  const select = ms(hub.selectTime);
  const decode = ms(hub.decodeTime);
  const sort = ms(t.resultSortTime);
  const evaluate = ms(t.execTotalTime) - select - decode - sort;
  const encode = ms(hub.encodeTime);
  return { total, cpu, select, decode, evaluate, sort, encode, rest: total - select - decode - evaluate - sort - encode };
}

function get(q: string, stats: boolean): Promise<{ body: Buffer; gzipped: boolean }> {
  const params = new URLSearchParams({ query: q, start: String(start / 1000), end: String(end / 1000), step: '60' });
  if (stats) params.set('stats', 'all');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/api/v1/query_range?${params}`, headers: stats ? { 'Accept-Encoding': 'gzip' } : {} },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(parts), gzipped: res.headers['content-encoding'] === 'gzip' }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The fleet in a store file, loaded once per (hosts, hours, jitter) and reused by later runs. */
async function openFleetStore(): Promise<{ store: TimeSeriesStore; end: number; series: number }> {
  const dir = args.dir ?? join(tmpdir(), 'metrics-hub-bench');
  mkdirSync(dir, { recursive: true });
  const name = `fleet-${args.hosts}h-${args.hours}h-j${args.jitterMs}`;
  const path = join(dir, `${name}.db`);
  const marker = join(dir, `${name}.json`);
  if (existsSync(marker) && existsSync(path)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as { end: number; series: number };
    return { store: TimeSeriesStore.open({ path }), ...info };
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const fleet = await loadFleet(args.hosts, args.hours, { jitterMs: args.jitterMs });
  const store = TimeSeriesStore.open({ path });
  let refs: (number | undefined)[] | undefined;
  // Five minutes of scrapes per append: the agents' batches as a backlog arrives.
  const per = 30;
  for (let step = 0; step < fleet.steps; step += per) {
    const to = Math.min(fleet.steps, step + per);
    const batch: AppendSeries[] = fleet.series.map((s, i) => ({
      ...(refs ? { ref: refs[i] } : { labels: s.labels }),
      timestamps: s.timestamps.subarray(step, to),
      values: s.values.subarray(step, to),
    }));
    const appended = store.append(batch);
    refs ??= appended.refs;
    if ((step / per) % 24 === 0) progress(`loading ${((100 * step) / fleet.steps).toFixed(0)}%`);
  }
  store.flush();
  progress('');
  writeFileSync(marker, JSON.stringify({ end: fleet.end, series: fleet.series.length }));
  return { store, end: fleet.end, series: fleet.series.length };
}
