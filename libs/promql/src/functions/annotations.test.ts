// Annotation texts as the corpus (/work/shared/conformance/promql, file:line of the `eval`)
// and upstream's util/annotations tests spell them, minus the " (line:col)" position suffix.

import { describe, expect, it } from 'vitest';
import {
  ForcedMonotonicityInfo,
  badBucketLabelWarning,
  histogramIgnoredInAggregationInfo,
  invalidQuantileWarning,
  invalidRatioWarning,
  lacksCounterSuffix,
  mixedClassicNativeHistogramsWarning,
  possibleNonCounterInfo,
  rfc3339Seconds,
  sortInRangeQueryWarning,
} from './annotations.ts';

describe('annotation texts', () => {
  it('invalid quantile (histograms.test:701, aggregators.test:544)', () => {
    expect(invalidQuantileWarning(NaN)).toBe('PromQL warning: quantile value should be between 0 and 1, got NaN');
    expect(invalidQuantileWarning(-0.1)).toBe('PromQL warning: quantile value should be between 0 and 1, got -0.1');
    expect(invalidQuantileWarning(1.01)).toBe('PromQL warning: quantile value should be between 0 and 1, got 1.01');
    expect(invalidQuantileWarning(Infinity)).toBe('PromQL warning: quantile value should be between 0 and 1, got +Inf');
  });

  it('possible non-counter', () => {
    expect(possibleNonCounterInfo('http_requests')).toBe(
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "http_requests"',
    );
    expect(['a_total', 'a_sum', 'a_count', 'a_bucket', ''].map(lacksCounterSuffix)).toEqual([false, false, false, false, false]);
    expect(['a', 'a_totals', 'total'].map(lacksCounterSuffix)).toEqual([true, true, true]);
  });

  it('bad bucket label (histograms.test:1180, :1201)', () => {
    expect(badBucketLabelWarning('series', '')).toBe(
      'PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "series"',
    );
    expect(badBucketLabelWarning('series', 'Hello World')).toBe(
      'PromQL warning: bucket label "le" is missing or has a malformed value of "Hello World" for metric name "series"',
    );
    expect(badBucketLabelWarning(undefined, 'x')).toBe('PromQL warning: bucket label "le" is missing or has a malformed value of "x"');
  });

  it('mixed classic and native histograms (histograms.test:1158)', () => {
    expect(mixedClassicNativeHistogramsWarning('series')).toBe(
      'PromQL warning: vector contains a mix of classic and native histograms for metric name "series"',
    );
  });

  it('ratio, sort in range queries, histogram ignored (limit.test:118, :123, range_queries.test:109)', () => {
    expect(invalidRatioWarning(1.1, 1)).toBe('PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1');
    expect(invalidRatioWarning(-1.1, -1)).toBe('PromQL warning: ratio value should be between -1 and 1, got -1.1, capping to -1');
    expect(sortInRangeQueryWarning()).toBe(
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels',
    );
    expect(histogramIgnoredInAggregationInfo('stddev')).toBe('PromQL info: ignored histogram in stddev aggregation');
  });

  it('forced monotonicity merges occurrences (upstream annotations_test.go)', () => {
    const info = new ForcedMonotonicityInfo('series_1');
    info.add(1735084800000, { minBucket: 5, maxBucket: 50, maxDiff: 5.5 });
    info.add(1703462400000, { minBucket: 10, maxBucket: 100, maxDiff: 10 });
    info.add(1733011200000, { minBucket: 2.5, maxBucket: 75, maxDiff: 7.5 });
    expect(info.message()).toBe(
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity ' +
        '(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "series_1", ' +
        'from buckets 2.5 to 100, with a max diff of 10, over 3 samples from 2023-12-25T00:00:00Z to 2024-12-25T00:00:00Z',
    );
  });

  it('forced monotonicity without a metric name matches the corpus pattern (histograms.test:1037)', () => {
    const info = new ForcedMonotonicityInfo(undefined);
    info.add(3_000_000, { minBucket: 1, maxBucket: Infinity, maxDiff: 10 });
    expect(info.key()).toBe(
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)',
    );
    expect(info.message()).toMatch(/^PromQL info: input to histogram_quantile needed to be fixed for monotonicity .*/);
    expect(info.message()).toBe(
      `${info.key()}, from buckets 1 to +Inf, with a max diff of 10, over 1 samples from 1970-01-01T00:50:00Z to 1970-01-01T00:50:00Z`,
    );
  });
});

describe('RFC 3339 seconds', () => {
  it('truncates toward zero as Go divides', () => {
    expect(rfc3339Seconds(1703462400999)).toBe('2023-12-25T00:00:00Z');
    expect(rfc3339Seconds(-1001)).toBe('1969-12-31T23:59:59Z');
  });
});
