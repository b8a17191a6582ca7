// The remote-write queue on disk: samples waiting to be sent, in a SQLite file of its own
// (docs/formats/remote-write-queue.md). Shared by every endpoint, read through a cursor
// per endpoint and partition.
//
//   enqueue(series) ─► segments (id ascending; partition = hash(labels) % 32; ≤ segmentSamples)
//                         │                      ▲ drop oldest (an endpoint over its byte limit)
//   read(endpoint, shard) ┘  cursor (next id, samples done in it) per endpoint × partition
//   ack(batch) ─► cursors move ─► segments every endpoint has passed are deleted
//
// A series always lands in the same partition, and a partition is read by one shard of an
// endpoint, in id order: per-series order holds, whatever the shard count (a changed
// count regroups whole partitions). Attached to the store's connection (`attachTo`), an
// enqueue inside the store's append transaction commits with the samples or not at all.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { Labels } from '@metrics-hub/wire';
import { decodeRawSeries, encodeLabels, encodeWriteRequest, type EncodableSeries, type RawSeries } from './write-request.ts';

export const QUEUE_PARTITIONS = 32;
const FORMAT_VERSION = '1';
const ATTACHED_SCHEMA = 'remote_write';

export interface QueueSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface QueueOptions {
  /** The queue file. */
  path: string;
  /**
   * A connection to share (the store's): the file is attached to it, so that `enqueue`
   * inside the caller's transaction commits with it. Without it, the queue opens its own.
   */
  attachTo?: Database.Database;
  /** NORMAL: survives the process being killed; FULL: also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** Largest number of samples in one segment (default 2000). */
  segmentSamples?: number;
  now?: () => number;
}

interface Cursor {
  /** Segments of this partition below this id are done. */
  nextId: number;
  /** Samples of segment `nextId` already done. */
  done: number;
}

interface EndpointState {
  cursors: Cursor[];
  pendingSamples: number[];
  /** Bytes of segments not yet wholly done, per partition. */
  pendingBytes: number[];
  /** Bumped whenever cursors move by a drop: a batch read before it may be stale. */
  dropEpoch: number;
}

/** One segment's part in a batch. */
interface Piece {
  id: number;
  partition: number;
  skip: number;
  take: number;
  total: number;
  bytes: number;
}

/** Samples read for one request; acknowledge (or drop) it with `ack`. */
export interface QueueBatch {
  endpoint: string;
  series: EncodableSeries[];
  samples: number;
  /** Newest sample time in the batch. */
  newestMs: number;
  pieces: Piece[];
  dropEpoch: number;
}

interface Staged {
  partition: number;
  samples: number;
  bytes: number;
}

export class DiskQueue {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly own: boolean;
  private readonly schema: string;
  private readonly segmentSamples: number;
  /**
   * Segments are deflated (files made since this was added; older ones say nothing and
   * are read as they are): labels repeat from segment to segment, and a segment of one
   * sample per series shrinks about six times, so a byte limit holds that much more outage.
   */
  private readonly compressed: boolean;
  private readonly now: () => number;
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly labelCache = new WeakMap<Labels, { partition: number; bytes: Uint8Array }>();
  private readonly decoded = new Map<number, RawSeries[]>();
  private staged: Staged[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private totals = { segments: 0, samples: 0, bytes: 0 };
  private readonly stmt: ReturnType<DiskQueue['prepare']>;

  private constructor(o: QueueOptions) {
    this.path = o.path;
    this.segmentSamples = o.segmentSamples ?? 2000;
    this.now = o.now ?? Date.now;
    const sync = o.synchronous ?? 'NORMAL';
    if (o.attachTo) {
      this.db = o.attachTo;
      this.own = false;
      this.schema = ATTACHED_SCHEMA;
      this.db.prepare(`ATTACH DATABASE ? AS ${ATTACHED_SCHEMA}`).run(o.path);
    } else {
      this.db = new Database(o.path);
      this.own = true;
      this.schema = 'main';
    }
    try {
      const s = this.schema;
      this.db.pragma(`${s}.auto_vacuum = INCREMENTAL`);
      this.db.pragma(`${s}.locking_mode = EXCLUSIVE`);
      this.db.pragma(`${s}.journal_mode = WAL`);
      this.db.pragma(`${s}.synchronous = ${sync}`);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ${s}.segments (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          partition INTEGER NOT NULL,
          samples INTEGER NOT NULL,
          created_ms INTEGER NOT NULL,
          data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ${s}.segments_partition ON segments (partition, id);
        CREATE TABLE IF NOT EXISTS ${s}.cursors (
          endpoint TEXT NOT NULL,
          partition INTEGER NOT NULL,
          next_id INTEGER NOT NULL,
          done INTEGER NOT NULL,
          PRIMARY KEY (endpoint, partition)
        ) WITHOUT ROWID;
      `);
      const meta = new Map(
        (this.db.prepare(`SELECT key, value FROM ${s}.meta`).all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
      );
      if (meta.size === 0) {
        const put = this.db.prepare(`INSERT INTO ${s}.meta (key, value) VALUES (?, ?)`);
        put.run('format', FORMAT_VERSION);
        put.run('partitions', String(QUEUE_PARTITIONS));
        put.run('compression', 'deflate-raw');
        meta.set('compression', 'deflate-raw');
      } else if (meta.get('format') !== FORMAT_VERSION || meta.get('partitions') !== String(QUEUE_PARTITIONS)) {
        throw new Error(
          `${o.path}: remote-write queue format ${meta.get('format')} with ${meta.get('partitions')} partitions is not this version's (${FORMAT_VERSION}, ${QUEUE_PARTITIONS}): move the file away (its unsent samples are lost) and restart`,
        );
      }
      const compression = meta.get('compression');
      if (compression !== undefined && compression !== 'deflate-raw')
        throw new Error(
          `${o.path}: remote-write queue compression ${compression} is not one this version reads: move the file away (its unsent samples are lost) and restart`,
        );
      this.compressed = compression === 'deflate-raw';
      this.stmt = this.prepare();
      const t = this.db
        .prepare(
          `SELECT count(*) AS segments, coalesce(sum(samples), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM ${s}.segments`,
        )
        .get() as typeof this.totals;
      this.totals = t;
    } catch (e) {
      this.closeConnection();
      throw e;
    }
  }

  static open(o: QueueOptions): DiskQueue {
    return new DiskQueue(o);
  }

  private prepare() {
    const s = this.schema;
    return {
      insert: this.db.prepare(`INSERT INTO ${s}.segments (partition, samples, created_ms, data) VALUES (?, ?, ?, ?)`),
      scan: this.db.prepare(
        `SELECT id, partition, samples, length(data) AS bytes FROM ${s}.segments WHERE id >= ? AND partition % ? = ? ORDER BY id`,
      ),
      scanAll: this.db.prepare(`SELECT id, partition, samples, length(data) AS bytes FROM ${s}.segments WHERE id >= ? ORDER BY id`),
      data: this.db.prepare(`SELECT data FROM ${s}.segments WHERE id = ?`).pluck(),
      putCursor: this.db.prepare(`INSERT OR REPLACE INTO ${s}.cursors (endpoint, partition, next_id, done) VALUES (?, ?, ?, ?)`),
      deleteBelow: this.db.prepare(`DELETE FROM ${s}.segments WHERE partition = ? AND id < ? RETURNING samples, length(data) AS bytes`),
      oldest: this.db.prepare(`SELECT created_ms FROM ${s}.segments WHERE partition = ? AND id >= ? ORDER BY id LIMIT 1`).pluck(),
      pendingFrom: this.db.prepare(
        `SELECT coalesce(sum(samples), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM ${s}.segments WHERE partition = ? AND id >= ?`,
      ),
      lastId: this.db.prepare(`SELECT coalesce((SELECT seq FROM ${s}.sqlite_sequence WHERE name = 'segments'), 0)`).pluck(),
    };
  }

  // ------------------------------------------------------------------ endpoints

  /**
   * The endpoints that read this queue, by name. A new one starts at the end (it gets what
   * is written from now on); cursors of endpoints no longer named are removed, so that
   * their backlog does not hold segments forever. Returns the names removed.
   */
  setEndpoints(names: readonly string[]): string[] {
    const s = this.schema;
    const known = new Set(this.db.prepare(`SELECT DISTINCT endpoint FROM ${s}.cursors`).pluck().all() as string[]);
    const removed = [...known].filter((n) => !names.includes(n));
    this.db.transaction(() => {
      for (const n of removed) this.db.prepare(`DELETE FROM ${s}.cursors WHERE endpoint = ?`).run(n);
      const start = (this.stmt.lastId.get() as number) + 1;
      for (const name of names) {
        const rows = new Map(
          (
            this.db.prepare(`SELECT partition, next_id, done FROM ${s}.cursors WHERE endpoint = ?`).all(name) as {
              partition: number;
              next_id: number;
              done: number;
            }[]
          ).map((r) => [r.partition, r]),
        );
        const state: EndpointState = { cursors: [], pendingSamples: [], pendingBytes: [], dropEpoch: 0 };
        for (let p = 0; p < QUEUE_PARTITIONS; p++) {
          const row = rows.get(p);
          const cursor = row ? { nextId: row.next_id, done: row.done } : { nextId: start, done: 0 };
          if (!row) this.stmt.putCursor.run(name, p, cursor.nextId, 0);
          state.cursors.push(cursor);
          const pending = this.stmt.pendingFrom.get(p, cursor.nextId) as { samples: number; bytes: number };
          state.pendingSamples.push(pending.samples - cursor.done);
          state.pendingBytes.push(pending.bytes);
        }
        this.endpoints.set(name, state);
      }
      for (const name of [...this.endpoints.keys()]) if (!names.includes(name)) this.endpoints.delete(name);
      for (let p = 0; p < QUEUE_PARTITIONS; p++) this.deleteConsumed(p);
    })();
    return removed;
  }

  // ------------------------------------------------------------------ writing

  private labelInfo(labels: Labels): { partition: number; bytes: Uint8Array } {
    let info = this.labelCache.get(labels);
    if (!info) {
      const bytes = encodeLabels(labels);
      // FNV-1a over the encoded (sorted) labels.
      let h = 0x811c9dc5;
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
      info = { partition: (h >>> 0) % QUEUE_PARTITIONS, bytes };
      this.labelCache.set(labels, info);
    }
    return info;
  }

  /**
   * Writes series as segments. Inside a transaction of the shared connection it joins it
   * (as a savepoint: a failure here rolls back only the queue's part and is thrown); the
   * counts it adds take effect on `settle(true)`. Outside one, it commits at once.
   */
  enqueue(series: readonly QueueSeries[]): { segments: number; samples: number } {
    this.assertOpen();
    const byPartition: EncodableSeries[][] = Array.from({ length: QUEUE_PARTITIONS }, () => []);
    for (const s of series) {
      if (s.timestamps.length === 0) continue;
      const info = this.labelInfo(s.labels);
      byPartition[info.partition].push({ labelBytes: info.bytes, timestamps: s.timestamps, values: s.values });
    }
    const now = this.now();
    const staged: Staged[] = [];
    let samples = 0;
    this.db.transaction(() => {
      for (let p = 0; p < QUEUE_PARTITIONS; p++) {
        const list = byPartition[p];
        if (!list.length) continue;
        // Cut into segments of at most segmentSamples (a long series may span several).
        let parts: EncodableSeries[] = [];
        let count = 0;
        const flush = () => {
          if (!count) return;
          const plain = encodeWriteRequest({ timeseries: parts });
          // Level 1: about as small as level 6 here, and faster (it runs in the store's append).
          const data = this.compressed ? deflateRawSync(plain, { level: 1 }) : plain;
          this.stmt.insert.run(p, count, now, data);
          staged.push({ partition: p, samples: count, bytes: data.length });
          samples += count;
          parts = [];
          count = 0;
        };
        for (const s of list) {
          let from = 0;
          const n = s.timestamps.length;
          while (from < n) {
            const take = Math.min(n - from, this.segmentSamples - count);
            parts.push({ ...s, from, to: from + take });
            count += take;
            from += take;
            if (count >= this.segmentSamples) flush();
          }
        }
        flush();
      }
    })();
    this.staged.push(...staged);
    if (!this.db.inTransaction) this.settle(true);
    return { segments: staged.length, samples };
  }

  /** The end of the transaction `enqueue` joined: counts take effect (and readers wake) or are forgotten. */
  settle(committed: boolean): void {
    const staged = this.staged;
    this.staged = [];
    if (!committed || !staged.length) return;
    for (const s of staged) {
      this.totals.segments++;
      this.totals.samples += s.samples;
      this.totals.bytes += s.bytes;
      for (const e of this.endpoints.values()) {
        e.pendingSamples[s.partition] += s.samples;
        e.pendingBytes[s.partition] += s.bytes;
      }
    }
    for (const l of this.listeners) l();
  }

  /** Called after each commit that added samples (senders wait on it). */
  onData(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ reading

  /** Samples waiting for `endpoint` in the partitions of shard `shard` of `shards`. */
  pendingFor(endpoint: string, shard: number, shards: number): number {
    const e = this.endpoint(endpoint);
    let n = 0;
    for (let p = shard; p < QUEUE_PARTITIONS; p += shards) n += e.pendingSamples[p];
    return n;
  }

  /**
   * Up to `maxSamples` of the oldest samples of `endpoint` in shard `shard` of `shards`,
   * series merged (per-series order kept), or undefined when there are none.
   */
  read(endpoint: string, shard: number, shards: number, maxSamples: number): QueueBatch | undefined {
    this.assertOpen();
    const e = this.endpoint(endpoint);
    let from = Infinity;
    for (let p = shard; p < QUEUE_PARTITIONS; p += shards)
      if (e.pendingSamples[p] > 0 && e.cursors[p].nextId < from) from = e.cursors[p].nextId;
    if (from === Infinity) return undefined;
    const pieces: Piece[] = [];
    let budget = maxSamples;
    for (const row of this.stmt.scan.iterate(from, shards, shard) as Iterable<{
      id: number;
      partition: number;
      samples: number;
      bytes: number;
    }>) {
      const c = e.cursors[row.partition];
      if (row.id < c.nextId) continue;
      const skip = row.id === c.nextId ? c.done : 0;
      const take = Math.min(row.samples - skip, budget);
      if (take <= 0) continue;
      pieces.push({ id: row.id, partition: row.partition, skip, take, total: row.samples, bytes: row.bytes });
      budget -= take;
      if (budget === 0) break;
    }
    if (!pieces.length) return undefined;
    // Merge pieces of the same series, in segment order.
    const merged = new Map<string, { labelBytes: Uint8Array; parts: { s: RawSeries; from: number; to: number }[]; n: number }>();
    let newestMs = -Infinity;
    for (const piece of pieces) {
      let skip = piece.skip;
      let take = piece.take;
      for (const s of this.segment(piece.id)) {
        const n = s.timestamps.length;
        if (skip >= n) {
          skip -= n;
          continue;
        }
        const to = Math.min(n, skip + take);
        // The encoded labels are the series' identity (sorted, written once per series).
        const lb = s.labelBytes;
        const key = Buffer.from(lb.buffer, lb.byteOffset, lb.length).toString('latin1');
        let m = merged.get(key);
        if (!m) merged.set(key, (m = { labelBytes: lb, parts: [], n: 0 }));
        m.parts.push({ s, from: skip, to });
        m.n += to - skip;
        if (s.timestamps[to - 1] > newestMs) newestMs = s.timestamps[to - 1];
        take -= to - skip;
        skip = 0;
        if (take === 0) break;
      }
    }
    const series: EncodableSeries[] = [];
    for (const m of merged.values()) {
      if (m.parts.length === 1) {
        const { s, from, to } = m.parts[0];
        series.push({ labelBytes: m.labelBytes, timestamps: s.timestamps, values: s.values, from, to });
        continue;
      }
      const timestamps = new Float64Array(m.n);
      const values = new Float64Array(m.n);
      let at = 0;
      for (const { s, from, to } of m.parts) {
        // Same-type typed-array copies move bytes: NaN payloads survive.
        timestamps.set(s.timestamps.subarray(from, to), at);
        values.set(s.values.subarray(from, to), at);
        at += to - from;
      }
      series.push({ labelBytes: m.labelBytes, timestamps, values });
    }
    return { endpoint, series, samples: maxSamples - budget, newestMs, pieces, dropEpoch: e.dropEpoch };
  }

  /**
   * Recounts what waits for `endpoint` from the file (after `read` found nothing where the
   * counts said there was something; they should never disagree).
   */
  recount(endpoint: string): void {
    const e = this.endpoint(endpoint);
    for (let p = 0; p < QUEUE_PARTITIONS; p++) {
      const pending = this.stmt.pendingFrom.get(p, e.cursors[p].nextId) as { samples: number; bytes: number };
      e.pendingSamples[p] = Math.max(0, pending.samples - e.cursors[p].done);
      e.pendingBytes[p] = pending.bytes;
    }
  }

  /** True when a drop moved the endpoint's cursors since `batch` was read (re-read it). */
  isStale(batch: QueueBatch): boolean {
    return this.endpoint(batch.endpoint).dropEpoch !== batch.dropEpoch;
  }

  private segment(id: number): RawSeries[] {
    let s = this.decoded.get(id);
    if (!s) {
      const data = this.stmt.data.get(id) as Uint8Array | undefined;
      if (!data) throw new Error(`remote-write queue: segment ${id} vanished while being read`);
      s = decodeRawSeries(this.compressed ? inflateRawSync(data) : data);
      this.decoded.set(id, s);
      if (this.decoded.size > 256) this.decoded.delete(this.decoded.keys().next().value!);
    }
    return s;
  }

  /**
   * Marks a batch done for its endpoint (sent, or dropped as refused): cursors move past
   * it and segments no endpoint needs any more are deleted. Parts a drop already passed
   * are not counted again. Returns the samples newly done.
   */
  ack(batch: QueueBatch): number {
    this.assertOpen();
    const e = this.endpoint(batch.endpoint);
    let done = 0;
    const touched = new Set<number>();
    this.db.transaction(() => {
      for (const piece of batch.pieces) {
        const c = e.cursors[piece.partition];
        const end = piece.skip + piece.take;
        if (c.nextId > piece.id || (c.nextId === piece.id && c.done >= end)) continue;
        const before = c.nextId === piece.id ? c.done : 0;
        done += end - before;
        e.pendingSamples[piece.partition] -= end - before;
        if (end >= piece.total) {
          c.nextId = piece.id + 1;
          c.done = 0;
          e.pendingBytes[piece.partition] -= piece.bytes;
        } else {
          c.nextId = piece.id;
          c.done = end;
        }
        touched.add(piece.partition);
      }
      for (const p of touched) {
        this.stmt.putCursor.run(batch.endpoint, p, e.cursors[p].nextId, e.cursors[p].done);
        this.deleteConsumed(p);
      }
    })();
    return done;
  }

  /** Bytes waiting for `endpoint` (whole segments not yet done). */
  pendingBytes(endpoint: string): number {
    return this.endpoint(endpoint).pendingBytes.reduce((a, b) => a + b, 0);
  }

  pendingSamples(endpoint: string): number {
    return this.endpoint(endpoint).pendingSamples.reduce((a, b) => a + b, 0);
  }

  /** When the oldest segment still waiting for `endpoint` was written (undefined: none). */
  oldestPendingMs(endpoint: string): number | undefined {
    const e = this.endpoint(endpoint);
    let oldest: number | undefined;
    for (let p = 0; p < QUEUE_PARTITIONS; p++) {
      if (e.pendingSamples[p] <= 0) continue;
      const t = this.stmt.oldest.get(p, e.cursors[p].nextId) as number | undefined;
      if (t !== undefined && (oldest === undefined || t < oldest)) oldest = t;
    }
    return oldest;
  }

  /**
   * Drops the oldest segments waiting for `endpoint` until at most `maxBytes` wait: the
   * cursors move past them (other endpoints keep theirs). Returns the samples dropped.
   */
  dropOldest(endpoint: string, maxBytes: number): { samples: number; segments: number } {
    this.assertOpen();
    const e = this.endpoint(endpoint);
    let bytes = this.pendingBytes(endpoint);
    if (bytes <= maxBytes) return { samples: 0, segments: 0 };
    let from = Infinity;
    for (let p = 0; p < QUEUE_PARTITIONS; p++) if (e.pendingSamples[p] > 0 && e.cursors[p].nextId < from) from = e.cursors[p].nextId;
    const dropped = { samples: 0, segments: 0 };
    const touched = new Set<number>();
    for (const row of this.stmt.scanAll.iterate(from) as Iterable<{ id: number; partition: number; samples: number; bytes: number }>) {
      if (bytes <= maxBytes) break;
      const c = e.cursors[row.partition];
      if (row.id < c.nextId) continue;
      const lost = row.samples - (row.id === c.nextId ? c.done : 0);
      dropped.samples += lost;
      dropped.segments++;
      e.pendingSamples[row.partition] -= lost;
      e.pendingBytes[row.partition] -= row.bytes;
      bytes -= row.bytes;
      c.nextId = row.id + 1;
      c.done = 0;
      touched.add(row.partition);
    }
    e.dropEpoch++;
    this.db.transaction(() => {
      for (const p of touched) {
        this.stmt.putCursor.run(endpoint, p, e.cursors[p].nextId, e.cursors[p].done);
        this.deleteConsumed(p);
      }
    })();
    return dropped;
  }

  /** Deletes the segments of partition `p` that every endpoint has passed. */
  private deleteConsumed(p: number): void {
    let min = Infinity;
    for (const e of this.endpoints.values()) if (e.cursors[p].nextId < min) min = e.cursors[p].nextId;
    if (min === Infinity) return;
    for (const r of this.stmt.deleteBelow.all(p, min) as { samples: number; bytes: number }[]) {
      this.totals.segments--;
      this.totals.samples -= r.samples;
      this.totals.bytes -= r.bytes;
    }
  }

  /** What the file holds (every endpoint's backlog together). */
  stats(): { segments: number; samples: number; bytes: number } {
    return { ...this.totals };
  }

  /** Gives free pages back to the file system when many have piled up. */
  compact(): void {
    if (this.closed) return;
    const free = this.db.pragma(`${this.schema}.freelist_count`, { simple: true }) as number;
    if (free > 256) this.db.pragma(`${this.schema}.incremental_vacuum`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.closeConnection();
  }

  private closeConnection(): void {
    if (this.own) {
      if (this.db.open) this.db.close();
    } else if (this.db.open) {
      try {
        this.db.pragma(`${ATTACHED_SCHEMA}.wal_checkpoint(TRUNCATE)`);
        this.db.prepare(`DETACH DATABASE ${ATTACHED_SCHEMA}`).run();
      } catch {
        // Detaching fails inside a transaction; the connection's close detaches it anyway.
      }
    }
  }

  private endpoint(name: string): EndpointState {
    const e = this.endpoints.get(name);
    if (!e) throw new Error(`remote-write queue: no endpoint "${name}" (setEndpoints first)`);
    return e;
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) throw new Error('remote-write queue: closed');
  }
}
