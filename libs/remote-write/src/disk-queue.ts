// The remote-write queue on disk: samples waiting to be sent, in a SQLite file of its own
// (docs/formats/remote-write-queue.md). Shared by every endpoint, read through a cursor
// per endpoint and partition. This class moves the cursors and keeps the counts; the file's
// tables and statements are queue-file.ts, loading cursors endpoint-cursors.ts, a segment's
// encoding segments.ts, merging a batch's series queue-batch.ts.
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

import type { Labels } from '@metrics-hub/wire';
import { loadEndpointState, recountPending, type EndpointState } from './endpoint-cursors.ts';
import { mergePieces, type Piece, type QueueBatch } from './queue-batch.ts';
import { QUEUE_PARTITIONS, QueueFile, type QueueFileOptions, type QueueTotals } from './queue-file.ts';
import { encodeSegments, Partitioner, SegmentReader } from './segments.ts';
import type { EncodableSeries } from './write-request.ts';

export interface QueueSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface QueueOptions extends QueueFileOptions {
  /** Largest number of samples in one segment (default 2000). */
  segmentSamples?: number;
  now?: () => number;
}

interface Staged {
  partition: number;
  samples: number;
  bytes: number;
}

export class DiskQueue {
  readonly path: string;
  private readonly file: QueueFile;
  private readonly db: QueueFile['db'];
  private readonly schema: string;
  private readonly stmt: QueueFile['stmt'];
  private readonly segmentSamples: number;
  private readonly now: () => number;
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly partitioner = new Partitioner();
  private readonly segments: SegmentReader;
  private staged: Staged[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private totals: QueueTotals;

  private constructor(o: QueueOptions) {
    this.path = o.path;
    this.segmentSamples = o.segmentSamples ?? 2000;
    this.now = o.now ?? Date.now;
    this.file = new QueueFile(o);
    this.db = this.file.db;
    this.schema = this.file.schema;
    this.stmt = this.file.stmt;
    this.segments = new SegmentReader((id) => this.stmt.data.get(id) as Uint8Array | undefined, this.file.compressed);
    this.totals = { ...this.file.totalsAtOpen };
  }

  static open(o: QueueOptions): DiskQueue {
    return new DiskQueue(o);
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
        const state = loadEndpointState(this.file, name, start);
        this.endpoints.set(name, state);
      }
      for (const name of [...this.endpoints.keys()]) if (!names.includes(name)) this.endpoints.delete(name);
      for (let p = 0; p < QUEUE_PARTITIONS; p++) this.deleteConsumed(p);
    })();
    return removed;
  }

  // ------------------------------------------------------------------ writing

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
      const info = this.partitioner.of(s.labels);
      byPartition[info.partition].push({ labelBytes: info.bytes, timestamps: s.timestamps, values: s.values });
    }
    const now = this.now();
    const staged: Staged[] = [];
    let samples = 0;
    this.db.transaction(() => {
      for (let p = 0; p < QUEUE_PARTITIONS; p++) {
        const list = byPartition[p];
        if (!list.length) continue;
        encodeSegments(list, this.segmentSamples, this.file.compressed, (count, data) => {
          this.stmt.insert.run(p, count, now, data);
          staged.push({ partition: p, samples: count, bytes: data.length });
          samples += count;
        });
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
    const { series, newestMs } = mergePieces(pieces, (id) => this.segments.get(id));
    return { endpoint, series, samples: maxSamples - budget, newestMs, pieces, dropEpoch: e.dropEpoch };
  }

  /**
   * Recounts what waits for `endpoint` from the file (after `read` found nothing where the
   * counts said there was something; they should never disagree).
   */
  recount(endpoint: string): void {
    recountPending(this.file, this.endpoint(endpoint));
  }

  /** True when a drop moved the endpoint's cursors since `batch` was read (re-read it). */
  isStale(batch: QueueBatch): boolean {
    return this.endpoint(batch.endpoint).dropEpoch !== batch.dropEpoch;
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
    this.file.compact();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.file.close();
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
