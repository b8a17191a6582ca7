export { TimeSeriesStore } from './store.ts';
export { StoreReplica, type ReplicaOptions } from './store-replica.ts';
export type {
  AppendSeries,
  AppendOptions,
  AppendResult,
  AppendedSeries,
  AppendObserver,
  StoredSeries,
  BucketHints,
  BucketSeries,
  MetricMetadata,
  StoreStats,
  StoreTotals,
  SelectHints,
  ArchiveState,
  ArchiveOutcome,
} from './store.ts';
export { METRIC_TYPES, isMetricType } from './store/types.ts';
export { ArchiveDamagedError } from './archive/day-file.ts';
export type { StoreOptions } from './options.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export type { LabelMatcher, MatchType } from '@metrics-hub/wire';
export type { SampleBlock } from './sample-merge.ts';
export {
  MINUTE_MS,
  HOUR_MS,
  ROLLUP_COLUMNS,
  bucketAt,
  counterStep,
  type RollupBuckets,
  type RollupBucket,
  type RollupColumn,
} from './rollup.ts';
