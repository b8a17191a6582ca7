// What the store's jobs (append, heads, write-ahead, reads, archiving, retention, stats)
// share: one explicit object, created at open and handed to each of them, so that no job
// reaches into another's fields.

import type Database from 'better-sqlite3';
import type { ColdArchive } from '../archive/cold-archive.ts';
import { ChunkTable } from '../chunk-table.ts';
import type { ResolvedOptions } from '../options.ts';
import { RollupStore } from '../rollup-store.ts';
import type { SampleBlock } from '../sample-merge.ts';
import { StoreError } from '../errors.ts';
import { translateSqliteError } from '../schema.ts';
import { SeriesIndex } from '../series-index.ts';
import type { SeriesState } from '../series-state.ts';
import type { AppendObserver, ArchiveOutcome } from './types.ts';
import { WalLedger } from './wal-ledger.ts';

/** Rejections and repeats, kept across restarts in the `counters` table. */
export interface StoreCounters {
  tooOld: number;
  tooFarAhead: number;
  conflicts: number;
  cardinality: number;
  invalid: number;
  duplicates: number;
  outOfOrder: number;
}

export type StoreStatements = ReturnType<typeof prepareStatements>;

export interface StoreState {
  options: ResolvedOptions;
  readonly db: Database.Database;
  index: SeriesIndex;
  readonly states: Map<number, SeriesState>;
  nextSeq: number;
  /** Newest timestamp stored (retention and idle sealing count back from it, or from the clock: see `clockedNewest`). */
  newestT: number;
  /** The newest timestamp the append in progress accepts (the clock plus maxFutureMs). */
  acceptThrough: number;
  /** The write-ahead rows not truncated yet, with their sizes. */
  readonly wal: WalLedger;
  lastRetentionAt: number;
  lastIdleScanAt: number;
  /** A head or late-sample buffer was sealed since the journal was last truncated. */
  sealedSinceTruncate: boolean;
  closed: boolean;
  readonly counters: StoreCounters;
  readonly stmt: StoreStatements;
  readonly rollups: RollupStore;
  readonly chunks: ChunkTable;
  readonly familyTypes: Map<string, string>;
  /** Cold storage; none when it is off. */
  archive?: ColdArchive;
  /** Samples at or before this time are in archive files; none when cold storage is off. */
  archivedThrough: number;
  /** Samples at or before this time are refused: their day is archived or being archived. */
  closedThrough: number;
  /** The archiving run in progress, if any. */
  archiving: Promise<ArchiveOutcome> | undefined;
  lastArchiveError: string | undefined;
  readonly observers: Set<AppendObserver>;
  /** Series holding samples of unjournaled appends in memory (append.ts, sealUnjournaled). */
  readonly unjournaled: Set<SeriesState>;
  /**
   * Called by reads before they look at a series' head and late-sample buffer. A replica
   * (replica.ts) brings them up to its snapshot there; the writer's are always current.
   */
  prepareRead?: (state: SeriesState) => void;
}

/**
 * The state of a store just opened, before `loadStore` fills it from the file. `readSealed`
 * is how rollups read the sealed raw samples they are rebuilt from (of many series at once).
 */
export function createStoreState(
  db: Database.Database,
  options: ResolvedOptions,
  readSealed: (st: StoreState, states: readonly SeriesState[], fromExclusive: number, to: number) => SampleBlock[],
): StoreState {
  const chunks = new ChunkTable(db, options.chunkWindowMs);
  const st: StoreState = {
    options,
    db,
    index: new SeriesIndex(),
    states: new Map(),
    nextSeq: 1,
    newestT: -Infinity,
    acceptThrough: Infinity,
    wal: new WalLedger(),
    lastRetentionAt: -Infinity,
    lastIdleScanAt: -Infinity,
    sealedSinceTruncate: true,
    closed: false,
    counters: { tooOld: 0, tooFarAhead: 0, conflicts: 0, cardinality: 0, invalid: 0, duplicates: 0, outOfOrder: 0 },
    stmt: prepareStatements(db),
    chunks,
    rollups: new RollupStore(
      db,
      options.chunkWindowMs,
      (states, from, to) => readSealed(st, states, from, to),
      (window) => chunks.timelinesOf(window),
    ),
    familyTypes: new Map(),
    archivedThrough: -Infinity,
    closedThrough: -Infinity,
    archiving: undefined,
    lastArchiveError: undefined,
    observers: new Set(),
    unjournaled: new Set(),
  };
  return st;
}

function prepareStatements(db: Database.Database) {
  return {
    insertSeries: db.prepare('INSERT INTO series (labels) VALUES (?)'),
    updateSealed: db.prepare('UPDATE series SET sealed_max_t = ? WHERE id = ?'),
    updateOooSealed: db.prepare('UPDATE series SET ooo_sealed_seq = ? WHERE id = ?'),
    insertWal: db.prepare('INSERT INTO wal (seq, data) VALUES (?, ?)'),
    truncateWal: db.prepare('DELETE FROM wal WHERE seq < ?'),
    deleteSeries: db.prepare('DELETE FROM series WHERE id = ?'),
    countSeriesRemoved: db.prepare(
      "INSERT INTO meta (key, value) VALUES ('series_removed', ?) ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)",
    ),
    putMetadata: db.prepare('INSERT OR REPLACE INTO metadata (metric, type, help, unit) VALUES (?, ?, ?, ?)'),
    putCounter: db.prepare('INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)'),
  };
}

/**
 * What retention, idle sealing and rollup cut-offs count back from: the newest sample,
 * but never past the clock, so that a sample dated in the future (stored before the door
 * existed, or by a writer with a wrong clock) cannot age everything else out.
 */
export function clockedNewest(st: StoreState): number {
  return Math.min(st.newestT, st.options.now());
}

export function assertOpen(st: StoreState): void {
  if (st.closed) throw new StoreError('store_closed', 'the store is closed', st.options.path);
}

export function translate(st: StoreState, e: unknown): Error {
  return translateSqliteError(e, st.options.path);
}
