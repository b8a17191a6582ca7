// Ingest, size and read figures for the store on the shared benchmark fleet
// (../shared/bench/dataset.mjs), with evenly spaced timestamps and with jittered ones (as
// real scrapes have them: ±250 ms by default), in the same run. The figure users get on
// their own data comes from the import path: apps/desktop/bench/import.bench.ts.
// Prints figures; asserts nothing.
//
//   npx tsx libs/tsdb/bench/store.bench.ts [--hosts 50] [--hours 24] [--jitter-ms 250] [--dir /tmp]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { TimeSeriesStore, type AppendSeries } from '../src/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 24, jitterMs: 250, windowHours: 0, maxSamples: 0, pageSize: 0 });

async function measure(jitterMs: number): Promise<{ title: string; rows: [string, string][] }> {
  const fleet = await loadFleet(args.hosts, args.hours, { jitterMs });
  const dir = mkdtempSync(join(args.dir ?? tmpdir(), 'tsdb-bench-'));
  const path = join(dir, 'bench.db');
  const rssBefore = process.memoryUsage().rss;

  const store = TimeSeriesStore.open({
    path,
    ...(args.windowHours ? { chunkWindowMs: args.windowHours * 3_600_000 } : {}),
    ...(args.maxSamples ? { chunkMaxSamples: args.maxSamples } : {}),
    ...(args.pageSize ? { pageSize: args.pageSize } : {}),
  });
  const steps = fleet.steps;
  let appendMs = 0;
  let refs: (number | undefined)[] | undefined;
  const wallStart = performance.now();
  for (let step = 0; step < steps; step++) {
    // One batch per scrape round of the whole fleet: ~2,200 samples, one per series.
    const batch: AppendSeries[] = new Array(fleet.series.length);
    for (let s = 0; s < fleet.series.length; s++) {
      const series = fleet.series[s];
      batch[s] = refs
        ? { ref: refs[s], timestamps: [series.timestamps[step]], values: series.values.subarray(step, step + 1) }
        : { labels: series.labels, timestamps: [series.timestamps[step]], values: series.values.subarray(step, step + 1) };
    }
    const t0 = performance.now();
    const result = store.append(batch);
    appendMs += performance.now() - t0;
    refs ??= result.refs;
    if (step % 360 === 0) progress(`ingest ${((step / steps) * 100).toFixed(0)}%`);
  }
  const flushStart = performance.now();
  store.flush();
  const flushMs = performance.now() - flushStart;
  const wallMs = performance.now() - wallStart;
  progress('');
  const stats = store.stats();
  const fileBytes = statSync(path).size;

  // Reads: one series over the whole range, and 1,000 series over the last hour.
  const end = fleet.end;
  const oneSeries = [
    { type: '=' as const, name: '__name__', value: 'node_network_receive_bytes_total' },
    { type: '=' as const, name: 'instance', value: fleet.series[0].labels.instance },
  ];
  const readRate = (matchers: Parameters<TimeSeriesStore['select']>[0], mint: number, maxt: number, limit: number, runs: number) => {
    const rates: number[] = [];
    let samples = 0;
    let seriesCount = 0;
    for (let r = 0; r < runs; r++) {
      // Each run repeats the read for at least 200 ms so that timer noise does not dominate.
      const t0 = performance.now();
      let total = 0;
      do {
        samples = 0;
        const selected = store.select(matchers, mint, maxt).slice(0, limit);
        seriesCount = selected.length;
        for (const s of selected) for (const b of s.blocks()) samples += b.length;
        total += samples;
      } while (performance.now() - t0 < 200);
      rates.push(total / ((performance.now() - t0) / 1000));
    }
    rates.sort((a, b) => a - b);
    return { samples, series: seriesCount, rate: rates[Math.floor(runs / 2)] };
  };
  const one = readRate(oneSeries, end - args.hours * 3_600_000, end, 1, 9);
  const many = readRate(
    [{ type: '=~', name: '__name__', value: 'node_cpu_seconds_total|node_memory.*|node_load.*' }],
    end - 3_600_000,
    end,
    1000,
    7,
  );
  const rssPeak = process.resourceUsage().maxRSS * 1024;
  store.close();
  rmSync(dir, { recursive: true, force: true });

  return {
    title: `tsdb on ${fleet.series.length} series x ${steps} steps (${fleet.samples.toLocaleString('en')} samples, ${args.hosts} hosts, ${args.hours} h; chunk window ${store.options.chunkWindowMs / 3_600_000} h, max ${store.options.chunkMaxSamples} samples, page ${store.options.pageSize} B; ${jitterMs ? `timestamps jittered ±${jitterMs} ms` : 'evenly spaced timestamps'})`,
    rows: [
      ['ingest (append calls only)', `${Math.round(fleet.samples / (appendMs / 1000)).toLocaleString('en')} samples/s`],
      [
        'ingest (wall, incl. batch building and final flush)',
        `${Math.round(fleet.samples / (wallMs / 1000)).toLocaleString('en')} samples/s (flush ${flushMs.toFixed(0)} ms)`,
      ],
      ['file after checkpoint', `${(fileBytes / 1e6).toFixed(2)} MB = ${(fileBytes / fleet.samples).toFixed(3)} bytes/sample`],
      [
        '  raw chunk payload',
        `${(stats.chunkBytes / fleet.samples).toFixed(3)} bytes/sample in ${stats.chunks.toLocaleString('en')} chunks`,
      ],
      ['  rollup payload (1 m + 1 h)', `${(stats.rollupBytes / fleet.samples).toFixed(3)} bytes/sample`],
      [
        'peak RSS',
        `${(rssPeak / 1e6).toFixed(0)} MB (dataset held in memory: ${(rssBefore / 1e6).toFixed(0)} MB before opening the store)`,
      ],
      [`select+decode 1 series x ${args.hours} h`, `${Math.round(one.rate).toLocaleString('en')} samples/s (${one.samples} samples)`],
      [`select+decode ${many.series} series x 1 h`, `${Math.round(many.rate).toLocaleString('en')} samples/s (${many.samples} samples)`],
    ],
  };
}

// Even first: the jittered fleet is generated once the first is gone.
for (const jitterMs of [0, args.jitterMs]) {
  const { title, rows } = await measure(jitterMs);
  printTable(title, rows);
  globalThis.gc?.();
}
