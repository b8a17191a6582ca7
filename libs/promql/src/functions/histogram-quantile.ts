// histogram_quantile() and histogram_fraction() over classic histograms (one float series
// per `le` bucket, cumulative counts). Mirrors `BucketQuantile` and `BucketFraction` in
// promql/quantile.go; the engine groups the buckets and parses `le` (see annotations.ts for
// the texts it emits when that fails).

import { formatFloat } from '@metrics-hub/go-format';

export interface Bucket {
  upperBound: number;
  count: number;
}

export interface BucketQuantileResult {
  value: number;
  /** A bucket count below a lower bucket's had to be raised: emit ForcedMonotonicityInfo. */
  forcedMonotonic: boolean;
  /** Counts differing only by float noise (relative 1e-12) were equalised; no annotation. */
  fixedPrecision: boolean;
  /** Lowest and highest upper bound whose count was raised, and the largest raise. */
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

/** Relative difference under which two neighbouring counts are taken as equal. */
const SMALL_DELTA_TOLERANCE = 1e-12;
/** Smallest positive normal float64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** `almost.Equal` (util/almost): equal within `epsilon` relative to the sum of magnitudes. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a !== a && b !== b) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Sorted by upper bound, buckets with equal bounds merged (summed); a fresh array. */
function sortAndCoalesce(buckets: readonly Bucket[]): Bucket[] {
  const sorted = buckets.map((b) => ({ upperBound: b.upperBound, count: b.count }));
  sorted.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  const out: Bucket[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else out.push(b);
  }
  return out;
}

/**
 * `ensureMonotonicAndIgnoreSmallDeltas`: counts within float noise of the last accepted count
 * are set to it (either direction); real decreases are raised to it. The last accepted count
 * only moves on a real increase.
 */
function ensureMonotonic(buckets: Bucket[], result: BucketQuantileResult): void {
  result.minBucket = Infinity;
  result.maxBucket = -Infinity;
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i].count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      buckets[i].count = prev;
      result.fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      result.forcedMonotonic = true;
      const ub = buckets[i].upperBound;
      if (ub < result.minBucket) result.minBucket = ub;
      if (ub > result.maxBucket) result.maxBucket = ub;
      if (prev - curr > result.maxDiff) result.maxDiff = prev - curr;
      continue;
    }
    prev = curr;
  }
}

/** First index in [0, n) for which `pred` holds (all later ones are assumed to), else n. */
function search(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The φ-quantile of a classic histogram, interpolating linearly inside the bucket it falls
 * in. NaN φ → NaN, φ < 0 → -Inf, φ > 1 → +Inf (the engine adds invalidQuantileWarning).
 * NaN when the highest bound is not +Inf, when fewer than two distinct bounds remain, or
 * when there are no observations. A quantile in the +Inf bucket yields the second-highest
 * bound; in the lowest bucket it interpolates from 0 when that bucket's bound is positive,
 * else yields the bound. Does not modify `buckets` (upstream sorts its input in place).
 * Empty `buckets` (upstream would panic) yield NaN.
 */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): BucketQuantileResult {
  const result: BucketQuantileResult = {
    value: NaN,
    forcedMonotonic: false,
    fixedPrecision: false,
    minBucket: 0,
    maxBucket: 0,
    maxDiff: 0,
  };
  if (q !== q) return result;
  if (q < 0) return { ...result, value: -Infinity };
  if (q > 1) return { ...result, value: Infinity };
  if (buckets.length === 0) return result;
  const bs = sortAndCoalesce(buckets);
  if (bs[bs.length - 1].upperBound !== Infinity) return result;
  ensureMonotonic(bs, result);
  if (bs.length < 2) return result;
  const observations = bs[bs.length - 1].count;
  if (observations === 0) return result;

  let rank = q * observations;
  const b = search(bs.length - 1, (i) => bs[i].count >= rank);
  if (b === bs.length - 1) {
    result.value = bs[bs.length - 2].upperBound;
    return result;
  }
  if (b === 0 && bs[0].upperBound <= 0) {
    result.value = bs[0].upperBound;
    return result;
  }
  let bucketStart = 0;
  const bucketEnd = bs[b].upperBound;
  let count = bs[b].count;
  if (b > 0) {
    bucketStart = bs[b - 1].upperBound;
    count -= bs[b - 1].count;
    rank -= bs[b - 1].count;
  }
  result.value = bucketStart + (bucketEnd - bucketStart) * (rank / count);
  return result;
}

/**
 * histogram_fraction(lower, upper) over a classic histogram: the share of observations in
 * [lower, upper], interpolating linearly inside buckets. The lowest bucket spans from 0 if
 * its bound is positive, else from -Inf; nothing is interpolated inside a bucket with an
 * infinite bound (it contributes fully or not at all). NaN when the highest bound is not
 * +Inf, there are no observations, a bound is NaN, or `buckets` is empty; 0 when
 * lower >= upper. Does not modify `buckets`.
 */
export function bucketFraction(lower: number, upper: number, buckets: readonly Bucket[]): number {
  if (buckets.length === 0) return NaN;
  const bs = sortAndCoalesce(buckets);
  if (bs[bs.length - 1].upperBound !== Infinity) return NaN;
  const total = bs[bs.length - 1].count;
  if (total === 0 || lower !== lower || upper !== upper) return NaN;
  if (lower >= upper) return 0;

  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = bs[0].upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < bs.length; i++) {
    if (i > 0) lowerBound = bs[i - 1].upperBound;
    const upperBound = bs[i].upperBound;
    const count = bs[i].count;
    const interpolate = (v: number): number =>
      lowerBound === -Infinity ? count : rank + ((count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = count;
  }
  if (!lowerSet || lowerRank > total) lowerRank = total;
  if (!upperSet || upperRank > total) upperRank = total;
  return (upperRank - lowerRank) / total;
}

/**
 * `labels.FormatOpenMetricsFloat`, which histogram_quantiles uses for its quantile label:
 * `%g` with ".0" appended to integers (so 0 is "0.0", 1 is "1.0").
 */
export function formatOpenMetricsFloat(x: number): string {
  if (x === 0) return '0.0';
  const s = formatFloat(x, 'g', -1);
  if (s === 'NaN' || s === '+Inf' || s === '-Inf') return s;
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
