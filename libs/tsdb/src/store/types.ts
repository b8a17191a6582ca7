// The store's public types: what callers pass to and get from TimeSeriesStore.

import type { Labels, ShardSpec } from '@metrics-hub/wire';
import type { ArchiveStatus } from '../archive/cold-archive.ts';
import type { RollupBuckets } from '../rollup.ts';
import type { SeriesKind } from '../rollup-codec.ts';
import type { SampleBlock } from '../sample-merge.ts';

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
  /**
   * All samples in one block: chunks that do not overlap are decoded straight into place,
   * into `scratch` when it has room (then the block is only good until the caller reuses
   * it). With `timesOnly`, values that cannot be staleness markers may read as 0.
   */
  samples(scratch?: { timestamps: Float64Array; values: Float64Array }, options?: { timesOnly?: boolean }): SampleBlock;
}

/** What a read may tell its caller beside the samples (the query engine turns them into annotations). */
export interface SelectHints {
  annotate?(level: 'info' | 'warning', message: string): void;
  /** Told of the work done as the read goes (one unit a series): it may throw to stop the read (a query past its deadline). */
  tick?(units: number): void;
  /** The caller reads the samples of every selected series right away (a query does): they are then fetched together. */
  readsAll?: boolean;
  /** Only the series of this shard (a query split by series across workers): the others are not read at all. */
  shard?: ShardSpec;
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

/** How a caller of `selectBuckets` reads the buckets. */
export interface BucketHints {
  /** Only the series of this shard of a query split across workers. */
  shard?: ShardSpec;
  /**
   * The caller is done with each series' buckets before it takes the next from the
   * iterable (a query is): they are then decoded as it goes into one reused buffer, so a
   * series' buckets are valid only until the next is taken.
   */
  streaming?: boolean;
}

export interface BucketSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Which columns the buckets keep (the others are NaN). */
  readonly kind: SeriesKind;
  readonly buckets: RollupBuckets;
}

/** The metric types OpenMetrics names (Prometheus's text format uses the first five and `untyped`, stored as unknown). */
export const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'info', 'stateset', 'gaugehistogram', 'unknown'] as const;

export function isMetricType(type: unknown): type is MetricMetadata['type'] {
  return (METRIC_TYPES as readonly unknown[]).includes(type);
}

export interface MetricMetadata {
  type: (typeof METRIC_TYPES)[number];
  help: string;
  unit: string;
}

/** The sealed data's sums (see storeTotals). */
export interface StoreTotals {
  chunks: number;
  sealedSamples: number;
  chunkBytes: number;
  rollupBytes: number;
}

export interface AppendOptions {
  /** Runs inside the append's transaction (what the caller records commits with it or not at all). */
  inTransaction?: () => void;
  /**
   * false: no write-ahead row; the caller keeps the samples in a redo log of its own (an
   * import's staging file) and calls sealUnjournaled before dropping it. Until then a
   * killed process loses them, and query workers do not see them.
   */
  journaled?: boolean;
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
