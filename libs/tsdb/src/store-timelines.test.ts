// Timelines: series scraped together share their timestamps, which the store keeps once
// per chunk window (chunk-table.ts). What is read back must not change, in the writer, a
// replica or after a restart; a timeline is written once per window however the chunks
// on it arrive; retention takes timelines with their windows; a missing one is reported.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metrics-hub/testing';
import { isStaleNaN, STALE_NAN } from '@metrics-hub/wire';
import { HOUR_MS } from './rollup.ts';
import type { AppendSeries, TimeSeriesStore } from './store.ts';
import { ChunkTable } from './chunk-table.ts';
import { openDatabase } from './schema.ts';
import { StoreReplica } from './store-replica.ts';
import { readAll, storePerTest, T0 } from './testing/store-fixture.ts';

const { open, dir } = storePerTest();
const ALL = [{ type: '=~' as const, name: '__name__', value: '.+' }];
const WINDOW = 2 * HOUR_MS;

/** `hosts` hosts scraped every 10 s with ±250 ms jitter, 8 series each, over `hours`. */
// Values in a typed array: a plain array of doubles may lose the staleness marker's payload.
type Series = AppendSeries & { timestamps: number[]; values: Float64Array };

function fleet(hosts: number, hours: number, shareTimes = true): Series[] {
  const n = (hours * HOUR_MS) / 10_000;
  const out: Series[] = [];
  for (let h = 0; h < hosts; h++) {
    const rnd = seededRandom(h + 1);
    const jittered = () => Array.from({ length: n }, (_, i) => T0 + 1 + i * 10_000 + Math.round((rnd() - 0.5) * 500));
    const ts = jittered();
    for (let k = 0; k < 8; k++) {
      let x = 100 * k;
      const values = Float64Array.from({ length: n }, () => (x = Math.round((x + rnd() * 5) * 100) / 100));
      if (k === 3) values[17] = STALE_NAN;
      out.push({ labels: { __name__: `m${k}`, host: `h${h}` }, timestamps: shareTimes ? ts : jittered(), values });
    }
  }
  return out;
}

function contents(s: Pick<TimeSeriesStore, 'select'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of s.select(ALL, -Infinity, Infinity)) {
    out.set(
      JSON.stringify(x.labels),
      readAll(x)
        .map(([t, v]) => `${t}=${isStaleNaN(v) ? 'stale' : v}`)
        .join(),
    );
  }
  return out;
}

function expected(batch: AppendSeries[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of batch) {
    const values = Float64Array.from(x.values);
    out.set(JSON.stringify(x.labels), Array.from(x.timestamps, (t, i) => `${t}=${isStaleNaN(values[i]) ? 'stale' : values[i]}`).join());
  }
  return out;
}

const keysOf = (table: 'timelines' | 'chunks') => {
  const db = new Database(dir.file('hub.db'), { readonly: true });
  try {
    return db.prepare(`SELECT key FROM ${table} ORDER BY key`).pluck().all() as number[];
  } finally {
    db.close();
  }
};
const timelineRows = () => keysOf('timelines');
/** Window indexes of a table's rows (both tables key rows by window first, row-keys.ts). */
const windowsOf = (table: 'timelines' | 'chunks') => [...new Set(keysOf(table).map((k) => Math.floor(k / 2 ** 31)))];

describe('timelines', () => {
  it('keep the shared timestamps of a window once: the same samples, and smaller chunks and rollups', () => {
    const shared = open();
    const batch = fleet(4, 6);
    shared.append(batch);
    shared.flush();
    expect(contents(shared)).toEqual(expected(batch));
    // 4 hosts, three full 2 h windows plus the sample at the last window's edge.
    expect(timelineRows()).toHaveLength(4 * 3);
    const { chunkBytes: sharedBytes, rollupBytes: sharedRollups } = shared.stats();
    shared.close();

    const apart = open({ path: dir.file('apart.db') });
    apart.append(fleet(4, 6, false));
    apart.flush();
    const { chunkBytes: apartBytes, rollupBytes: apartRollups } = apart.stats();
    apart.close();
    // Jittered timestamps cost about as much as the values: 8 series sharing them save ~7/8 of that.
    expect(sharedBytes).toBeLessThan(apartBytes * 0.7);
    // Rollups do not depend on sharing: a series' own timeline serves its rows as well.
    expect(Math.abs(sharedRollups - apartRollups)).toBeLessThan(apartRollups * 0.05);
    // 1 m rollup rows take counts and sample offsets from the timelines (format 3), but
    // where a staleness marker was left out of the buckets (m3's first window).
    const db = new Database(dir.file('hub.db'), { readonly: true });
    const rows = db
      .prepare(
        'SELECT s.labels AS labels, r.key AS key, substr(r.data, 1, 1) AS format FROM rollups r JOIN series s ON s.id = r.key % 33554432 WHERE r.key < 2251799813685248 AND length(r.data) > 0',
      )
      .all() as { labels: string; key: number; format: Uint8Array }[];
    db.close();
    // Three full windows per series (the fourth holds one sample: its row is left empty).
    expect(rows.length).toBe(4 * 8 * 3);
    const windowOf = (key: number) => Math.floor(key / 2 ** 25);
    const firstWindow = Math.min(...rows.map((r) => windowOf(r.key)));
    for (const r of rows) expect(r.format[0], r.labels).toBe(r.labels.includes('"m3"') && windowOf(r.key) === firstWindow ? 2 : 3);
  });

  it('are read back by a replica and after a restart, and written once per window however chunks arrive', () => {
    let s = open({ chunkMaxSamples: 4096 });
    const batch = fleet(3, 4);
    // The first half of every series' samples, sealed, then the rest after a restart.
    const half = batch.map((x) => ({ ...x, timestamps: x.timestamps.slice(0, 360), values: x.values.slice(0, 360) }));
    s.append(half);
    s.flush();
    s.close();
    s = open({ chunkMaxSamples: 4096 });
    s.append(batch.map((x) => ({ ...x, timestamps: x.timestamps.slice(360), values: x.values.slice(360) })));
    s.flush();
    expect(contents(s)).toEqual(expected(batch));
    const r = StoreReplica.open({ path: dir.file('hub.db') });
    expect(r.read(() => contents(r))).toEqual(expected(batch));
    r.close();
    // Window 1: the first half; window 2 (both halves merged into the same chunk key range):
    // 3 hosts × (first-half timelines + second-half timelines), never one per series.
    const rows = timelineRows();
    expect(rows.length).toBeLessThanOrEqual(3 * 4);
    expect(new Set(rows).size).toBe(rows.length);
    s.close();
  });

  it('stay while 1 m rollups name them, after raw retention took the chunks, and go with the rollups', () => {
    const s = open({ outOfOrderWindowMs: HOUR_MS, retention: { rawMs: 4 * HOUR_MS, rollup1mMs: 8 * HOUR_MS, rollup1hMs: 8 * HOUR_MS } });
    const batch = fleet(2, 16);
    s.append(batch);
    s.flush();
    s.applyRetention();
    const first = Math.ceil(T0 / WINDOW);
    // Raw: windows ending more than 4 h before the newest sample (T0 + 16 h).
    expect(windowsOf('chunks')).toEqual([first + 6, first + 7, first + 8]);
    // 1 m rows (keyed by window start) from 10 h back, and the timelines of their windows.
    const rollupWindows = windowsOf('timelines');
    expect(rollupWindows).toEqual([first + 4, first + 5, first + 6, first + 7, first + 8]);
    // Their buckets still read: counts and offsets come from the timelines.
    const from = T0 + 6 * HOUR_MS;
    const buckets = [...(s.selectBuckets(ALL, from, T0 + 12 * HOUR_MS, 60_000) ?? [])];
    expect(buckets).toHaveLength(16);
    const m0 = buckets.find((b) => b.labels.__name__ === 'm0' && b.labels.host === 'h0')!.buckets;
    const raw = batch.find((x) => x.labels?.__name__ === 'm0' && x.labels?.host === 'h0')!;
    const inFirstMinute = raw.timestamps.filter((t) => t > from && t <= from + 60_000);
    expect(m0.ends[0]).toBe(from + 60_000);
    expect(m0.columns[0][0]).toBe(inFirstMinute.length);
    expect(m0.columns[7][0]).toBe(from + 60_000 - inFirstMinute[0]);
    s.close();
  });

  it('that are missing make reads fail with the series and what to do, not with wrong samples', () => {
    const s = open();
    s.append(fleet(1, 2));
    s.flush();
    s.close();
    const db = new Database(dir.file('hub.db'));
    db.prepare('DELETE FROM timelines').run();
    db.close();
    const reopened = open();
    expect(() => contents(reopened)).toThrow(
      /the chunk of .*host="h0".* is damaged \(the timeline .* is missing from the store\): restore the database/,
    );
    reopened.close();
  });

  it('are written again when the transaction that wrote one was rolled back', () => {
    const { db, lock } = openDatabase(dir.file('raw.db'), {
      pageSize: 4096,
      synchronous: 'NORMAL',
      chunkWindowMs: WINDOW,
      windowExplicit: true,
    });
    try {
      const table = new ChunkTable(db, WINDOW);
      const ts = Float64Array.from(fleet(1, 1)[0].timestamps);
      const values = (k: number) => Float64Array.from(ts, (_, i) => i * k);
      // The first chunk on these timestamps, and its timeline, are rolled back; the table is not told.
      expect(() =>
        db.transaction(() => {
          table.insert(1, ts, values(1), ts.length);
          throw new Error('disk full');
        })(),
      ).toThrow('disk full');
      table.insert(2, ts, values(2), ts.length);
      const [row] = table.inRange(2, -Infinity, Infinity);
      const decoded = table.decode(row)!;
      expect(Array.from(decoded.timestamps)).toEqual(Array.from(ts));
      expect(Array.from(decoded.values)).toEqual(Array.from(values(2)));
    } finally {
      db.close();
      lock.close();
    }
  });
});
