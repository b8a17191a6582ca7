import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_NAN, type Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { HOUR_MS, MINUTE_MS } from '../rollup.ts';
import { TimeSeriesStore, type SelectHints, type StoredSeries } from '../store.ts';
import type { StoreOptions } from '../options.ts';
import { ArchiveDamagedError, DayFile, DayFileWriter } from './day-file.ts';

const DAY = 24 * HOUR_MS;
const T0 = Date.UTC(2026, 9, 1);
const eq = (name: string, value: string) => ({ type: '=' as const, name, value });
const all = [{ type: '=~' as const, name: '__name__', value: '.+' }];

/** Samples as "t:bits" so NaN payloads (staleness markers) and -0 are compared exactly. */
function contents(series: StoredSeries[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of series) {
    const rows: string[] = [];
    for (const b of s.blocks()) {
      const words = new Uint32Array(b.values.buffer, b.values.byteOffset, b.length * 2);
      for (let i = 0; i < b.length; i++) rows.push(`${b.timestamps[i]}:${words[2 * i]}:${words[2 * i + 1]}`);
    }
    out.set(JSON.stringify(s.labels), rows);
  }
  return out;
}

function notes(): SelectHints & { infos: string[]; warnings: string[] } {
  const n = { infos: [] as string[], warnings: [] as string[] };
  return { ...n, annotate: (level, message) => (level === 'info' ? n.infos : n.warnings).push(message) };
}

/**
 * Six days at one sample a minute (jittered) for three series: a counter, a gauge with special
 * floats and a staleness marker, and one that stops after day 2 (only the archive keeps it);
 * plus late samples for the gauge, appended after their minute.
 */
async function feed(store: TimeSeriesStore, days = 6): Promise<void> {
  const counter: Labels = { __name__: 'requests_total', host: 'a' };
  const gauge: Labels = { __name__: 'temperature_celsius', host: 'a' };
  const gone: Labels = { __name__: 'temperature_celsius', host: 'retired' };
  const perBatch = 60;
  for (let t = T0 + MINUTE_MS; t <= T0 + days * DAY; t += perBatch * MINUTE_MS) {
    // Jittered, as real scrapes are (the store keeps such timestamps as shared timelines,
    // which archived chunks must carry inline); the last, on an hour, stays there.
    const jitter = (i: number) => (i === perBatch - 1 ? 0 : ((i * 7919) % 401) - 200);
    const ts = Float64Array.from({ length: perBatch }, (_, i) => t + i * MINUTE_MS + jitter(i));
    const c = Float64Array.from(ts, (x) => Math.floor((x - T0) / 1000));
    const g = Float64Array.from(ts, (x, i) =>
      i === 7 ? Infinity : i === 8 ? -Infinity : i === 9 ? -0 : i === 10 ? STALE_NAN : Math.sin(x / 3.6e6) * 20 + 0.1,
    );
    const late = Float64Array.from(ts, (x) => x - 30_000).filter((_, i) => i % 10 === 0);
    const batch = [
      { labels: counter, timestamps: ts, values: c },
      { labels: gauge, timestamps: ts, values: g },
    ];
    if (t < T0 + 2 * DAY) batch.push({ labels: gone, timestamps: ts, values: g });
    store.append(batch);
    store.append([{ labels: gauge, timestamps: late, values: Float64Array.from(late, (x) => x / 1e9) }]);
  }
  // Appends run retention once per chunk window of data; settle it at the newest sample,
  // and let the archiving that runs beside appends finish.
  store.applyRetention();
  await store.archiveSettled();
}

let dir: TempDir;
let archiveDir: string;
let logs: string[];
let open: (o?: Partial<StoreOptions>) => TimeSeriesStore;
beforeEach(() => {
  dir = tempDir('cold-');
  archiveDir = dir.file('archive');
  logs = [];
  open = (o = {}) =>
    TimeSeriesStore.open({
      path: dir.file('hub.db'),
      retention: { rawMs: 2 * DAY, rollup1mMs: 90 * DAY, rollup1hMs: 730 * DAY },
      archive: { dir: archiveDir, log: (l) => logs.push(l) },
      ...o,
    });
});
afterEach(() => dir.remove());

async function reference(): Promise<TimeSeriesStore> {
  const ref = TimeSeriesStore.open({
    path: dir.file('reference.db'),
    retention: { rawMs: 30 * DAY, rollup1mMs: 90 * DAY, rollup1hMs: 730 * DAY },
  });
  await feed(ref);
  return ref;
}

function archiveFiles(): string[] {
  return readdirSync(archiveDir)
    .filter((n) => n.endsWith('.mharc'))
    .sort();
}

function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] ^= 0x5a;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

describe('cold storage', () => {
  it('moves whole days past retention into per-day files and answers the same reads', async () => {
    const ref = await reference();
    const store = open();
    await feed(store);
    // Newest sample is the end of day 6; raw retention 2 days: days 1-4 are archived.
    expect(archiveFiles()).toEqual(['2026-10-01.mharc', '2026-10-02.mharc', '2026-10-03.mharc', '2026-10-04.mharc']);
    const status = store.archiveStatus()!;
    expect(status.archivedThrough).toBe(T0 + 4 * DAY);
    expect(status.files).toBe(4);
    expect(status.damaged).toEqual([]);
    expect(logs.filter((l) => l.includes('archived 2026-10-0')).length).toBe(4);

    // Every sample, bit for bit, over the whole range and over windows across the boundary.
    for (const [mint, maxt] of [
      [T0, T0 + 6 * DAY],
      [T0 + 3 * DAY + 5 * HOUR_MS, T0 + 4 * DAY + 7 * HOUR_MS],
      [T0 + DAY - 30_000, T0 + DAY + 30_000],
    ]) {
      const hints = notes();
      const got = contents(store.select(all, mint, maxt, hints));
      expect(got).toEqual(contents(ref.select(all, mint, maxt)));
      expect(hints.infos.join()).toContain('read from the cold archive');
    }
    // Reads of hot days only say nothing about the archive.
    const hot = notes();
    store.select(all, T0 + 5 * DAY, T0 + 6 * DAY, hot);
    expect(hot.infos).toEqual([]);
    store.close();
    ref.close();
  });

  it('answers for a series the store has forgotten (all its rollups expired) from the archive alone', async () => {
    const ref = await reference();
    const store = open({ retention: { rawMs: 2 * DAY, rollup1mMs: 2 * DAY, rollup1hMs: 2 * DAY } });
    await feed(store);
    // The store forgets a series only once its chunks are archived and no journal row holds
    // its samples any more (flush truncates the journal): at the next retention run.
    expect(store.series([eq('host', 'retired')])).toHaveLength(1);
    store.flush();
    store.applyRetention();
    expect(store.series([eq('host', 'retired')])).toEqual([]);
    const retired = store.select([eq('host', 'retired')], T0, T0 + 6 * DAY);
    expect(retired.map((s) => s.ref)).toEqual([-1]);
    expect(contents(retired)).toEqual(contents(ref.select([eq('host', 'retired')], T0, T0 + 6 * DAY)));
    store.close();
    ref.close();
  });

  it('keeps the boundary across restarts and refuses samples of archived days', async () => {
    let store = open();
    await feed(store);
    store.close();
    store = open();
    expect(store.archiveStatus()!.archivedThrough).toBe(T0 + 4 * DAY);
    const late = store.append([
      { labels: { __name__: 'requests_total', host: 'a' }, timestamps: [T0 + 4 * DAY - MINUTE_MS / 2, T0 + 5 * DAY + 1], values: [1, 2] },
    ]);
    expect(late.tooOld).toBe(1);
    expect(late.outOfOrder).toBe(1);
    expect(contents(store.select(all, T0, T0 + DAY)).size).toBe(3);
    store.close();
  });

  it('reports a damaged file, leaves its day out and keeps answering from the others', async () => {
    const ref = await reference();
    let store = open();
    await feed(store);
    store.close();
    const damaged = join(archiveDir, '2026-10-02.mharc');
    flipByte(damaged, Math.floor(statSync(damaged).size / 2));
    store = open();
    const hints = notes();
    const got = contents(store.select(all, T0, T0 + 6 * DAY, hints));
    expect(hints.warnings.length).toBe(1);
    expect(hints.warnings[0]).toContain('2026-10-02.mharc is damaged (sha-256 mismatch');
    expect(hints.warnings[0]).toContain('restore the file from a backup');
    // Exactly day 2 is missing: everything else is there.
    const want = contents(ref.select(all, T0, T0 + 6 * DAY));
    for (const [key, rows] of want) {
      const outside = rows.filter((r) => {
        const t = Number(r.split(':')[0]);
        return t <= T0 + DAY || t > T0 + 2 * DAY;
      });
      expect(got.get(key) ?? []).toEqual(outside);
    }
    expect(store.archiveStatus()!.damaged).toEqual([{ file: damaged, reason: expect.stringContaining('sha-256') }]);
    expect(logs.some((l) => l.includes(`${damaged} is damaged`))).toBe(true);
    // The whole-archive check names the same file, and only it.
    const progress: number[] = [];
    expect(store.verifyArchive((done) => progress.push(done)).map((d) => d.file)).toEqual([damaged]);
    expect(progress).toEqual([1, 2, 3, 4]);
    store.close();
    ref.close();
  });

  it('catches a file cut short, and a block damaged after the file was opened', async () => {
    const store = open();
    await feed(store);
    const cut = join(archiveDir, '2026-10-01.mharc');
    truncateSync(cut, statSync(cut).size - 100);
    // Open day 3 (verified, cached), then damage one of its blocks underneath.
    const first = notes();
    expect(contents(store.select(all, T0 + 2 * DAY + 1, T0 + 3 * DAY, first)).size).toBe(2);
    const day3 = join(archiveDir, '2026-10-03.mharc');
    flipByte(day3, 20);
    const hints = notes();
    const got = contents(store.select(all, T0, T0 + 3 * DAY, hints));
    expect(hints.warnings.some((w) => w.includes('2026-10-03.mharc is damaged') && w.includes('crc32c'))).toBe(true);
    // The cut file is reported on every query that needs it.
    expect(hints.warnings.some((w) => w.includes('2026-10-01.mharc is damaged'))).toBe(true);
    for (const rows of got.values()) for (const r of rows) expect(Number(r.split(':')[0])).toBeGreaterThan(T0 + DAY);
    store.close();
  });

  it('archives a day again as a second part when the store was restored, and reads it once', async () => {
    let store = open();
    // Three days: day 1 is archived.
    await feed(store, 3);
    store.close();
    copyFileSync(dir.file('hub.db'), dir.file('before.db'));
    store = open();
    await feed(store);
    store.close();
    const before = archiveFiles();
    // A crash between writing day files and deleting their chunks: the store still has them.
    copyFileSync(dir.file('before.db'), dir.file('hub.db'));
    rmSync(dir.file('hub.db-wal'), { force: true });
    store = open();
    await feed(store);
    const after = archiveFiles();
    // Days 2-4 were archived after the copy: written again, as second parts, never over the first.
    expect(after.filter((f) => !before.includes(f))).toEqual(['2026-10-02.1.mharc', '2026-10-03.1.mharc', '2026-10-04.1.mharc']);
    const ref = await reference();
    expect(contents(store.select(all, T0, T0 + 6 * DAY))).toEqual(contents(ref.select(all, T0, T0 + 6 * DAY)));
    store.close();
    ref.close();
  });

  it('archives beside appends: they go on, the day being archived refuses late samples, and a close mid-way leaves the day whole', async () => {
    // 700 series: the writer lets other work run every 256 of them.
    const labels = Array.from({ length: 700 }, (_, k) => ({ __name__: 'wide_gauge', k: String(k) }));
    let store = open();
    for (let t = T0 + 600_000; t <= T0 + 4 * DAY; t += 3_600_000) {
      const ts = Float64Array.from({ length: 6 }, (_, i) => t + i * 600_000);
      store.append(labels.map((l, k) => ({ labels: l, timestamps: ts, values: Float64Array.from(ts, (x) => (x / 1e6 + k) % 97) })));
    }
    store.applyRetention();
    const before = contents(store.select([eq('k', '5')], T0, T0 + DAY));
    // Let archiving start and write its first slice of series (file opening takes a few turns).
    const writing = () => readdirSync(archiveDir).some((n) => n.endsWith('.tmp'));
    // Polled every turn (not on a timer) so the writer cannot finish in between; bounded in
    // time, not in turns: opening the file waits for the thread pool, slow on a busy machine.
    for (const until = Date.now() + 20_000; Date.now() < until && !writing(); ) await new Promise((r) => setImmediate(r));
    expect(writing()).toBe(true);
    expect(archiveFiles()).toEqual([]);
    const late = store.append([{ labels: { __name__: 'late_gauge' }, timestamps: [T0 + DAY / 2], values: [1] }]);
    expect(late.tooOld).toBe(1);
    const fresh = store.append([{ labels: labels[0], timestamps: [T0 + 4 * DAY + 600_000], values: [1] }]);
    expect(fresh.appended).toBe(1);
    store.close();
    // Nothing half-written is left once close() returns, and the day is still whole in the store.
    expect(readdirSync(archiveDir)).toEqual(['.metrics-hub-archive']);
    // The writer, stopped at its next turn, leaves nothing either.
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(archiveDir)).toEqual(['.metrics-hub-archive']);
    store = open();
    expect(store.archiveStatus()!.archivedThrough).toBeUndefined();
    expect(contents(store.select([eq('k', '5')], T0, T0 + DAY))).toEqual(before);
    store.applyRetention();
    expect((await store.archiveSettled()).daysArchived).toBe(2);
    expect(archiveFiles()).toEqual(['2026-10-01.mharc', '2026-10-02.mharc']);
    expect(contents(store.select([eq('k', '5')], T0, T0 + DAY))).toEqual(before);
    store.close();
  });

  it('archives nothing into a folder that lost its marker (a NAS not mounted), and goes on once it is back', async () => {
    let store = open();
    await feed(store, 4);
    store.close();
    const archived = archiveFiles();
    expect(archived.length).toBeGreaterThan(0);
    // Unmounted: the mount point is an empty folder.
    renameSync(archiveDir, `${archiveDir}.nas`);
    mkdirSync(archiveDir);
    store = open();
    expect(store.archiveStatus()!.unavailable).toMatch(
      /has no \.metrics-hub-archive file although days were archived there: is it mounted\?/,
    );
    expect(logs.some((l) => l.includes('is it mounted?'))).toBe(true);
    await feed(store);
    expect(readdirSync(archiveDir)).toEqual([]);
    expect(store.archiveStatus()!.lastError).toMatch(/is it mounted\?/);
    // The days that were due stay in the store, whole.
    const ref = await reference();
    const day = (s: TimeSeriesStore) => contents(s.select(all, T0 + 3 * DAY + 1, T0 + 4 * DAY));
    expect(day(store)).toEqual(day(ref));
    store.close();
    rmSync(archiveDir, { recursive: true });
    renameSync(`${archiveDir}.nas`, archiveDir);
    store = open();
    expect(store.archiveStatus()!.unavailable).toBeUndefined();
    store.applyRetention();
    expect((await store.archiveSettled()).daysArchived).toBeGreaterThan(0);
    expect(day(store)).toEqual(day(ref));
    expect(archiveFiles().length).toBeGreaterThan(archived.length);
    store.close();
    ref.close();
  });

  it('deletes archive files past the archive retention', async () => {
    const store = open({ archive: { dir: archiveDir, retentionMs: 3 * DAY } });
    await feed(store);
    // Newest: end of day 6; files whose day ended 3 days or more before it go.
    expect(archiveFiles()).toEqual(['2026-10-04.mharc']);
    store.close();
  });

  it('keeps a day in the store while its file cannot be written, and archives it once it can', async () => {
    mkdirSync(archiveDir, { recursive: true });
    const store = open();
    rmSync(archiveDir, { recursive: true });
    writeFileSync(archiveDir, 'not a folder');
    const ref = await reference();
    await feed(store);
    const status = store.archiveStatus()!;
    expect(status.archivedThrough).toBeUndefined();
    expect(status.lastError).toContain('check that the archive folder is mounted, writable and has space');
    expect(contents(store.select(all, T0, T0 + 6 * DAY))).toEqual(contents(ref.select(all, T0, T0 + 6 * DAY)));
    rmSync(archiveDir);
    mkdirSync(archiveDir);
    store.applyRetention();
    expect((await store.archiveSettled()).daysArchived).toBe(4);
    expect(store.archiveStatus()!.lastError).toBeUndefined();
    expect(contents(store.select(all, T0, T0 + 6 * DAY))).toEqual(contents(ref.select(all, T0, T0 + 6 * DAY)));
    store.close();
    ref.close();
  });

  it('sends bucket reads that reach past the rollups into archived days back to the samples', async () => {
    const store = open({ retention: { rawMs: 2 * DAY, rollup1mMs: 2 * DAY, rollup1hMs: 3 * DAY } });
    await feed(store);
    expect(store.selectBuckets(all, T0 + 5 * DAY, T0 + 6 * DAY, MINUTE_MS)).toBeDefined();
    expect(store.selectBuckets(all, T0 + DAY, T0 + 6 * DAY, MINUTE_MS)).toBeUndefined();
    expect(store.selectBuckets(all, T0 + DAY, T0 + 6 * DAY, HOUR_MS)).toBeUndefined();
    store.close();
  });
});

describe('archive day file', () => {
  it('round-trips chunks and refuses files with a bad signature, footer or version', async () => {
    const d = tempDir('dayfile-');
    const path = d.file('2026-10-01.mharc');
    const writer = await DayFileWriter.create(path);
    const written = await writer.finish({ day: '2026-10-01', startMs: T0, endMs: T0 + DAY, createdMs: 0 });
    expect(written.series).toBe(0);
    const file = DayFile.open(path);
    expect(file.index.series).toEqual([]);
    file.close();
    writeFileSync(d.file('junk.mharc'), Buffer.alloc(200, 7));
    expect(() => DayFile.open(d.file('junk.mharc'))).toThrow(ArchiveDamagedError);
    expect(() => DayFile.open(d.file('junk.mharc'))).toThrow(/archive signature/);
    // No temporary file is left behind.
    expect(readdirSync(d.path).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    d.remove();
  });
});
