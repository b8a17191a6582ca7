// The time-series store: appends go to a write-ahead row and the in-memory heads in one
// SQLite transaction; heads are sealed into compressed chunks (with their rollups) when
// they fill or cross a window; reads merge sealed chunks, out-of-order chunks and heads.
//
// This class is the store's API and nothing more: its state is one StoreState
// (store/state.ts) and each method hands it to the module of its job: store/append.ts,
// store/heads.ts (sealing), store/wal.ts (write-ahead replay and truncation),
// store/read.ts, store/metadata.ts, store/archiving.ts (cold storage),
// store/retention.ts and store/stats.ts.

import type Database from 'better-sqlite3';
import type { LabelMatcher, Labels } from '@metrics-hub/wire';
import { resolveOptions, type ResolvedOptions, type StoreOptions } from './options.ts';
import type { HOUR_MS, MINUTE_MS } from './rollup.ts';
import { openDatabase } from './schema.ts';
import { append, latestAcceptedMs, observeAppends, sealUnjournaled } from './store/append.ts';
import { archiveSettled, archiveStatus, openColdArchive, verifyArchive } from './store/archiving.ts';
import { readSealedMany, sealAll } from './store/heads.ts';
import { readMetadata, setMetadata } from './store/metadata.ts';
import { labelNames, labelValues, resolutionFor, select, selectBuckets, series } from './store/read.ts';
import { applyRetention, rawRetentionCutoff } from './store/retention.ts';
import { assertOpen, createStoreState, translate, type StoreState } from './store/state.ts';
import { saveCounters, stats } from './store/stats.ts';
import type {
  AppendObserver,
  AppendOptions,
  AppendResult,
  AppendSeries,
  ArchiveOutcome,
  ArchiveState,
  BucketHints,
  BucketSeries,
  MetricMetadata,
  SelectHints,
  StoredSeries,
  StoreStats,
  StoreTotals,
} from './store/types.ts';
import { loadStore, truncateWal } from './store/wal.ts';

export type {
  AppendSeries,
  AppendOptions,
  AppendResult,
  AppendedSeries,
  AppendObserver,
  StoredSeries,
  SelectHints,
  ArchiveOutcome,
  ArchiveState,
  BucketHints,
  BucketSeries,
  MetricMetadata,
  StoreStats,
  StoreTotals,
} from './store/types.ts';

export class TimeSeriesStore {
  private readonly st: StoreState;
  /** The writer's lock on `<path>-lock` (schema.ts), released at close. */
  private readonly lock: Database.Database;

  /** The options in force; they live in the state, so that every job sees one replaced or changed here. */
  get options(): ResolvedOptions {
    return this.st.options;
  }

  set options(options: ResolvedOptions) {
    this.st.options = options;
  }

  /**
   * The SQLite connection, for companion tables that must commit with appends (see
   * `append`'s `inTransaction`). The store's own tables are not part of its API.
   */
  get database(): Database.Database {
    return this.st.db;
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
    this.lock = opened.lock;
    this.st = createStoreState(opened.db, { ...options, chunkWindowMs: opened.chunkWindowMs }, readSealedMany);
    try {
      openColdArchive(this.st);
      loadStore(this.st);
    } catch (e) {
      this.st.db.close();
      this.lock.close();
      throw translate(this.st, e);
    }
  }

  /**
   * Calls `observer` for every append from now on (see AppendObserver); the returned
   * function stops that. Observers see nothing of appends that store no sample.
   */
  observeAppends(observer: AppendObserver): () => void {
    return observeAppends(this.st, observer);
  }

  /**
   * Stores a batch. When it returns, every sample it reports as appended survives the
   * process being killed. Series that cannot be stored are reported in `rejected`; the
   * rest of the batch is stored.
   *
   * Appends samples in one transaction. `inTransaction` runs inside it, so that what a
   * caller records about the append (the hub's delivery ledger) commits with it or not at all.
   */
  append(batch: readonly AppendSeries[], options: AppendOptions = {}): AppendResult {
    return append(this.st, batch, options);
  }

  /**
   * Seals what unjournaled appends (`journaled: false`) left in memory: once it returns,
   * those samples survive the process being killed without the caller's redo log.
   */
  sealUnjournaled(): void {
    sealUnjournaled(this.st);
  }

  /**
   * Series matching all matchers that have samples in [mint, maxt]: from the store and,
   * for archived days, from the cold archive (which `hints` is told about).
   */
  select(matchers: readonly LabelMatcher[], mint: number, maxt: number, hints?: SelectHints): StoredSeries[] {
    return select(this.st, matchers, mint, maxt, hints);
  }

  /** The resolution a query at `stepMs` should read: raw (0), 1 m or 1 h buckets. */
  resolutionFor(stepMs: number): 0 | typeof MINUTE_MS | typeof HOUR_MS {
    return resolutionFor(stepMs);
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
    hints?: BucketHints,
  ): Iterable<BucketSeries> | undefined {
    return selectBuckets(this.st, matchers, mint, maxt, resolution, hints);
  }

  labelNames(matchers?: readonly LabelMatcher[]): string[] {
    return labelNames(this.st, matchers);
  }

  labelValues(name: string, matchers?: readonly LabelMatcher[]): string[] {
    return labelValues(this.st, name, matchers);
  }

  /** Label sets of the series matching `matchers` (with data in [mint, maxt] when given). */
  series(matchers: readonly LabelMatcher[], mint?: number, maxt?: number): Labels[] {
    return series(this.st, matchers, mint, maxt);
  }

  setMetadata(metric: string, meta: MetricMetadata): void {
    setMetadata(this.st, metric, meta);
  }

  metadata(metric?: string): Map<string, MetricMetadata> {
    return readMetadata(this.st, metric);
  }

  /** The store's figures; its sealed data's sums as `totals` says (a replica computed them), else scanned now. */
  stats(totals?: StoreTotals): StoreStats {
    return stats(this.st, totals);
  }

  /** The newest timestamp an append accepts now: the clock plus `maxFutureMs`. */
  latestAcceptedMs(): number {
    return latestAcceptedMs(this.st);
  }

  /**
   * The time at or before which raw samples go at the next retention pass (to the archive
   * when cold storage is on), were the store's newest sample at least `newestToCome`.
   */
  rawRetentionCutoff(newestToCome = Number.NEGATIVE_INFINITY): number {
    return rawRetentionCutoff(this.st, newestToCome);
  }

  /**
   * Drops raw chunks and rollups past their retention (counted back from the newest
   * sample, or the clock when that is earlier), then series left with no data. Freed
   * pages are reused by later writes.
   */
  applyRetention(): { chunksDropped: number; seriesDropped: number; archiveFilesDropped: number } {
    return applyRetention(this.st);
  }

  /**
   * Resolves when no day is being archived: with what the running archiving did (nothing
   * when none was running). Archiving runs beside appends (see `startArchiving` in store/archiving.ts).
   */
  archiveSettled(): Promise<ArchiveOutcome> {
    return archiveSettled(this.st);
  }

  /** Cold storage: its folder, files, size, damaged files and how far it reaches; undefined when off. */
  archiveStatus(): ArchiveState | undefined {
    return archiveStatus(this.st);
  }

  /** Reads every archive file and checks its checksums; returns the damaged ones. */
  verifyArchive(onProgress?: (done: number, total: number) => void): { file: string; reason: string }[] {
    return verifyArchive(this.st, onProgress);
  }

  /** Seals every head and checkpoints the journal so that the file alone holds everything. */
  flush(): void {
    const st = this.st;
    assertOpen(st);
    st.db.transaction(() => {
      sealAll(st);
      saveCounters(st);
    })();
    truncateWal(st);
    st.db.pragma('incremental_vacuum');
    st.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    const st = this.st;
    if (st.closed) return;
    try {
      this.flush();
    } finally {
      st.closed = true;
      st.archive?.closeAll();
      st.db.close();
      this.lock.close();
    }
  }
}
