// The `chunks` table: a rowid table whose rowid is (window, series, sequence), see
// row-keys.ts. Chunks are sealed window by window, so new rows append and pages fill up;
// a series' chunks over a time range are one short rowid range per window; retention
// deletes whole windows from the front.
//
// Series scraped together have the same timestamps, and jittered ones cost as much as the
// values: a chunk's timestamps are kept once per window in the `timelines` table (keyed
// like the window's chunks, by an index within the window) and the chunk names them.

import type Database from 'better-sqlite3';
import {
  ChunkFormatError,
  decodeChunk,
  decodeTimeline,
  encodeChunk,
  encodeChunkOnTimeline,
  encodeTimeline,
  timelineChecksum,
  type DecodedChunk,
  type Timeline,
  type TimelineLookup,
  type TimelineRef,
} from '@metrics-hub/wire';
import { CHUNK_SEQ_LIMIT, chunkKey, firstChunkKeyOf, idRuns } from './row-keys.ts';
import { prepareRangeScan, scanRanges } from './key-ranges.ts';
import { mergeBlocks } from './sample-merge.ts';

/** Timestamp columns shorter than this (a regular scrape's few bytes) stay in their chunk. */
const MIN_SHARED_BYTES = 24;
/** Timelines per window: indexes within a window stay below the chunk key's span. */
const TIMELINES_PER_WINDOW = chunkKey(1, 0, 0) - chunkKey(0, 0, 0);
/** Bytes of timelines the writer remembers to find repeats (older windows are forgotten first). */
const WRITER_MEMORY_BYTES = 16 * 2 ** 20;
/** Decoded timelines a reader keeps: a host's series, read one after another, share them. */
const READ_CACHE_ENTRIES = 512;

interface WindowTimelines {
  next: number;
  /** By checksum: the timelines of the window with their encoded bytes. */
  byChecksum: Map<number, { ref: number; bytes: Uint8Array }[]>;
  bytes: number;
}

export interface ChunkRow {
  key: number;
  start_ms: number;
  end_ms: number;
  count: number;
  /** The chunk itself, when it was read with the row. */
  data?: Uint8Array;
}

/** A chunk's row key, and its bytes when they were read with it. */
type StoredChunk = Pick<ChunkRow, 'key' | 'data'>;

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
  /** The writer's index of recent windows' timelines, to write each one once. */
  private readonly written = new Map<number, WindowTimelines>();
  private writtenBytes = 0;
  /** Decoded timelines by key; each use checks the checksum, so a replaced row is re-read. */
  private readonly decoded = new Map<number, Timeline>();

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
      insertTimeline: db.prepare('INSERT INTO timelines (key, data) VALUES (?, ?)'),
      timeline: db.prepare('SELECT data FROM timelines WHERE key = ?').pluck(),
      timelineExists: db.prepare('SELECT 1 FROM timelines WHERE key = ?').pluck(),
      timelinesIn: db.prepare('SELECT key, data FROM timelines WHERE key >= ? AND key < ?').raw(),
      dropTimelinesBelow: db.prepare('DELETE FROM timelines WHERE key < ?'),
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

  /**
   * Seals `count` samples (time-ordered, at least one) of a series as a chunk; returns the
   * timeline it put the chunk on, if any.
   */
  insert(seriesId: number, timestamps: Float64Array, values: Float64Array, count: number): TimelineRef | undefined {
    const startMs = timestamps[0];
    const endMs = timestamps[count - 1];
    const window = this.windowOf(endMs);
    const base = chunkKey(window, seriesId, 0);
    const last = this.stmt.lastKeyIn.get(base, base + CHUNK_SEQ_LIMIT) as number | null;
    let seq = last === null ? 0 : last - base + 1;
    if (seq >= CHUNK_SEQ_LIMIT) seq = this.compact(base);
    const { data, timeline } = this.encode(window, timestamps, values, count);
    this.stmt.insert.run(base + seq, startMs - this.startOf(window), endMs - this.startOf(window), count, data);
    if (window < this.firstWindow) this.firstWindow = window;
    if (window > this.lastWindow) this.lastWindow = window;
    return timeline;
  }

  private encode(
    window: number,
    timestamps: Float64Array,
    values: Float64Array,
    count: number,
  ): { data: Uint8Array; timeline?: TimelineRef } {
    const encoded = encodeTimeline(timestamps, count);
    const timeline = encoded.length >= MIN_SHARED_BYTES ? this.timelineFor(window, encoded) : undefined;
    return timeline === undefined
      ? { data: encodeChunk(timestamps, values, count) }
      : { data: encodeChunkOnTimeline(values, count, timeline), timeline };
  }

  /** The window's timeline with these bytes, written now if it is not there yet. */
  private timelineFor(window: number, bytes: Uint8Array): TimelineRef | undefined {
    const known = this.writtenIn(window);
    const checksum = timelineChecksum(bytes);
    const same = known.byChecksum.get(checksum);
    const found = same?.find((t) => sameBytes(t.bytes, bytes));
    // A transaction that wrote it may have been rolled back since (not every writer reloads
    // after a failure): a chunk must never name a timeline that is not there.
    if (found && this.stmt.timelineExists.get(firstChunkKeyOf(window) + found.ref) !== undefined) return { ref: found.ref, checksum };
    if (found) {
      same!.splice(same!.indexOf(found), 1);
      known.bytes -= found.bytes.length;
      this.writtenBytes -= found.bytes.length;
    }
    if (known.next >= TIMELINES_PER_WINDOW) return undefined;
    const ref = known.next++;
    this.stmt.insertTimeline.run(firstChunkKeyOf(window) + ref, bytes);
    if (this.writtenBytes + bytes.length <= WRITER_MEMORY_BYTES || this.forgetOldestBut(window)) {
      if (same) same.push({ ref, bytes });
      else known.byChecksum.set(checksum, [{ ref, bytes }]);
      known.bytes += bytes.length;
      this.writtenBytes += bytes.length;
    }
    return { ref, checksum };
  }

  private writtenIn(window: number): WindowTimelines {
    let known = this.written.get(window);
    if (known) return known;
    known = { next: 0, byChecksum: new Map(), bytes: 0 };
    const base = firstChunkKeyOf(window);
    for (const [key, bytes] of this.stmt.timelinesIn.all(base, base + TIMELINES_PER_WINDOW) as [number, Uint8Array][]) {
      const checksum = timelineChecksum(bytes);
      const ref = key - base;
      const same = known.byChecksum.get(checksum);
      if (same) same.push({ ref, bytes });
      else known.byChecksum.set(checksum, [{ ref, bytes }]);
      known.next = Math.max(known.next, ref + 1);
      known.bytes += bytes.length;
    }
    this.written.set(window, known);
    this.writtenBytes += known.bytes;
    return known;
  }

  /** Frees writer memory from the oldest-touched windows but `keep`; whether there is room now. */
  private forgetOldestBut(keep: number): boolean {
    for (const [window, known] of this.written) {
      if (this.writtenBytes <= WRITER_MEMORY_BYTES / 2) break;
      if (window === keep) continue;
      this.written.delete(window);
      this.writtenBytes -= known.bytes;
    }
    return this.writtenBytes <= WRITER_MEMORY_BYTES / 2;
  }

  /**
   * A stored chunk's samples (into `out` when it has room), or undefined when its row is
   * gone. ChunkFormatError when it or its timeline is damaged or missing.
   */
  decode(row: StoredChunk, out?: { timestamps: Float64Array; values: Float64Array }, timesOnly = false): DecodedChunk | undefined {
    const data = this.data(row);
    if (data === undefined) return undefined;
    return decodeChunk(data, out, { timesOnly, timeline: this.timelinesOf(this.windowOfKey(row.key)) });
  }

  /** The chunk as bytes that decode alone (for the cold archive, which has no timelines). */
  selfContained(row: StoredChunk): Uint8Array | undefined {
    const data = this.data(row);
    if (data === undefined) return undefined;
    const d = decodeChunk(data, undefined, { timeline: this.timelinesOf(this.windowOfKey(row.key)) });
    return encodeChunk(d.timestamps, d.values, d.count);
  }

  private windowOfKey(key: number): number {
    return Math.floor(key / TIMELINES_PER_WINDOW);
  }

  /** Finds the timelines chunks of window `window` (its index) name. */
  timelinesOf(window: number): TimelineLookup {
    return (ref) => {
      const key = firstChunkKeyOf(window) + ref.ref;
      const cached = this.decoded.get(key);
      if (cached !== undefined && cached.checksum === ref.checksum) return cached;
      const bytes = this.stmt.timeline.get(key) as Uint8Array | undefined;
      if (bytes === undefined) {
        throw new ChunkFormatError(
          'chunk_corrupt',
          `the timeline the chunk takes its timestamps from (window ${window}, timeline ${ref.ref}) is missing from the store`,
        );
      }
      const timeline = decodeTimeline(bytes);
      this.decoded.delete(key);
      this.decoded.set(key, timeline);
      if (this.decoded.size > READ_CACHE_ENTRIES) this.decoded.delete(this.decoded.keys().next().value!);
      return timeline;
    };
  }

  /**
   * Merges the chunks under `base` (one series, one window) into one, when many restarts or
   * late samples have filled the window's sequence numbers; returns the next free one.
   */
  private compact(base: number): number {
    const rows = this.stmt.inKeyRange.all(base, base + CHUNK_SEQ_LIMIT) as StoredRow[];
    const blocks = rows.map((r) => {
      const d = this.decode(r)!;
      return { timestamps: d.timestamps, values: d.values, length: d.count };
    });
    const merged = mergeBlocks(blocks.sort((a, b) => a.timestamps[0] - b.timestamps[0]));
    this.stmt.dropRange.run(base, base + CHUNK_SEQ_LIMIT);
    const n = merged.length;
    const window = this.windowOf(merged.timestamps[n - 1]);
    const start = this.startOf(window);
    this.stmt.insert.run(
      base,
      merged.timestamps[0] - start,
      merged.timestamps[n - 1] - start,
      n,
      this.encode(window, merged.timestamps, merged.values, n).data,
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

  data(row: StoredChunk): Uint8Array | undefined {
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

  /**
   * Deletes the timelines of windows before index `window`. 1 m rollup rows take their
   * sample times from timelines too and outlive raw chunks, so the rollups' retention
   * decides; the timelines of windows that still hold chunks (cold storage that could not
   * take them yet) stay whatever the caller says.
   */
  dropTimelinesBefore(window: number): void {
    if (this.stmt.dropTimelinesBelow.run(firstChunkKeyOf(Math.min(window, this.firstWindow))).changes) this.reload();
  }

  /** Re-reads the bounds (after a rolled-back transaction or a deletion). */
  reload(): void {
    this.written.clear();
    this.writtenBytes = 0;
    const perWindow = chunkKey(1, 0, 0) - chunkKey(0, 0, 0);
    const first = this.stmt.first.get() as number | null;
    const last = this.stmt.last.get() as number | null;
    this.firstWindow = first === null ? Infinity : Math.floor(first / perWindow);
    this.lastWindow = last === null ? -Infinity : Math.floor(last / perWindow);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
