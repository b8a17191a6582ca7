// The store's read paths that the shared query set (../shared/bench/queries.txt) spends its
// "select" and "decode" time in, without the engine: rollup buckets of many series,
// selects with and without their samples, times only. Reads go through a StoreReplica,
// as query workers read, on the fleet store that libs/http-api/bench/http-queries.bench.ts
// loads and keeps (run that once first). Prints medians of wall and process CPU time and
// a digest of what each read returned (from a first, untimed run), so that two builds can
// be checked for the same answers. Asserts nothing.
//
//   node --import tsx libs/tsdb/bench/read.bench.ts [--runs 9] [--only N] [--dir DIR]
//     [--hosts 50] [--hours 24] [--jitter-ms 250]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, parseBenchArgs, printTable } from '@metrics-hub/testing';
import type { LabelMatcher } from '@metrics-hub/wire';
import { StoreReplica } from '../src/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { runs: 9, only: 0, hosts: 50, hours: 24, jitterMs: 250 });
const dir = args.dir ?? join(tmpdir(), 'metrics-hub-bench');
const name = `fleet-${args.hosts}h-${args.hours}h-j${args.jitterMs}`;
const path = join(dir, `${name}.db`);
const marker = join(dir, `${name}.json`);
if (!existsSync(path) || !existsSync(marker)) {
  throw new Error(
    `no fleet store at ${path}: run \`node --import tsx libs/http-api/bench/http-queries.bench.ts --only 14\` once (same --hosts, --hours, --jitter-ms, --dir) to load it`,
  );
}
const info = JSON.parse(readFileSync(marker, 'utf8')) as { end: number };
const end = Math.floor(info.end / 60_000) * 60_000;
const start = end - args.hours * 3_600_000;
const replica = StoreReplica.open({ path });

const eq = (n: string, value: string): LabelMatcher => ({ type: '=', name: n, value });
const metric = (value: string, ...more: LabelMatcher[]): LabelMatcher[] => [eq('__name__', value), ...more];
const scratch = { timestamps: new Float64Array(1 << 16), values: new Float64Array(1 << 16) };

interface Read {
  what: string;
  /** Reads and feeds what it read to the digest; returns the series and the numbers (samples or buckets) read. */
  run(digest: (bytes: Float64Array, n: number) => void): { series: number; numbers: number };
}

/** Rollup buckets over the query range and a rate's 5 m before it (queries 1, 2, 4, 6, 11). */
function buckets(what: string, matchers: LabelMatcher[], lookbackMs: number): Read {
  return {
    what,
    run(digest) {
      let numbers = 0;
      let series = 0;
      for (const s of replica.selectBuckets(matchers, start - lookbackMs, end, 60_000) ?? []) {
        series++;
        numbers += s.buckets.length;
        digest(s.buckets.ends, s.buckets.length);
        for (const c of s.buckets.columns) digest(c, s.buckets.length);
      }
      return { series, numbers };
    },
  };
}

/** A select as the engine makes it (all samples read right away), with the samples when `mode` says. */
function samples(what: string, matchers: LabelMatcher[], mode: 'none' | 'times' | 'all'): Read {
  return {
    what,
    run(digest) {
      let numbers = 0;
      const found = replica.select(matchers, start - 300_000, end, { readsAll: true });
      if (mode !== 'none') {
        for (const s of found) {
          const b = s.samples!(scratch, { timesOnly: mode === 'times' });
          numbers += b.length;
          digest(b.timestamps, b.length);
          if (mode === 'all') digest(b.values, b.length);
        }
      }
      return { series: found.length, numbers };
    },
  };
}

const reads: Read[] = [
  buckets(
    'buckets node_cpu_seconds_total{mode!="idle"} (q1)',
    metric('node_cpu_seconds_total', { type: '!=', name: 'mode', value: 'idle' }),
    300_000,
  ),
  buckets('buckets node_load5, 1 h before (q6)', metric('node_load5'), 3_600_000),
  samples('select node_cpu_seconds_total (q10)', metric('node_cpu_seconds_total'), 'none'),
  samples('select + times only, same (q10)', metric('node_cpu_seconds_total'), 'times'),
  samples('select + samples node_memory_MemAvailable_bytes (q3)', metric('node_memory_MemAvailable_bytes'), 'all'),
  samples('select node_filesystem_avail_bytes (q7, q13)', metric('node_filesystem_avail_bytes'), 'none'),
];
const chosen = args.only ? [reads[args.only - 1]] : reads;
if (chosen.some((r) => r === undefined)) throw new Error(`--only takes 1 to ${reads.length}`);

const rows: [string, string][] = [];
for (const read of chosen) {
  const wall: number[] = [];
  const cpu: number[] = [];
  // A first run, untimed, hashes what the read returned (and warms up).
  const hash = createHash('sha256');
  replica.read(() => read.run((a, n) => hash.update(new Uint8Array(a.buffer, a.byteOffset, n * 8))));
  const digest = read.what.startsWith('select ') && !read.what.includes('+') ? '-' : hash.digest('hex').slice(0, 12);
  let last = { series: 0, numbers: 0 };
  for (let r = 0; r < args.runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = replica.read(() => read.run(() => {}));
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
  }
  rows.push([
    read.what,
    `${median(wall).toFixed(1).padStart(7)} ms (cpu ${median(cpu).toFixed(1).padStart(6)}, least ${Math.min(...cpu)
      .toFixed(1)
      .padStart(6)})  ${String(last.series).padStart(5)} series ${String(last.numbers).padStart(9)} read  ${digest}`,
  ]);
}
printTable(`store reads through a replica: ${name}, ${args.hours} h, median of ${args.runs} (wall, process CPU, least CPU)`, rows);
replica.close();
