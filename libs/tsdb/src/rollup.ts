// Downsampled buckets. A bucket covers the left-open interval (end - resolution, end], the
// same convention as PromQL's range windows, so a window made of whole buckets sees
// exactly the samples the raw data would give it. Each bucket keeps enough to answer
// count/sum/min/max/avg/last_over_time, and rate/increase with Prometheus's
// extrapolation (first and last sample with their times, and the reset correction: the
// sum of the values just before each counter reset, which Prometheus adds to last-first).
// Staleness markers are not samples and are left out.

import { isStaleNaN } from '@metrics-hub/wire';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export {
  COUNT,
  FIRST,
  FIRST_OFFSET,
  LAST,
  LAST_OFFSET,
  MAX,
  MIN,
  RESETS,
  ROLLUP_COLUMNS,
  SUM,
  increaseOver,
  type RollupBuckets,
  type RollupColumn,
} from '@metrics-hub/wire';
import {
  COUNT,
  FIRST,
  FIRST_OFFSET,
  LAST,
  LAST_OFFSET,
  MAX,
  MIN,
  RESETS,
  ROLLUP_COLUMNS,
  SUM,
  type RollupBuckets,
} from '@metrics-hub/wire';

export interface RollupBucket {
  end: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
  resetCorrection: number;
  /** Times of the first and last sample in the bucket. */
  firstT: number;
  lastT: number;
}

export function bucketEnd(t: number, resolution: number): number {
  return Math.ceil(t / resolution) * resolution;
}

/** The reset-adjusted increase from one sample to the next (Prometheus's counter rule). */
export function counterStep(prev: number, next: number): number {
  return next < prev ? next : next - prev;
}

export function emptyBuckets(capacity = 0): RollupBuckets {
  // One allocation for all columns: a read makes these for every series it touches.
  const all = new Float64Array(capacity * (ROLLUP_COLUMNS.length + 1));
  const columns: Float64Array[] = [];
  for (let c = 0; c < ROLLUP_COLUMNS.length; c++) columns.push(all.subarray((c + 1) * capacity, (c + 2) * capacity));
  return { length: 0, ends: all.subarray(0, capacity), columns };
}

/**
 * Buckets from raw samples (ascending timestamps, no repeats). Works on floats or on
 * scaled integers alike: with integers every sum is exact.
 */
export function rollupSamples(timestamps: Float64Array, values: Float64Array, count: number, resolution: number): RollupBuckets {
  if (count === 0) return emptyBuckets();
  const out = emptyBuckets(Math.min(count, Math.ceil((timestamps[count - 1] - timestamps[0]) / resolution) + 2));
  const [cnt, sum, min, max, first, last, resets, firstOff, lastOff] = out.columns;
  let b = -1;
  let end = -Infinity;
  let prev = NaN;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v !== v && isStaleNaN(v)) continue;
    const t = timestamps[i];
    if (t > end) {
      b++;
      end = bucketEnd(t, resolution);
      out.ends[b] = end;
      cnt[b] = 1;
      sum[b] = v;
      min[b] = v;
      max[b] = v;
      first[b] = v;
      resets[b] = 0;
      firstOff[b] = end - t;
    } else {
      cnt[b]++;
      sum[b] += v;
      // Prometheus's min/max_over_time: a NaN gives way to any number that follows.
      if (v < min[b] || min[b] !== min[b]) min[b] = v;
      if (v > max[b] || max[b] !== max[b]) max[b] = v;
      if (v < prev) resets[b] += prev;
    }
    last[b] = v;
    lastOff[b] = end - t;
    prev = v;
  }
  out.length = b + 1;
  return out;
}

/** Folds bucket `r` of `src` into bucket `w` of `dst`; `r` holds later samples. */
function foldInto(dst: Float64Array[], w: number, src: Float64Array[], r: number, shift: number): void {
  dst[COUNT][w] += src[COUNT][r];
  dst[SUM][w] += src[SUM][r];
  if (src[MIN][r] < dst[MIN][w] || dst[MIN][w] !== dst[MIN][w]) dst[MIN][w] = src[MIN][r];
  if (src[MAX][r] > dst[MAX][w] || dst[MAX][w] !== dst[MAX][w]) dst[MAX][w] = src[MAX][r];
  // A reset across the seam adds the value before it, as inside a bucket.
  dst[RESETS][w] += src[RESETS][r] + (src[FIRST][r] < dst[LAST][w] ? dst[LAST][w] : 0);
  dst[LAST][w] = src[LAST][r];
  dst[LAST_OFFSET][w] = src[LAST_OFFSET][r] + shift;
}

/** Coarser buckets from finer ones (ascending ends), e.g. 1 h from 1 m. */
export function coarsen(fine: RollupBuckets, resolution: number): RollupBuckets {
  const out = emptyBuckets(fine.length);
  const f = fine.columns;
  const o = out.columns;
  let b = -1;
  let end = -Infinity;
  for (let i = 0; i < fine.length; i++) {
    const t = fine.ends[i];
    if (t > end) {
      b++;
      end = bucketEnd(t, resolution);
      out.ends[b] = end;
      for (let c = 0; c < o.length; c++) o[c][b] = f[c][i];
      o[FIRST_OFFSET][b] = f[FIRST_OFFSET][i] + (end - t);
      o[LAST_OFFSET][b] = f[LAST_OFFSET][i] + (end - t);
    } else {
      foldInto(o, b, f, i, end - t);
    }
  }
  out.length = b + 1;
  return out;
}

/**
 * Joins bucket runs in time order. Two runs can share an edge bucket (a head sealed in the
 * middle of a bucket, then continued): those halves are merged, the earlier one first.
 */
export function joinBuckets(parts: readonly RollupBuckets[]): RollupBuckets {
  return joinInPlace(concatBuckets(parts.filter((p) => p.length)));
}

/** joinBuckets of runs already side by side in one buffer: the shared edge buckets merged in place. */
export function joinInPlace(all: RollupBuckets): RollupBuckets {
  if (all.length < 2) return all;
  const c = all.columns;
  let w = 0;
  for (let r = 1; r < all.length; r++) {
    if (all.ends[r] === all.ends[w]) {
      foldInto(c, w, c, r, 0);
    } else if (all.ends[r] > all.ends[w]) {
      w++;
      if (w === r) continue; // nothing merged so far: already in place
      all.ends[w] = all.ends[r];
      for (let k = 0; k < c.length; k++) c[k][w] = c[k][r];
    }
  }
  return w + 1 === all.length ? all : sliceBuckets(all, 0, w + 1);
}

/** Copies `src`'s buckets into `dst` from bucket `at` on (dst has room). */
export function copyBuckets(src: RollupBuckets, dst: RollupBuckets, at: number): void {
  dst.ends.set(src.ends.subarray(0, src.length), at);
  for (let c = 0; c < dst.columns.length; c++) dst.columns[c].set(src.columns[c].subarray(0, src.length), at);
  dst.length = Math.max(dst.length, at + src.length);
}

export function sliceBuckets(b: RollupBuckets, from: number, to: number): RollupBuckets {
  return { length: to - from, ends: b.ends.subarray(from, to), columns: b.columns.map((c) => c.subarray(from, to)) };
}

export function concatBuckets(parts: readonly RollupBuckets[]): RollupBuckets {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = emptyBuckets(n);
  let k = 0;
  for (const p of parts) {
    out.ends.set(p.ends.subarray(0, p.length), k);
    for (let c = 0; c < out.columns.length; c++) out.columns[c].set(p.columns[c].subarray(0, p.length), k);
    k += p.length;
  }
  out.length = n;
  return out;
}

/** Buckets whose end lies in (mint, maxt]. */
export function clipBuckets(b: RollupBuckets, mint: number, maxt: number): RollupBuckets {
  let from = 0;
  while (from < b.length && b.ends[from] <= mint) from++;
  let to = b.length;
  while (to > from && b.ends[to - 1] > maxt) to--;
  return sliceBuckets(b, from, to);
}

/** `existing` with its buckets inside (windowStart, windowEnd] replaced by `fresh`. */
export function replaceBuckets(existing: RollupBuckets, fresh: RollupBuckets, windowStart: number, windowEnd: number): RollupBuckets {
  let i = 0;
  while (i < existing.length && existing.ends[i] <= windowStart) i++;
  let j = i;
  while (j < existing.length && existing.ends[j] <= windowEnd) j++;
  return concatBuckets([sliceBuckets(existing, 0, i), fresh, sliceBuckets(existing, j, existing.length)]);
}

export function bucketAt(buckets: RollupBuckets, i: number): RollupBucket {
  const c = buckets.columns;
  const end = buckets.ends[i];
  return {
    end,
    count: c[COUNT][i],
    sum: c[SUM][i],
    min: c[MIN][i],
    max: c[MAX][i],
    first: c[FIRST][i],
    last: c[LAST][i],
    resetCorrection: c[RESETS][i],
    firstT: end - c[FIRST_OFFSET][i],
    lastT: end - c[LAST_OFFSET][i],
  };
}
