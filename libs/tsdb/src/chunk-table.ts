// The `chunks` table: a rowid table whose rowid is (window, series, sequence), see
// row-keys.ts. Chunks are sealed window by window, so new rows append and pages fill up;
// a series' chunks over a time range are one short rowid range per window; retention
// deletes whole windows from the front.

import type Database from 'better-sqlite3';
import { decodeChunk, encodeChunk } from '@metrics-hub/wire';
import { CHUNK_SEQ_LIMIT, chunkKey, firstChunkKeyOf, idRuns } from './row-keys.ts';
import { prepareRangeScan, scanRanges } from './key-ranges.ts';
import { mergeBlocks } from './sample-merge.ts';

export interface ChunkRow {
  key: number;
  start_ms: number;
  end_ms: number;
  count: number;
  /** The chunk itself, when it was read with the row. */
  data?: Uint8Array;
}

interface StoredRow {
  key: number;
  start_offset: number;
  end_offset: number;
  count: number;
  data?: Uint8Array;
}

export class ChunkTable {
  private readonly stmt;
  /** Window indexes present in the table: reads never seek outside them. */
  private firstWindow = Infinity;
  private lastWindow = -Infinity;

  constructor(
    db: Database.Database,
    private readonly windowMs: number,
  ) {
    this.stmt = {
      insert: db.prepare('INSERT INTO chunks (key, start_offset, end_offset, count, data) VALUES (?, ?, ?, ?, ?)'),
      inKeyRange: db.prepare('SELECT key, start_offset, end_offset, count FROM chunks WHERE key >= ? AND key < ?'),
      scan: prepareRangeScan(db, 'chunks', ['key', 'start_offset', 'end_offset', 'count']),
      scanWithData: prepareRangeScan(db, 'chunks', ['key', 'start_offset', 'end_offset', 'count', 'data']),
      anyInKeyRange: db.prepare('SELECT 1 FROM chunks WHERE key >= ? AND key < ? LIMIT 1').pluck(),
      lastKeyIn: db.prepare('SELECT max(key) FROM chunks WHERE key >= ? AND key < ?').pluck(),
      data: db.prepare('SELECT data FROM chunks WHERE key = ?').pluck(),
      first: db.prepare('SELECT min(key) FROM chunks').pluck(),
      last: db.prepare('SELECT max(key) FROM chunks').pluck(),
      dropBelow: db.prepare('DELETE FROM chunks WHERE key < ?'),
      dropRange: db.prepare('DELETE FROM chunks WHERE key >= ? AND key < ?'),
    };
    this.reload();
  }

  /** Window start (exclusive): chunk times are stored as offsets from it, in fewer bytes. */
  private startOf(window: number): number {
    return (window - 1) * this.windowMs;
  }

  /** Index of the window (left-open, epoch-aligned) that holds time `t`. */
  windowOf(t: number): number {
    return Math.ceil(t / this.windowMs);
  }

  insert(seriesId: number, startMs: number, endMs: number, count: number, data: Uint8Array): void {
    const window = this.windowOf(endMs);
    const base = chunkKey(window, seriesId, 0);
    const last = this.stmt.lastKeyIn.get(base, base + CHUNK_SEQ_LIMIT) as number | null;
    let seq = last === null ? 0 : last - base + 1;
    if (seq >= CHUNK_SEQ_LIMIT) seq = this.compact(base);
    this.stmt.insert.run(base + seq, startMs - this.startOf(window), endMs - this.startOf(window), count, data);
    if (window < this.firstWindow) this.firstWindow = window;
    if (window > this.lastWindow) this.lastWindow = window;
  }

  /**
   * Merges the chunks under `base` (one series, one window) into one, when many restarts or
   * late samples have filled the window's sequence numbers; returns the next free one.
   */
  private compact(base: number): number {
    const rows = this.stmt.inKeyRange.all(base, base + CHUNK_SEQ_LIMIT) as StoredRow[];
    const blocks = rows.map((r) => {
      const d = decodeChunk(this.stmt.data.get(r.key) as Uint8Array);
      return { timestamps: d.timestamps, values: d.values, length: d.count };
    });
    const merged = mergeBlocks(blocks.sort((a, b) => a.timestamps[0] - b.timestamps[0]));
    this.stmt.dropRange.run(base, base + CHUNK_SEQ_LIMIT);
    const n = merged.length;
    const start = this.startOf(this.windowOf(merged.timestamps[n - 1]));
    this.stmt.insert.run(
      base,
      merged.timestamps[0] - start,
      merged.timestamps[n - 1] - start,
      n,
      encodeChunk(merged.timestamps, merged.values, n),
    );
    return 1;
  }

  /** Number of chunks the series has in the window of time `t`. */
  countInWindowOf(seriesId: number, t: number): number {
    const base = chunkKey(this.windowOf(t), seriesId, 0);
    const last = this.stmt.lastKeyIn.get(base, base + CHUNK_SEQ_LIMIT) as number | null;
    return last === null ? 0 : last - base + 1;
  }

  /** The series' chunks that overlap [mint, maxt], in time order. */
  inRange(seriesId: number, mint: number, maxt: number): ChunkRow[] {
    const from = Math.max(this.windowOf(mint), this.firstWindow);
    const to = Math.min(this.windowOf(maxt), this.lastWindow);
    const out: ChunkRow[] = [];
    for (let w = from; w <= to; w++) {
      const base = chunkKey(w, seriesId, 0);
      for (const row of this.stmt.inKeyRange.all(base, base + CHUNK_SEQ_LIMIT) as StoredRow[]) {
        const start = this.startOf(w) + row.start_offset;
        const end = this.startOf(w) + row.end_offset;
        if (end >= mint && start <= maxt) out.push({ key: row.key, start_ms: start, end_ms: end, count: row.count });
      }
    }
    if (out.length > 1) out.sort((a, b) => a.start_ms - b.start_ms);
    return out;
  }

  /**
   * The chunks of each series in `ids` (ascending) that overlap [mint, maxt], in time
   * order: one statement over a rowid range per window and run of nearby ids rather than
   * one lookup per series, and with `withData` the chunks come with their rows (the caller
   * is about to read them all). `tick` is told of each row scanned (it may throw to stop).
   */
  inRangeMany(
    ids: readonly number[],
    mint: number,
    maxt: number,
    withData: boolean,
    tick?: (units: number) => void,
  ): Map<number, ChunkRow[]> {
    const out = new Map<number, ChunkRow[]>();
    for (const id of ids) out.set(id, []);
    if (ids.length === 0) return out;
    const runs = idRuns(ids);
    const from = Math.max(this.windowOf(mint), this.firstWindow);
    const to = Math.min(this.windowOf(maxt), this.lastWindow);
    const lo: number[] = [];
    const hi: number[] = [];
    const rows: number[] = [];
    for (let w = from; w <= to; w++) {
      for (const [first, last] of runs) {
        lo.push(chunkKey(w, first, 0));
        hi.push(chunkKey(w, last + 1, 0));
        rows.push(last - first + 1);
      }
    }
    const perSeries = chunkKey(0, 1, 0) - chunkKey(0, 0, 0);
    const perWindow = chunkKey(1, 0, 0) - chunkKey(0, 0, 0);
    scanRanges<[number, number, number, number, Uint8Array?]>(withData ? this.stmt.scanWithData : this.stmt.scan, lo, hi, rows, (row) => {
      tick?.(1);
      const w = Math.floor(row[0] / perWindow);
      const list = out.get(Math.floor((row[0] - w * perWindow) / perSeries));
      if (list === undefined) return;
      const windowStart = this.startOf(w);
      const start = windowStart + row[1];
      const end = windowStart + row[2];
      if (end >= mint && start <= maxt) list.push({ key: row[0], start_ms: start, end_ms: end, count: row[3], data: row[4] });
    });
    for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.start_ms - b.start_ms);
    return out;
  }

  data(row: ChunkRow): Uint8Array | undefined {
    return row.data ?? (this.stmt.data.get(row.key) as Uint8Array | undefined);
  }

  /** The end of the oldest window holding chunks (Infinity when there are none). */
  oldestWindowEnd(): number {
    return this.firstWindow === Infinity ? Infinity : this.firstWindow * this.windowMs;
  }

  /** Whether any chunk lies in a window ending in (fromExclusive, to]. */
  anyEndingIn(fromExclusive: number, to: number): boolean {
    const first = Math.floor(fromExclusive / this.windowMs) + 1;
    const last = Math.floor(to / this.windowMs);
    return this.stmt.anyInKeyRange.get(firstChunkKeyOf(first), firstChunkKeyOf(last + 1)) !== undefined;
  }

  /** Deletes every window ending at or before `cutoff`; returns the chunks deleted. */
  dropThrough(cutoff: number): number {
    const changes = this.stmt.dropBelow.run(firstChunkKeyOf(Math.floor(cutoff / this.windowMs) + 1)).changes;
    if (changes) this.reload();
    return changes;
  }

  /** Re-reads the bounds (after a rolled-back transaction or a deletion). */
  reload(): void {
    const perWindow = chunkKey(1, 0, 0) - chunkKey(0, 0, 0);
    const first = this.stmt.first.get() as number | null;
    const last = this.stmt.last.get() as number | null;
    this.firstWindow = first === null ? Infinity : Math.floor(first / perWindow);
    this.lastWindow = last === null ? -Infinity : Math.floor(last / perWindow);
  }
}
