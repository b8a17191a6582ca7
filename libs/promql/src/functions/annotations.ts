// Texts of the annotations (warnings and infos) Prometheus attaches to float queries these
// functions serve, as built in upstream's util/annotations. They are the messages without
// the trailing " (line:col)" position, which the engine appends from the query text.
// Upstream deduplicates annotations by this text, so the engine should too.

import { formatFloat, GoTime, quote, RFC3339 } from '@metrics-hub/go-format';

/** `time.Unix(ms/1000, 0).UTC().Format(time.RFC3339)`, with Go's truncating division. */
export function rfc3339Seconds(ms: number): string {
  return GoTime.fromMillis(Math.trunc(ms / 1000) * 1000).Format(RFC3339);
}

const INFO = 'PromQL info';
const WARNING = 'PromQL warning';

function maybeAddMetricName(message: string, metricName: string | undefined): string {
  return metricName ? `${message} for metric name ${quote(metricName)}` : message;
}

/** `NewInvalidQuantileWarning`: φ of quantile, quantile_over_time or histogram_quantile outside [0, 1] or NaN. */
export function invalidQuantileWarning(q: number): string {
  return `${WARNING}: quantile value should be between 0 and 1, got ${formatFloat(q, 'g', -1)}`;
}

/** `NewPossibleNonCounterInfo`: rate/increase over a metric whose name lacks a counter suffix. */
export function possibleNonCounterInfo(metricName: string): string {
  return `${INFO}: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${quote(metricName)}`;
}

/** Whether rate()/increase() over this metric name should carry possibleNonCounterInfo. */
export function lacksCounterSuffix(metricName: string): boolean {
  return (
    metricName !== '' &&
    !metricName.endsWith('_total') &&
    !metricName.endsWith('_sum') &&
    !metricName.endsWith('_count') &&
    !metricName.endsWith('_bucket')
  );
}

/** `NewBadBucketLabelWarning`: a classic-histogram bucket whose `le` is missing or not a float. */
export function badBucketLabelWarning(metricName: string | undefined, label: string): string {
  return maybeAddMetricName(`${WARNING}: bucket label "le" is missing or has a malformed value of ${quote(label)}`, metricName);
}

/** `NewMixedClassicNativeHistogramsWarning`. */
export function mixedClassicNativeHistogramsWarning(metricName: string | undefined): string {
  return maybeAddMetricName(`${WARNING}: vector contains a mix of classic and native histograms`, metricName);
}

/** `NewHistogramIgnoredInAggregationInfo`, e.g. aggregation "stddev". */
export function histogramIgnoredInAggregationInfo(aggregation: string): string {
  return `${INFO}: ignored histogram in ${aggregation} aggregation`;
}

/** `NewInvalidRatioWarning` (limit_ratio). */
export function invalidRatioWarning(ratio: number, cappedTo: number): string {
  return `${WARNING}: ratio value should be between -1 and 1, got ${formatFloat(ratio, 'g', -1)}, capping to ${formatFloat(cappedTo, 'g', -1)}`;
}

/** `NewSortInRangeQueryWarning`. */
export function sortInRangeQueryWarning(): string {
  return `${WARNING}: sort is ineffective for range queries since results are always ordered by labels`;
}

const FORCED_MONOTONICITY =
  `${INFO}: input to histogram_quantile needed to be fixed for monotonicity ` +
  '(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)';

/**
 * `NewHistogramQuantileForcedMonotonicityInfo` and its merging: upstream keeps one such
 * annotation per metric name and widens it with every classic histogram (at every step)
 * that needed fixing, so the engine adds each occurrence here and emits `message()` once.
 * Upstream passes an empty metric name unless delayed name removal is enabled.
 */
export class ForcedMonotonicityInfo {
  private samples = 0;
  private minTs = 0;
  private maxTs = 0;
  private minBucket = 0;
  private maxBucket = 0;
  private maxDiff = 0;

  constructor(readonly metricName: string | undefined) {}

  /** The base text, which is also upstream's deduplication key. */
  key(): string {
    return maybeAddMetricName(FORCED_MONOTONICITY, this.metricName);
  }

  /** One histogram that bucketQuantile reported as forcedMonotonic, at evaluation time `tsMs`. */
  add(tsMs: number, fix: { minBucket: number; maxBucket: number; maxDiff: number }): void {
    if (this.samples === 0) {
      this.minTs = tsMs;
      this.maxTs = tsMs;
      this.minBucket = fix.minBucket;
      this.maxBucket = fix.maxBucket;
      this.maxDiff = fix.maxDiff;
    } else {
      if (tsMs < this.minTs) this.minTs = tsMs;
      if (tsMs > this.maxTs) this.maxTs = tsMs;
      if (fix.minBucket < this.minBucket) this.minBucket = fix.minBucket;
      if (fix.maxBucket > this.maxBucket) this.maxBucket = fix.maxBucket;
      if (fix.maxDiff > this.maxDiff) this.maxDiff = fix.maxDiff;
    }
    this.samples++;
  }

  /** The full text as the query API reports it (before the position suffix). */
  message(): string {
    return (
      `${this.key()}, from buckets ${formatFloat(this.minBucket, 'g', -1)} to ${formatFloat(this.maxBucket, 'g', -1)}` +
      `, with a max diff of ${formatFloat(this.maxDiff, 'g', 2)}, over ${this.samples} samples` +
      ` from ${rfc3339Seconds(this.minTs)} to ${rfc3339Seconds(this.maxTs)}`
    );
  }
}
