// Cold storage on the shared benchmark fleet: how long archiving a day takes, its size,
// and reads of an archived day (first open, verified, and cached) against a hot day.
// Prints figures; asserts nothing.
//
//   npx tsx libs/tsdb/bench/archive.bench.ts [--hosts 10] [--hours 72] [--dir /tmp]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { TimeSeriesStore, type AppendSeries } from '../src/index.ts';

const DAY = 86_400_000;
const args = parseBenchArgs(process.argv.slice(2), { hosts: 10, hours: 72 });
const fleet = await loadFleet(args.hosts, args.hours);
const dir = mkdtempSync(join(args.dir ?? tmpdir(), 'archive-bench-'));
const archiveLog: string[] = [];
const store = TimeSeriesStore.open({
  path: join(dir, 'bench.db'),
  // Retention far away while loading, so that archiving is measured on its own below.
  retention: { rawMs: 400 * DAY, rollup1mMs: 400 * DAY, rollup1hMs: 400 * DAY },
  outOfOrderWindowMs: DAY,
  archive: { dir: join(dir, 'archive'), log: (l) => archiveLog.push(l) },
});
let refs: (number | undefined)[] | undefined;
for (let step = 0; step < fleet.steps; step++) {
  const batch: AppendSeries[] = fleet.series.map((s, k) =>
    refs
      ? { ref: refs[k], timestamps: [s.timestamps[step]], values: s.values.subarray(step, step + 1) }
      : { labels: s.labels, timestamps: [s.timestamps[step]], values: s.values.subarray(step, step + 1) },
  );
  const appended = store.append(batch);
  refs ??= appended.refs;
  if (step % 720 === 0) progress(`ingest ${((step / fleet.steps) * 100).toFixed(0)}%`);
}
store.flush();
progress('');
const before = store.stats();

// Now the store keeps one day hot: every whole day before that is archived.
store.options.retention.rawMs = DAY;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const t0 = performance.now();
store.applyRetention();
// What an append pays: retention returns at once, the archiving runs beside appends.
const blockedMs = performance.now() - t0;
const result = await store.archiveSettled();
const archiveMs = performance.now() - t0;
loop.disable();
const status = store.archiveStatus()!;
const archivedSamples = before.samples - store.stats().samples;

const all = [{ type: '=~' as const, name: '__name__', value: '.+' }];
const readDay = (dayStart: number) => {
  const t = performance.now();
  let samples = 0;
  for (const s of store.select(all, dayStart + 1, dayStart + DAY)) for (const b of s.blocks()) samples += b.length;
  return { ms: performance.now() - t, samples };
};
const firstArchived = status.archivedThrough! - DAY;
const cold = readDay(firstArchived);
const cached = readDay(firstArchived);
const hotDay = Math.floor(fleet.end / DAY) * DAY - DAY;
const hot = readDay(hotDay);
store.close();
rmSync(dir, { recursive: true, force: true });

printTable(`cold storage on ${fleet.series.length} series x ${fleet.steps} steps (${args.hosts} hosts, ${args.hours} h)`, [
  ['days archived', `${result.daysArchived} (${archivedSamples.toLocaleString('en')} samples, ${status.files} files)`],
  [
    'archiving (writes + deletes, beside appends)',
    `${archiveMs.toFixed(0)} ms = ${(archiveMs / Math.max(1, result.daysArchived)).toFixed(0)} ms per day; the append that starts it waits ${blockedMs.toFixed(1)} ms`,
  ],
  ['longest stall of other work meanwhile (event-loop delay)', `${(loop.max / 1e6).toFixed(0)} ms`],
  [
    'archive size',
    `${(status.bytes / 1e6).toFixed(2)} MB = ${(status.bytes / archivedSamples).toFixed(3)} bytes/sample (store chunk payload: ${(before.chunkBytes / before.samples).toFixed(3)})`,
  ],
  [
    'read one archived day, every series: first (open + sha-256 check)',
    `${cold.ms.toFixed(0)} ms for ${cold.samples.toLocaleString('en')} samples`,
  ],
  ['  again (file open, index cached)', `${cached.ms.toFixed(0)} ms`],
  ['read one hot day, every series', `${hot.ms.toFixed(0)} ms for ${hot.samples.toLocaleString('en')} samples`],
]);
