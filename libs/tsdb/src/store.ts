// The time-series store: appends go to a write-ahead row and the in-memory heads in one
// SQLite transaction; heads are sealed into compressed chunks (with their rollups) when
// they fill or cross a window; reads merge sealed chunks, out-of-order chunks and heads.

import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  ChunkFormatError,
  canonicalLabels,
  decodeChunk,
  encodeChunk,
  formatLabels,
  labelsKey,
  labelsProblem,
  METRIC_NAME_LABEL,
  type LabelMatcher,
  type Labels,
} from '@metrics-hub/wire';
import { StoreError } from './errors.ts';
import { DAY, resolveOptions, type ResolvedOptions, type StoreOptions } from './options.ts';
import { HOUR_MS, MINUTE_MS, type RollupBuckets } from './rollup.ts';
import type { SeriesKind } from './rollup-codec.ts';
import { RollupStore } from './rollup-store.ts';
import { seriesKind } from './series-kind.ts';
import { sameBits } from './sample-buffer.ts';
import { clipBlock, mergeBlocks, type SampleBlock } from './sample-merge.ts';
import { ChunkTable, type ChunkRow } from './chunk-table.ts';
import { ColdArchive, dayName, type ArchiveHit, type ArchiveReadNotes, type ArchiveStatus } from './archive/cold-archive.ts';
import type { ArchiveSeriesInput } from './archive/day-file.ts';
import { openDatabase, translateSqliteError } from './schema.ts';
import { SeriesIndex } from './series-index.ts';
import { SeriesState } from './series-state.ts';
import { decodeWalRecord, WalRecordBuilder } from './wal-record.ts';

export interface AppendSeries {
  /** The series' labels, including `__name__`; or `ref` from an earlier append. */
  labels?: Labels;
  ref?: number;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface AppendResult {
  /** Samples stored (in order and out of order). */
  appended: number;
  outOfOrder: number;
  /** Same timestamp and same value as a stored sample: ignored. */
  duplicates: number;
  /** Same timestamp, different value than a stored sample: rejected, as Prometheus does. */
  conflicts: number;
  /** Older than the out-of-order window: rejected. */
  tooOld: number;
  /** Stamped more than `maxFutureMs` ahead of the store's clock: rejected. */
  tooFarAhead: number;
  newSeries: number;
  /** Series refused as a whole, with the reason (invalid labels, cardinality limit...). */
  rejected: { index: number; labels?: Labels; reason: string }[];
  /** Series id per input entry (undefined where rejected), to pass as `ref` next time. */
  refs: (number | undefined)[];
}

/** What one append stored for one series: not its duplicates, conflicts or refused samples. */
export interface AppendedSeries {
  /** The store's canonical labels, the same object for a series as long as the store is open. */
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  /** Bit for bit as appended (a staleness NaN stays one). */
  readonly values: Float64Array;
}

/**
 * Sees the samples of every append, whoever makes it (agent ingest, `up`, the hub's own
 * metrics, recording rules, imports), in the append's own transaction, so that a companion
 * table (remote write's queue) commits with the samples or not at all.
 */
export interface AppendObserver {
  /** Inside the transaction, before it commits; throwing rolls the whole append back. */
  appended(series: readonly AppendedSeries[]): void;
  /** After the transaction: committed, or rolled back (forget what `appended` saw). Must not throw. */
  settled(committed: boolean): void;
}

export interface StoredSeries {
  /** The series id, to pass as `ref` to append; -1 for a series found only in the cold archive. */
  readonly ref: number;
  readonly labels: Labels;
  /** Sample blocks in ascending time, decoded one chunk at a time as they are pulled. */
  blocks(): Generator<SampleBlock>;
}

/** What a read may tell its caller beside the samples (the query engine turns them into annotations). */
export interface SelectHints {
  annotate?(level: 'info' | 'warning', message: string): void;
  /** Told of the work done as the read goes (one unit a series): it may throw to stop the read (a query past its deadline). */
  tick?(units: number): void;
}

/** What one run of archiving did. */
export interface ArchiveOutcome {
  daysArchived: number;
  /** Why it stopped early, when a day could not be written. */
  error?: string;
}

export interface ArchiveState extends ArchiveStatus {
  /** Samples at or before this time are in archive files (and no longer accepted). */
  archivedThrough?: number;
  retentionMs: number;
  /** The last failure to write a day, if the latest attempt failed. */
  lastError?: string;
}

export interface BucketSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Which columns the buckets keep (the others are NaN). */
  readonly kind: SeriesKind;
  readonly buckets: RollupBuckets;
}

export interface MetricMetadata {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'gaugehistogram' | 'unknown';
  help: string;
  unit: string;
}

export interface StoreStats {
  series: number;
  samples: number;
  headSamples: number;
  chunks: number;
  chunkBytes: number;
  rollupBytes: number;
  /** The SQLite file (after its journal is checkpointed) and its journal. */
  fileBytes: number;
  walFileBytes: number;
  bytesPerSample: number;
  rejected: { tooOld: number; tooFarAhead: number; conflicts: number; cardinality: number; invalid: number };
  duplicates: number;
  outOfOrder: number;
}

const OOO_FLUSH_SAMPLES = 512;
const IDLE_SEAL_GRACE_MS = 5 * MINUTE_MS;

export class TimeSeriesStore {
  options: ResolvedOptions;
  private readonly db: Database.Database;
  private index = new SeriesIndex();
  private readonly states = new Map<number, SeriesState>();
  private nextSeq = 1;
  /** Newest timestamp stored (retention and idle sealing count back from it, or from the clock: see `clockedNewest`). */
  private newestT = -Infinity;
  /** The newest timestamp the append in progress accepts (the clock plus maxFutureMs). */
  private acceptThrough = Infinity;
  private walRows: { seq: number; bytes: number }[] = [];
  private walBytes = 0;
  private lastRetentionAt = -Infinity;
  private lastIdleScanAt = -Infinity;
  /** A head or late-sample buffer was sealed since the journal was last truncated. */
  private sealedSinceTruncate = true;
  private closed = false;
  private readonly counters = { tooOld: 0, tooFarAhead: 0, conflicts: 0, cardinality: 0, invalid: 0, duplicates: 0, outOfOrder: 0 };
  private readonly stmt: ReturnType<TimeSeriesStore['prepare']>;
  private readonly rollups: RollupStore;
  private readonly chunks: ChunkTable;
  private readonly familyTypes = new Map<string, string>();
  private readonly archive?: ColdArchive;
  /** Samples at or before this time are in archive files; none when cold storage is off. */
  private archivedThrough = -Infinity;
  /** Samples at or before this time are refused: their day is archived or being archived. */
  private closedThrough = -Infinity;
  /** The archiving run in progress, if any. */
  private archiving: Promise<ArchiveOutcome> | undefined;
  private lastArchiveError: string | undefined;
  private readonly observers = new Set<AppendObserver>();

  /**
   * The SQLite connection, for companion tables that must commit with appends (see
   * `append`'s `inTransaction`). The store's own tables are not part of its API.
   */
  get database(): Database.Database {
    return this.db;
  }

  static open(options: StoreOptions): TimeSeriesStore {
    return new TimeSeriesStore(resolveOptions(options));
  }

  private constructor(options: ResolvedOptions) {
    const opened = openDatabase(options.path, {
      pageSize: options.pageSize,
      synchronous: options.durability === 'power' ? 'FULL' : 'NORMAL',
      chunkWindowMs: options.chunkWindowMs,
      windowExplicit: options.windowExplicit,
    });
    this.db = opened.db;
    this.options = { ...options, chunkWindowMs: opened.chunkWindowMs };
    this.stmt = this.prepare();
    this.chunks = new ChunkTable(this.db, this.options.chunkWindowMs);
    this.rollups = new RollupStore(this.db, this.options.chunkWindowMs, (state, from, to) => this.readSealed(state, from, to));
    try {
      if (options.archive) {
        const usedBefore = this.db.prepare("SELECT 1 FROM meta WHERE key = 'archived_through'").pluck().get() !== undefined;
        this.archive = new ColdArchive(options.archive.dir, options.archive.log, usedBefore);
      }
      this.load();
    } catch (e) {
      this.db.close();
      throw this.translate(e);
    }
  }

  private prepare() {
    const db = this.db;
    return {
      insertSeries: db.prepare('INSERT INTO series (labels) VALUES (?)'),
      updateSealed: db.prepare('UPDATE series SET sealed_max_t = ? WHERE id = ?'),
      updateOooSealed: db.prepare('UPDATE series SET ooo_sealed_seq = ? WHERE id = ?'),
      insertWal: db.prepare('INSERT INTO wal (seq, data) VALUES (?, ?)'),
      truncateWal: db.prepare('DELETE FROM wal WHERE seq < ?'),
      deleteSeries: db.prepare('DELETE FROM series WHERE id = ?'),
      putMetadata: db.prepare('INSERT OR REPLACE INTO metadata (metric, type, help, unit) VALUES (?, ?, ?, ?)'),
      putCounter: db.prepare('INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)'),
    };
  }

  // ---------------------------------------------------------------- open & recovery

  private load(): void {
    const rows = this.db.prepare('SELECT id, labels, sealed_max_t, ooo_sealed_seq FROM series ORDER BY id').all() as {
      id: number;
      labels: string;
      sealed_max_t: number;
      ooo_sealed_seq: number;
    }[];
    let maxSeq = 0;
    for (const r of rows) {
      let labels: Labels;
      try {
        labels = JSON.parse(r.labels) as Labels;
      } catch {
        throw new StoreError('store_corrupt', `series ${r.id} has unreadable labels: restore from a snapshot`, this.options.path);
      }
      const state = new SeriesState(r.id, labels, r.sealed_max_t, r.ooo_sealed_seq);
      this.states.set(r.id, state);
      this.index.add(r.id, labels);
      if (r.ooo_sealed_seq > maxSeq) maxSeq = r.ooo_sealed_seq;
      if (r.sealed_max_t > this.newestT) this.newestT = r.sealed_max_t;
    }
    for (const m of this.db.prepare('SELECT metric, type FROM metadata').all() as { metric: string; type: string }[])
      this.familyTypes.set(m.metric, m.type);
    if (this.archive) {
      const through = this.db.prepare("SELECT value FROM meta WHERE key = 'archived_through'").pluck().get() as string | undefined;
      if (through !== undefined) this.archivedThrough = this.closedThrough = Number(through);
    }
    for (const c of this.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]) {
      if (c.name in this.counters) this.counters[c.name as keyof typeof this.counters] = c.value;
    }
    // Replay: put back every accepted sample that no sealed chunk holds yet.
    const replay = this.db.transaction(() => {
      for (const row of this.db.prepare('SELECT seq, data FROM wal ORDER BY seq').iterate() as Iterable<{
        seq: number;
        data: Uint8Array;
      }>) {
        maxSeq = Math.max(maxSeq, row.seq);
        this.walRows.push({ seq: row.seq, bytes: row.data.byteLength });
        this.walBytes += row.data.byteLength;
        this.replayRow(row.seq, row.data);
      }
    });
    replay();
    this.nextSeq = maxSeq + 1;
  }

  private replayRow(seq: number, data: Uint8Array): void {
    const rec = decodeWalRecord(data, seq);
    let k = 0;
    for (let e = 0; e < rec.seriesIds.length; e++) {
      const state = this.states.get(rec.seriesIds[e]);
      const n = rec.counts[e];
      if (!state)
        throw new StoreError(
          'store_corrupt',
          `write-ahead row ${seq} names series ${rec.seriesIds[e]}, which does not exist: restore from a snapshot`,
        );
      for (let i = 0; i < n; i++, k++) {
        const t = rec.timestamps[k];
        const v = rec.values[k];
        if (t > this.newestT) this.newestT = t;
        if (rec.outOfOrder[k]) {
          if (seq > state.oooSealedSeq && state.ooo.insertSorted(t, v) && state.ooo.length === 1) state.oooFirstSeq = seq;
        } else if (t > state.maxT) {
          this.appendInOrder(state, t, v, seq);
        }
      }
    }
  }

  /** After a failed write the heads may disagree with the file: rebuild them from it. */
  private reloadAfterFailure(): void {
    this.states.clear();
    this.index = new SeriesIndex();
    this.chunks.reload();
    this.rollups.reload();
    this.walRows = [];
    this.walBytes = 0;
    this.newestT = -Infinity;
    this.lastIdleScanAt = -Infinity;
    this.sealedSinceTruncate = true;
    this.load();
  }

  // ---------------------------------------------------------------- append

  /**
   * Calls `observer` for every append from now on (see AppendObserver); the returned
   * function stops that. Observers see nothing of appends that store no sample.
   */
  observeAppends(observer: AppendObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Stores a batch. When it returns, every sample it reports as appended survives the
   * process being killed. Series that cannot be stored are reported in `rejected`; the
   * rest of the batch is stored.
   */
  /**
   * Appends samples in one transaction. `inTransaction` runs inside it, so that what a
   * caller records about the append (the hub's delivery ledger) commits with it or not at all.
   */
  append(batch: readonly AppendSeries[], options: { inTransaction?: () => void } = {}): AppendResult {
    this.assertOpen();
    const result: AppendResult = {
      appended: 0,
      outOfOrder: 0,
      duplicates: 0,
      conflicts: 0,
      tooOld: 0,
      tooFarAhead: 0,
      newSeries: 0,
      rejected: [],
      refs: [],
    };
    this.acceptThrough = this.latestAcceptedMs();
    const seq = this.nextSeq;
    const wal = new WalRecordBuilder();
    const touchedOoo: SeriesState[] = [];
    const observed: AppendedSeries[] | undefined = this.observers.size ? [] : undefined;
    const run = this.db.transaction(() => {
      for (let e = 0; e < batch.length; e++) {
        const entry = batch[e];
        const state = this.resolveSeries(entry, e, result);
        result.refs.push(state?.id);
        if (!state) continue;
        const problem = samplesProblem(entry);
        if (problem) {
          result.rejected.push({ index: e, labels: state.labels, reason: `${problem} for ${formatLabels(state.labels)}` });
          this.counters.invalid++;
          continue;
        }
        wal.beginSeries(state.id);
        const kept = observed && new SampleCollector(entry.values);
        this.appendSeriesSamples(state, entry, seq, wal, result, touchedOoo, kept);
        if (kept?.length)
          observed!.push({
            labels: state.labels,
            timestamps: kept.timestamps.subarray(0, kept.length),
            values: kept.values.subarray(0, kept.length),
          });
      }
      if (observed?.length) for (const o of this.observers) o.appended(observed);
      options.inTransaction?.();
      if (wal.sampleCount === 0) return;
      const data = wal.encode();
      this.stmt.insertWal.run(seq, data);
      this.walRows.push({ seq, bytes: data.byteLength });
      this.walBytes += data.byteLength;
      for (const state of touchedOoo) if (state.ooo.length >= OOO_FLUSH_SAMPLES) this.flushOutOfOrder(state, seq);
      this.sealIdleHeads();
    });
    try {
      run();
    } catch (e) {
      if (observed) for (const o of this.observers) o.settled(false);
      this.reloadAfterFailure();
      throw this.translate(e);
    }
    if (observed) for (const o of this.observers) o.settled(true);
    if (wal.sampleCount > 0) this.nextSeq++;
    this.truncateWal();
    if (this.clockedNewest() - this.lastRetentionAt >= this.options.chunkWindowMs) this.applyRetention();
    this.counters.duplicates += result.duplicates;
    this.counters.conflicts += result.conflicts;
    this.counters.tooOld += result.tooOld;
    this.counters.tooFarAhead += result.tooFarAhead;
    this.counters.outOfOrder += result.outOfOrder;
    return result;
  }

  private appendSeriesSamples(
    state: SeriesState,
    entry: AppendSeries,
    seq: number,
    wal: WalRecordBuilder,
    result: AppendResult,
    touchedOoo: SeriesState[],
    kept?: SampleCollector,
  ): void {
    const { timestamps, values } = entry;
    const head = state.head;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i];
      const v = values[i];
      if (t > this.acceptThrough) {
        // A clock far ahead (a board without a real-time clock, a bad NTP answer): never stored.
        result.tooFarAhead++;
        continue;
      }
      if (t <= this.closedThrough) {
        // Its day is in an immutable archive file (or being written to one).
        result.tooOld++;
        continue;
      }
      if (t > state.maxT) {
        this.appendInOrder(state, t, v, seq);
        wal.add(t, v, false);
        kept?.add(i, t);
        result.appended++;
        if (t > this.newestT) this.newestT = t;
        continue;
      }
      // Not newer than what the series has: a repeat, a conflict, or a late sample.
      const inHead = head.length && t >= head.firstT ? head.indexOf(t) : -1;
      const inOoo = inHead < 0 ? state.ooo.indexOf(t) : -1;
      if (inHead >= 0 || inOoo >= 0) {
        const stored = inHead >= 0 ? head.values[inHead] : state.ooo.values[inOoo];
        if (sameBits(stored, v)) result.duplicates++;
        else result.conflicts++;
        continue;
      }
      if (t < state.maxT - this.options.outOfOrderWindowMs) {
        result.tooOld++;
        continue;
      }
      const sealed = t <= state.sealedMaxT ? this.sealedValueAt(state, t) : undefined;
      if (sealed !== undefined) {
        if (sameBits(sealed, v)) result.duplicates++;
        else result.conflicts++;
        continue;
      }
      state.ooo.insertSorted(t, v);
      if (state.ooo.length === 1) {
        state.oooFirstSeq = seq;
        touchedOoo.push(state);
      }
      wal.add(t, v, true);
      kept?.add(i, t);
      result.appended++;
      result.outOfOrder++;
    }
  }

  private appendInOrder(state: SeriesState, t: number, v: number, seq: number): void {
    const windowEnd = Math.ceil(t / this.options.chunkWindowMs) * this.options.chunkWindowMs;
    if (state.head.length && windowEnd !== state.headWindowEnd) this.sealHead(state);
    if (state.head.length === 0) {
      state.headWindowEnd = windowEnd;
      state.headFirstSeq = seq;
    }
    state.head.push(t, v);
    if (state.head.length >= this.options.chunkMaxSamples) this.sealHead(state);
  }

  private resolveSeries(entry: AppendSeries, index: number, result: AppendResult): SeriesState | undefined {
    if (entry.ref !== undefined) {
      const state = this.states.get(entry.ref);
      if (state) return state;
      if (!entry.labels) {
        result.rejected.push({ index, reason: `unknown series ref ${entry.ref}: send the labels again` });
        this.counters.invalid++;
        return undefined;
      }
    }
    const labels = entry.labels;
    if (!labels) {
      result.rejected.push({ index, reason: 'neither labels nor ref given' });
      this.counters.invalid++;
      return undefined;
    }
    const key = labelsKey(labels);
    const id = this.index.idOfKey(key);
    if (id !== undefined) return this.states.get(id);
    const problem = labelsProblem(labels);
    if (problem) {
      result.rejected.push({ index, labels, reason: problem });
      this.counters.invalid++;
      return undefined;
    }
    const canonical = canonicalLabels(labels);
    const limit = this.cardinalityProblem(canonical);
    if (limit) {
      result.rejected.push({ index, labels, reason: limit });
      this.counters.cardinality++;
      return undefined;
    }
    const newId = Number(this.stmt.insertSeries.run(JSON.stringify(canonical)).lastInsertRowid);
    const state = new SeriesState(newId, canonical, -Number.MAX_SAFE_INTEGER, 0);
    this.states.set(newId, state);
    this.index.add(newId, canonical, key);
    result.newSeries++;
    return state;
  }

  private cardinalityProblem(labels: Labels): string | undefined {
    const { maxSeries, maxSeriesPerLabelValue: per } = this.options.limits;
    if (this.index.size >= maxSeries) {
      return `series limit reached: the store holds ${this.index.size} series (limits.maxSeries = ${maxSeries}); raise the limit or drop high-cardinality labels at the source`;
    }
    if (per && labels[per.label] !== undefined && this.index.countWith(per.label, labels[per.label]) >= per.limit) {
      return `series limit reached for ${per.label}=${JSON.stringify(labels[per.label])}: ${per.limit} series (limits.maxSeriesPerLabelValue); raise the limit or drop high-cardinality labels at the source`;
    }
    return undefined;
  }

  /** The stored value at exactly `t` in a sealed chunk, if any (checks a late sample for a repeat). */
  private sealedValueAt(state: SeriesState, t: number): number | undefined {
    for (const row of this.chunks.inRange(state.id, t, t)) {
      const block = this.decodeStored(row, state);
      const i = block.timestamps.subarray(0, block.length).indexOf(t);
      if (i >= 0) return block.values[i];
    }
    return undefined;
  }

  // ---------------------------------------------------------------- sealing

  private sealHead(state: SeriesState): void {
    const head = state.head;
    const n = head.length;
    if (n === 0) return;
    this.sealedSinceTruncate = true;
    const ts = head.timestamps.subarray(0, n);
    const vs = head.values.subarray(0, n);
    this.chunks.insert(state.id, ts[0], ts[n - 1], n, encodeChunk(ts, vs, n));
    state.sealedMaxT = ts[n - 1];
    this.stmt.updateSealed.run(state.sealedMaxT, state.id);
    this.rebuildRollups(state, state.headWindowEnd, { timestamps: ts, values: vs, length: n });
    head.clear();
  }

  /** Writes the out-of-order buffer as chunks, one per window it touches. */
  private flushOutOfOrder(state: SeriesState, seq: number): void {
    this.sealedSinceTruncate = true;
    const ooo = state.ooo;
    const w = this.options.chunkWindowMs;
    let from = 0;
    while (from < ooo.length) {
      const windowEnd = Math.ceil(ooo.timestamps[from] / w) * w;
      let to = from;
      while (to < ooo.length && ooo.timestamps[to] <= windowEnd) to++;
      const ts = ooo.timestamps.subarray(from, to);
      const vs = ooo.values.subarray(from, to);
      this.chunks.insert(state.id, ts[0], ts[to - from - 1], to - from, encodeChunk(ts, vs, to - from));
      this.rebuildRollups(state, windowEnd, undefined);
      from = to;
    }
    ooo.clear();
    state.oooSealedSeq = seq;
    this.stmt.updateOooSealed.run(seq, state.id);
  }

  /**
   * Recomputes the rollups of one chunk window from all sealed samples in it, so that
   * partial seals and late samples can never leave a rollup that disagrees with raw data.
   */
  private rebuildRollups(state: SeriesState, windowEnd: number, justSealed: SampleBlock | undefined): void {
    const windowStart = windowEnd - this.options.chunkWindowMs;
    const rows = this.chunks.inRange(state.id, windowStart + 1, windowEnd);
    const samples = justSealed && rows.length === 1 ? justSealed : this.mergeRows(state, rows, windowStart, windowEnd);
    this.rollups.windowSealed(state, this.kindOf(state), windowEnd, samples);
  }

  private kindOf(state: SeriesState): SeriesKind {
    return (state.kind ??= seriesKind(state.labels[METRIC_NAME_LABEL], (family) => this.familyTypes.get(family)));
  }

  /** Sealed samples of a series in (fromExclusive, to], merged. */
  private readSealed(state: SeriesState, fromExclusive: number, to: number): SampleBlock {
    return this.mergeRows(state, this.chunks.inRange(state.id, fromExclusive + 1, to), fromExclusive, to);
  }

  private mergeRows(state: SeriesState, rows: ChunkRow[], fromExclusive: number, to: number): SampleBlock {
    const blocks = rows.map((r) => clipBlock(this.decodeStored(r, state), fromExclusive + 1, to));
    return blocks.length === 1 ? blocks[0] : mergeBlocks(blocks);
  }

  /**
   * Heads whose window ended a while ago would pin the write-ahead table: seal them. The
   * scan visits every series, so it runs once per minute of data, not on every append.
   */
  private sealIdleHeads(): void {
    const newest = this.clockedNewest();
    if (newest - this.lastIdleScanAt >= MINUTE_MS) {
      this.lastIdleScanAt = newest;
      const cutoff = newest - IDLE_SEAL_GRACE_MS;
      for (const state of this.states.values()) {
        if (state.head.length && state.headWindowEnd < cutoff) this.sealHead(state);
      }
    }
    if (this.walBytes <= this.options.walMaxBytes) return;
    // Seal the heads that pin the oldest rows until the unsealed journal fits its budget;
    // sealing them in pin order, the next one's pin is where the journal would start.
    const pinned = [...this.states.values()].filter((s) => s.pinnedSeq !== Infinity).sort((a, b) => a.pinnedSeq - b.pinnedSeq);
    for (let k = 0; k < pinned.length; k++) {
      if (this.walBytesFrom(pinned[k].pinnedSeq) <= this.options.walMaxBytes / 2) break;
      this.sealHead(pinned[k]);
      if (pinned[k].ooo.length) this.flushOutOfOrder(pinned[k], this.nextSeq);
    }
  }

  private minPinnedSeq(): number {
    let min = this.nextSeq + 1;
    for (const state of this.states.values()) {
      const p = state.pinnedSeq;
      if (p < min) min = p;
    }
    return min;
  }

  private walBytesFrom(seq: number): number {
    let bytes = 0;
    for (const row of this.walRows) if (row.seq >= seq) bytes += row.bytes;
    return bytes;
  }

  /** Deletes journal rows no head needs any more; only a seal can free some. */
  private truncateWal(): void {
    if (!this.sealedSinceTruncate) return;
    this.sealedSinceTruncate = false;
    const keepFrom = this.minPinnedSeq();
    if (this.walRows.length === 0 || this.walRows[0].seq >= keepFrom) return;
    this.stmt.truncateWal.run(keepFrom);
    let drop = 0;
    while (drop < this.walRows.length && this.walRows[drop].seq < keepFrom) this.walBytes -= this.walRows[drop++].bytes;
    this.walRows.splice(0, drop);
  }

  // ---------------------------------------------------------------- read

  /**
   * Series matching all matchers that have samples in [mint, maxt]: from the store and,
   * for archived days, from the cold archive (which `hints` is told about).
   */
  select(matchers: readonly LabelMatcher[], mint: number, maxt: number, hints?: SelectHints): StoredSeries[] {
    this.assertOpen();
    const archived = this.archiveHits(matchers, mint, maxt, hints);
    const out: StoredSeries[] = [];
    for (const id of this.index.select(matchers)) {
      hints?.tick?.(1);
      const state = this.states.get(id)!;
      const rows = this.chunks.inRange(id, mint, maxt);
      const head = snapshot(state.head, mint, maxt);
      const ooo = snapshot(state.ooo, mint, maxt);
      const old = archived?.byId.get(id) ?? [];
      if (rows.length === 0 && !head && !ooo && old.length === 0) continue;
      // Archived days first, then sealed chunks, late samples and the head.
      const sources: BlockSource[] = old.map(archiveSource);
      for (const r of rows) sources.push({ start: r.start_ms, end: r.end_ms, load: () => this.decodeStored(r, state) });
      for (const block of [ooo, head]) {
        if (block) sources.push({ start: block.timestamps[0], end: block.timestamps[block.length - 1], load: () => block });
      }
      out.push({ ref: id, labels: state.labels, blocks: () => readSources(sources, mint, maxt) });
    }
    for (const hits of archived?.only.values() ?? []) {
      const sources = hits.map(archiveSource);
      out.push({ ref: -1, labels: hits[0].labels, blocks: () => readSources(sources, mint, maxt) });
    }
    return out;
  }

  /** Archive hits over [mint, maxt], split into series the store still has (by id) and series only the archive has. */
  private archiveHits(matchers: readonly LabelMatcher[], mint: number, maxt: number, hints: SelectHints | undefined) {
    if (!this.archive || mint > this.archivedThrough) return undefined;
    const archive = this.archive;
    const notes: ArchiveReadNotes = {
      days: [],
      damaged: (e) =>
        hints?.annotate?.(
          'warning',
          `${e.message}: samples from it are left out of this result; restore the file from a backup or move it out of ${archive.dir}`,
        ),
    };
    const byId = new Map<number, ArchiveHit[]>();
    const only = new Map<string, ArchiveHit[]>();
    for (const hit of archive.select(matchers, mint, Math.min(maxt, this.archivedThrough), notes)) {
      const id = this.index.idOfKey(hit.key);
      if (id !== undefined) pushTo(byId, id, hit);
      else pushTo(only, hit.key, hit);
    }
    if (notes.days.length) {
      const days = notes.days.sort();
      const span = days.length === 1 ? days[0] : `${days[0]} to ${days[days.length - 1]}`;
      hints?.annotate?.('info', `samples for ${span} were read from the cold archive (${archive.dir})`);
    }
    return { byId, only };
  }

  private decodeStored(row: ChunkRow, state: SeriesState): SampleBlock {
    const data = this.chunks.data(row);
    if (!data)
      throw new StoreError(
        'store_corrupt',
        `the chunk of ${formatLabels(state.labels)} at ${iso(row.start_ms)} vanished while reading`,
        this.options.path,
      );
    try {
      const d = decodeChunk(data);
      return { timestamps: d.timestamps, values: d.values, length: d.count };
    } catch (e) {
      throw this.chunkError(e, `the chunk of ${formatLabels(state.labels)} covering ${iso(row.start_ms)}..${iso(row.end_ms)}`);
    }
  }

  private chunkError(e: unknown, what: string): Error {
    if (e instanceof ChunkFormatError) {
      return new StoreError('store_corrupt', `${what} is damaged (${e.message}): restore the database from a snapshot`, this.options.path);
    }
    return this.translate(e);
  }

  /** The resolution a query at `stepMs` should read: raw (0), 1 m or 1 h buckets. */
  resolutionFor(stepMs: number): 0 | typeof MINUTE_MS | typeof HOUR_MS {
    if (stepMs >= HOUR_MS) return HOUR_MS;
    if (stepMs >= MINUTE_MS) return MINUTE_MS;
    return 0;
  }

  /**
   * Downsampled buckets (ends in (mint, maxt]) for the matching series: stored rollups
   * where they exist, buckets computed from raw samples for the rest (the open head,
   * windows too sparse to roll up). Undefined when the range reaches back past the
   * rollups' retention into archived days: only the archive's samples cover those.
   */
  selectBuckets(
    matchers: readonly LabelMatcher[],
    mint: number,
    maxt: number,
    resolution: typeof MINUTE_MS | typeof HOUR_MS,
  ): BucketSeries[] | undefined {
    this.assertOpen();
    if (this.archive && mint <= this.archivedThrough) {
      const kept = resolution === HOUR_MS ? this.options.retention.rollup1hMs : this.options.retention.rollup1mMs;
      if (mint < this.clockedNewest() - kept) return undefined;
    }
    const out: BucketSeries[] = [];
    for (const id of this.index.select(matchers)) {
      const state = this.states.get(id)!;
      const buckets = this.readBuckets(state, mint, maxt, resolution);
      if (buckets.length) out.push({ ref: id, labels: state.labels, kind: this.kindOf(state), buckets });
    }
    return out;
  }

  private readBuckets(state: SeriesState, mint: number, maxt: number, resolution: number): RollupBuckets {
    // Rollups cover every sealed sample; the open head is rolled up on the fly.
    return this.rollups.read(state, this.kindOf(state), mint, maxt, resolution, snapshot(state.head, -Infinity, Infinity));
  }

  // ---------------------------------------------------------------- metadata & stats

  labelNames(matchers?: readonly LabelMatcher[]): string[] {
    this.assertOpen();
    return this.index.labelNames(matchers?.length ? this.index.select(matchers) : undefined);
  }

  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[] {
    this.assertOpen();
    return this.index.labelValues(name, matchers?.length ? this.index.select(matchers) : undefined);
  }

  /** Label sets of the series matching `matchers` (with data in [mint, maxt] when given). */
  series(matchers: readonly LabelMatcher[], mint?: number, maxt?: number): Labels[] {
    this.assertOpen();
    if (mint === undefined || maxt === undefined) return this.index.select(matchers).map((id) => this.states.get(id)!.labels);
    return this.select(matchers, mint, maxt).map((s) => s.labels);
  }

  setMetadata(metric: string, meta: MetricMetadata): void {
    this.assertOpen();
    this.stmt.putMetadata.run(metric, meta.type, meta.help, meta.unit);
    if (this.familyTypes.get(metric) !== meta.type) {
      this.familyTypes.set(metric, meta.type);
      for (const state of this.states.values()) state.kind = undefined;
    }
  }

  metadata(metric?: string): Map<string, MetricMetadata> {
    this.assertOpen();
    const rows = (
      metric === undefined
        ? this.db.prepare('SELECT metric, type, help, unit FROM metadata ORDER BY metric').all()
        : this.db.prepare('SELECT metric, type, help, unit FROM metadata WHERE metric = ?').all(metric)
    ) as ({ metric: string } & MetricMetadata)[];
    return new Map(rows.map((r) => [r.metric, { type: r.type, help: r.help, unit: r.unit }]));
  }

  stats(): StoreStats {
    this.assertOpen();
    const chunkAgg = this.db
      .prepare('SELECT count(*) AS chunks, coalesce(sum(count), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM chunks')
      .get() as {
      chunks: number;
      samples: number;
      bytes: number;
    };
    const rollupBytes = (this.db.prepare('SELECT coalesce(sum(length(data)), 0) FROM rollups').pluck().get() as number) ?? 0;
    let headSamples = 0;
    for (const s of this.states.values()) headSamples += s.head.length + s.ooo.length;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const samples = chunkAgg.samples + headSamples;
    const fileBytes = pageSize * pages;
    let walFileBytes = 0;
    try {
      walFileBytes = statSync(`${this.options.path}-wal`).size;
    } catch {
      walFileBytes = 0;
    }
    return {
      series: this.index.size,
      samples,
      headSamples,
      chunks: chunkAgg.chunks,
      chunkBytes: chunkAgg.bytes,
      rollupBytes,
      fileBytes,
      walFileBytes,
      bytesPerSample: samples ? fileBytes / samples : 0,
      rejected: {
        tooOld: this.counters.tooOld,
        tooFarAhead: this.counters.tooFarAhead,
        conflicts: this.counters.conflicts,
        cardinality: this.counters.cardinality,
        invalid: this.counters.invalid,
      },
      duplicates: this.counters.duplicates,
      outOfOrder: this.counters.outOfOrder,
    };
  }

  // ---------------------------------------------------------------- retention & lifecycle

  /** The newest timestamp an append accepts now: the clock plus `maxFutureMs`. */
  latestAcceptedMs(): number {
    return this.options.now() + this.options.maxFutureMs;
  }

  /**
   * What retention, idle sealing and rollup cut-offs count back from: the newest sample,
   * but never past the clock, so that a sample dated in the future (stored before the door
   * existed, or by a writer with a wrong clock) cannot age everything else out.
   */
  private clockedNewest(): number {
    return Math.min(this.newestT, this.options.now());
  }

  /**
   * Drops raw chunks and rollups past their retention (counted back from the newest
   * sample, or the clock when that is earlier), then series left with no data. Freed
   * pages are reused by later writes.
   */
  applyRetention(): { chunksDropped: number; seriesDropped: number; archiveFilesDropped: number } {
    this.assertOpen();
    const { rawMs, rollup1mMs, rollup1hMs } = this.options.retention;
    const newest = this.clockedNewest();
    this.lastRetentionAt = newest;
    if (newest === -Infinity) return { chunksDropped: 0, seriesDropped: 0, archiveFilesDropped: 0 };
    const hourCutoff = newest - rollup1hMs - DAY;
    let chunksDropped = 0;
    let archiveFilesDropped = 0;
    if (this.archive) {
      this.startArchiving();
      archiveFilesDropped = this.archive.dropThrough(newest - this.options.archive!.retentionMs);
    }
    const gone: SeriesState[] = [];
    this.db.transaction(() => {
      // With cold storage, chunks leave the store only once their day is archived.
      if (!this.archive) chunksDropped = this.chunks.dropThrough(newest - rawMs);
      this.rollups.dropBefore(newest - rollup1mMs - this.options.chunkWindowMs, hourCutoff, (id) => {
        const state = this.states.get(id);
        return state && { state, kind: this.kindOf(state) };
      });
      // A series whose newest sample is older than the longest-kept rollup has no data left
      // (with cold storage, once its chunks are in the archive: archiving reads the series here).
      for (const state of this.states.values()) {
        if (
          state.maxT < hourCutoff &&
          state.head.length === 0 &&
          state.ooo.length === 0 &&
          (!this.archive || state.maxT <= this.archivedThrough)
        )
          gone.push(state);
      }
      for (const state of gone) this.stmt.deleteSeries.run(state.id);
    })();
    for (const state of gone) this.states.delete(state.id);
    this.index.remove(gone.map((s) => s.id));
    return { chunksDropped, seriesDropped: gone.length, archiveFilesDropped };
  }

  /**
   * Resolves when no day is being archived: with what the running archiving did (nothing
   * when none was running). Archiving runs beside appends (see `startArchiving`).
   */
  archiveSettled(): Promise<ArchiveOutcome> {
    return this.archiving ?? Promise.resolve({ daysArchived: 0 });
  }

  /**
   * Moves every whole UTC day past raw retention into the archive, oldest first, in the
   * background: appends go on meanwhile (the days being archived refuse late samples from
   * the start, so their chunks cannot change), and a day's file is written a few hundred
   * series at a time. The file is synced before the day's chunks are deleted, so a crash in
   * between leaves the day in both (the next run writes it again as a second part; reads
   * merge them). A day that cannot be written stays in the store; the next run tries again.
   */
  private startArchiving(): void {
    if (this.archiving || this.lastDayToArchive() <= this.archivedThrough) return;
    // Cleared by the run when it ends; until then, later calls leave it to catch up.
    this.archiving = this.archiveDays();
  }

  private lastDayToArchive(): number {
    return Math.floor((this.clockedNewest() - this.options.retention.rawMs) / DAY) * DAY;
  }

  private async archiveDays(): Promise<ArchiveOutcome> {
    try {
      // Not inside the append that found days due: after it, and after the appends queued
      // behind it. (Awaited first, so `archiving` is set before this can end.)
      await new Promise((resolve) => setImmediate(resolve));
      return await this.archiveDueDays();
    } finally {
      this.archiving = undefined;
    }
  }

  private async archiveDueDays(): Promise<ArchiveOutcome> {
    const archive = this.archive!;
    const log = this.options.archive!.log;
    let daysArchived = 0;
    // More days may come due while this runs: go on while that moves the boundary.
    for (
      let lastDayEnd = this.lastDayToArchive(), before = NaN;
      !this.closed && lastDayEnd > this.archivedThrough && before !== this.archivedThrough;
      lastDayEnd = this.lastDayToArchive()
    ) {
      before = this.archivedThrough;
      this.closedThrough = lastDayEnd;
      // Samples still in heads or late-sample buffers join their day's chunks first.
      this.db.transaction(() => {
        for (const state of this.states.values()) {
          if (state.head.length && state.head.timestamps[0] <= lastDayEnd) this.sealHead(state);
          if (state.ooo.length && state.ooo.timestamps[0] <= lastDayEnd) this.flushOutOfOrder(state, this.nextSeq - 1);
        }
      })();
      const oldest = this.chunks.oldestWindowEnd();
      for (let dayStart = Math.max(Math.ceil(oldest / DAY) * DAY - DAY, this.archivedThrough); dayStart < lastDayEnd; dayStart += DAY) {
        const dayEnd = dayStart + DAY;
        if (this.chunks.anyEndingIn(dayStart, dayEnd)) {
          const started = Date.now();
          let written;
          try {
            written = await archive.writeDay(dayStart, this.dayChunks(dayStart, dayEnd), started, {
              yieldEvery: 256,
              stopped: () => this.closed,
            });
          } catch (e) {
            this.lastArchiveError = (e as Error).message;
            log(`cold storage: ${this.lastArchiveError}`);
            if (!this.closed) this.closedThrough = this.archivedThrough;
            return { daysArchived, error: this.lastArchiveError };
          }
          // Stopped by close(): the day is still whole in the store.
          if (!written || this.closed) return { daysArchived };
          this.lastArchiveError = undefined;
          daysArchived++;
          log(
            `cold storage: archived ${dayName(dayStart)} (${written.series} series, ${written.samples} samples, ${written.bytes} bytes) in ${Date.now() - started} ms to ${written.path}`,
          );
        }
        this.closeThrough(dayEnd);
      }
    }
    if (this.closed) return { daysArchived };
    // Days before the oldest chunk stay open: history imported later is archived next time.
    this.closedThrough = this.archivedThrough;
    archive.dropThrough(this.clockedNewest() - this.options.archive!.retentionMs);
    return { daysArchived };
  }

  /** Deletes the chunks of days through `dayEnd` (archived by now) and records how far that is. */
  private closeThrough(dayEnd: number): void {
    if (dayEnd <= this.archivedThrough) return;
    this.db.transaction(() => {
      this.chunks.dropThrough(dayEnd);
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('archived_through', ?)").run(String(dayEnd));
    })();
    this.archivedThrough = dayEnd;
  }

  /** The chunks of one day, series by series, as stored (no decoding). */
  private *dayChunks(dayStart: number, dayEnd: number): Generator<ArchiveSeriesInput> {
    for (const state of this.states.values()) {
      // The writer awaits between series: the store may have been closed meanwhile.
      if (this.closed) return;
      const rows = this.chunks.inRange(state.id, dayStart + 1, dayEnd);
      if (rows.length === 0) continue;
      yield {
        labels: state.labels,
        chunks: rows.map((r) => {
          const data = this.chunks.data(r);
          if (!data)
            throw new StoreError(
              'store_corrupt',
              `the chunk of ${formatLabels(state.labels)} at ${iso(r.start_ms)} vanished while archiving`,
              this.options.path,
            );
          return { startMs: r.start_ms, endMs: r.end_ms, count: r.count, data };
        }),
      };
    }
  }

  /** Cold storage: its folder, files, size, damaged files and how far it reaches; undefined when off. */
  archiveStatus(): ArchiveState | undefined {
    if (!this.archive) return undefined;
    return {
      ...this.archive.status(),
      archivedThrough: this.archivedThrough === -Infinity ? undefined : this.archivedThrough,
      retentionMs: this.options.archive!.retentionMs,
      lastError: this.lastArchiveError,
    };
  }

  /** Reads every archive file and checks its checksums; returns the damaged ones. */
  verifyArchive(onProgress?: (done: number, total: number) => void): { file: string; reason: string }[] {
    this.assertOpen();
    if (!this.archive)
      throw new StoreError('invalid_option', 'cold storage is off: set store.archive_dir (StoreOptions.archive) to use it');
    return this.archive.verify(onProgress);
  }

  /** Seals every head and checkpoints the journal so that the file alone holds everything. */
  flush(): void {
    this.assertOpen();
    this.db.transaction(() => {
      for (const state of this.states.values()) {
        this.sealHead(state);
        if (state.ooo.length) this.flushOutOfOrder(state, this.nextSeq - 1);
      }
      for (const [name, value] of Object.entries(this.counters)) this.stmt.putCounter.run(name, value);
    })();
    this.truncateWal();
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      this.archive?.closeAll();
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the store is closed', this.options.path);
  }

  private translate(e: unknown): Error {
    return translateSqliteError(e, this.options.path);
  }
}

/**
 * The samples of one series an append stored. Values are copied as bytes from a
 * Float64Array source, so a NaN's payload (the staleness marker) reaches observers intact.
 */
class SampleCollector {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  length = 0;
  private readonly from: Uint8Array | undefined;
  private readonly to: Uint8Array;
  constructor(private readonly source: ArrayLike<number>) {
    this.timestamps = new Float64Array(source.length);
    this.values = new Float64Array(source.length);
    this.from = source instanceof Float64Array ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : undefined;
    this.to = new Uint8Array(this.values.buffer);
  }
  add(i: number, t: number): void {
    const n = this.length++;
    this.timestamps[n] = t;
    const from = this.from;
    if (!from) {
      this.values[n] = this.source[i];
      return;
    }
    const a = i * 8;
    const b = n * 8;
    for (let k = 0; k < 8; k++) this.to[b + k] = from[a + k];
  }
}

function samplesProblem(entry: AppendSeries): string | undefined {
  const { timestamps, values } = entry;
  if (!timestamps || !values || typeof timestamps.length !== 'number' || typeof values.length !== 'number')
    return 'timestamps and values must be arrays';
  if (timestamps.length !== values.length) return `${timestamps.length} timestamps but ${values.length} values`;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (!Number.isSafeInteger(t)) return `timestamp #${i} (${t}) is not a whole number of milliseconds`;
    if (typeof values[i] !== 'number') return `value #${i} is not a number`;
  }
  return undefined;
}

function snapshot(
  buf: { timestamps: Float64Array; values: Float64Array; length: number },
  mint: number,
  maxt: number,
): SampleBlock | undefined {
  if (buf.length === 0) return undefined;
  const clipped = clipBlock(buf, mint, maxt);
  if (clipped.length === 0) return undefined;
  // Copies: the head keeps changing while a reader iterates.
  return {
    timestamps: clipped.timestamps.slice(0, clipped.length),
    values: clipped.values.slice(0, clipped.length),
    length: clipped.length,
  };
}

type BlockSource = { start: number; end: number; load: () => SampleBlock };

/**
 * The sources' samples in [mint, maxt], ascending: sources that do not overlap are passed
 * through one by one, overlapping ones merged (the earlier-listed source wins a repeated
 * timestamp; appends never store one twice, so the order only has to be stable).
 */
function* readSources(list: readonly BlockSource[], mint: number, maxt: number): Generator<SampleBlock> {
  const sources = [...list].sort((a, b) => a.start - b.start);
  let i = 0;
  while (i < sources.length) {
    let j = i + 1;
    let end = sources[i].end;
    while (j < sources.length && sources[j].start <= end) end = Math.max(end, sources[j++].end);
    const block = j === i + 1 ? sources[i].load() : mergeBlocks(sources.slice(i, j).map((s) => s.load()));
    const clipped = block.length ? clipBlock(block, mint, maxt) : block;
    if (clipped.length) yield clipped;
    i = j;
  }
}

/** One archive file's part of a series as a source: its chunks joined (merged where late samples overlap). */
function archiveSource(hit: ArchiveHit): BlockSource {
  return {
    start: hit.minT,
    end: hit.maxT,
    load: () => {
      const blocks = hit.load();
      if (blocks.length === 1) return blocks[0];
      let total = 0;
      for (let k = 0; k < blocks.length; k++) {
        if (k > 0 && blocks[k].timestamps[0] <= blocks[k - 1].timestamps[blocks[k - 1].length - 1]) return mergeBlocks(blocks);
        total += blocks[k].length;
      }
      const joined = { timestamps: new Float64Array(total), values: new Float64Array(total), length: total };
      let at = 0;
      for (const block of blocks) {
        joined.timestamps.set(block.timestamps.subarray(0, block.length), at);
        joined.values.set(block.values.subarray(0, block.length), at);
        at += block.length;
      }
      return joined;
    },
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
