// The shared query set over HTTP against a real hub, its queries in the worker pool
// (query.max_concurrency 2) and on the main thread (0), each as a 24 h range query at 60 s
// step: per-query medians, totals, and what the pool adds (posting the job, the worker's
// catch-up, transferring the bytes). Also the PUBACK time of agent batches published while
// the query set runs, in both modes. Asserts nothing.
//
//   npx tsx libs/hub/bench/query-pool.bench.ts [--hosts 50] [--hours 24] [--runs 3]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore, type AppendSeries } from '@metrics-hub/tsdb';
import { datasetPath, loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { Hub } from '../src/hub.ts';
import { connectAsAgent, testHubConfig } from '../src/testing/test-hub-config.ts';
import { encodeBatch, topics } from '@metrics-hub/wire';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 24, runs: 3 });
const queries = readFileSync(join(datasetPath(), '..', 'queries.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

const fleet = await loadFleet(args.hosts, args.hours);
const dir = mkdtempSync(join(tmpdir(), 'query-pool-bench-'));
const store = TimeSeriesStore.open({ path: join(dir, 'metrics.db') });
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
store.close();
progress('');
// The samples are in the store now: dropped here, so that collecting them does not pause
// the hub's thread (this process hosts the hub) while PUBACKs are timed.
fleet.series.length = 0;
(globalThis as { gc?: () => void }).gc?.();

const end = Math.floor(fleet.end / 60_000) * 60_000;
const start = end - args.hours * 3_600_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(concurrency: number): Promise<{ perQuery: number[]; pubacks: number[]; firstMs: number }> {
  const hub = await Hub.start(testHubConfig(dir, ['query:', `  max_concurrency: ${concurrency}`, 'fleet:', '  up_interval: 1h']), {
    now: () => fleet.end,
    log: () => {},
  });
  const { host, port } = hub.httpAddress;
  const ask = async (query: string) => {
    const res = await fetch(
      `http://${host}:${port}/api/v1/query_range?${new URLSearchParams({ query, start: String(start / 1000), end: String(end / 1000), step: '60' })}`,
      { headers: { 'accept-encoding': 'gzip' } },
    );
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${query}: ${res.status}`);
  };
  let t = performance.now();
  await ask('vector(1)');
  const firstMs = performance.now() - t;
  const perQuery = queries.map(() => [] as number[]);
  const pubacks: number[] = [];
  let running = true;
  let seq = 1;
  // An agent publishing every 100 ms while the queries run: how long its PUBACKs take.
  const client = await connectAsAgent(hub, 'bench-agent');
  const topic = topics.samples(hub.config.topicPrefix, 'bench-agent');
  const agent = (async () => {
    while (running) {
      const s = seq++;
      const payload = encodeBatch({
        agentId: 'bench-agent',
        firstSeq: s,
        lastSeq: s,
        createdMs: fleet.end,
        series: [
          {
            labels: { __name__: 'bench_beat', instance: 'bench-agent' },
            timestamps: Float64Array.of(fleet.end - 60_000 + s),
            values: Float64Array.of(s),
          },
        ],
      });
      const began = performance.now();
      await client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
      pubacks.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  for (let run = 0; run < args.runs; run++) {
    for (let i = 0; i < queries.length; i++) {
      t = performance.now();
      await ask(queries[i]);
      perQuery[i].push(performance.now() - t);
    }
  }
  running = false;
  await agent;
  await client.endAsync(true);
  await hub.stop();
  return { perQuery: perQuery.map(median), pubacks, firstMs };
}

const pooled = await measure(2);
const inline = await measure(0);
rmSync(dir, { recursive: true, force: true });
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const rows: [string, string][] = queries.map((q, i) => [
  q.length > 70 ? `${q.slice(0, 67)}...` : q,
  `${pooled.perQuery[i].toFixed(0).padStart(6)} ${inline.perQuery[i].toFixed(0).padStart(6)}`,
]);
rows.push(['total (medians)', `${total(pooled.perQuery).toFixed(0).padStart(6)} ${total(inline.perQuery).toFixed(0).padStart(6)}`]);
rows.push([
  'first query (worker start, replica load)',
  `${pooled.firstMs.toFixed(0).padStart(6)} ${inline.firstMs.toFixed(0).padStart(6)}`,
]);
const pub = (xs: number[]) => `${median(xs).toFixed(1)}/${Math.max(...xs).toFixed(0)}`;
rows.push(['PUBACK ms while the queries run (median/max)', `${pub(pooled.pubacks)} ${pub(inline.pubacks)}`]);
printTable(`${args.hosts} hosts x ${args.hours} h, 24 h range queries at 60 s over HTTP: pool (2 workers) ms, main thread ms`, rows);
