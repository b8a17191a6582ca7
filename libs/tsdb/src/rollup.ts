// Downsampled buckets. A bucket covers the left-open interval (end - resolution, end], the
// same convention as PromQL's range windows, so a window made of whole buckets sees
// exactly the samples the raw data would give it. Each bucket keeps enough to answer
// count/sum/min/max/avg_over_time, last_over_time, and rate/increase with Prometheus's
// extrapolation (first and last sample with their times, reset-adjusted increase).
// Staleness markers are not samples and are left out.

import { isStaleNaN } from '@metrics-hub/wire';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const RESOLUTIONS = [MINUTE_MS, HOUR_MS] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Column order inside a rollup chunk (after the bucket end times). */
export const ROLLUP_COLUMNS = ['count', 'sum', 'min', 'max', 'first', 'last', 'increase', 'firstOffset', 'lastOffset'] as const;
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number];
const COUNT = 0, SUM = 1, MIN = 2, MAX = 3, FIRST = 4, LAST = 5, INCREASE = 6, FIRST_OFFSET = 7, LAST_OFFSET = 8;

/** Buckets as columns: `ends[i]` and `columns[c][i]` for c in ROLLUP_COLUMNS order. */
export interface RollupBuckets {
  length: number;
  ends: Float64Array;
  columns: Float64Array[];
}

export interface RollupBucket {
  end: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
  increase: number;
  /** Time of the first and last sample in the bucket. */
  firstT: number;
  lastT: number;
}

export function bucketEnd(t: number, resolution: number): number {
  return Math.ceil(t / resolution) * resolution;
}

function emptyBuckets(capacity: number): RollupBuckets {
  const columns: Float64Array[] = [];
  for (let c = 0; c < ROLLUP_COLUMNS.length; c++) columns.push(new Float64Array(capacity));
  return { length: 0, ends: new Float64Array(capacity), columns };
}

/** Buckets from raw samples (ascending timestamps, no duplicates). */
export function rollupSamples(timestamps: Float64Array, values: Float64Array, count: number, resolution: number): RollupBuckets {
  const out = emptyBuckets(Math.min(count, Math.ceil((timestamps[count - 1] - timestamps[0]) / resolution) + 2));
  const [cnt, sum, min, max, first, last, inc, firstOff, lastOff] = out.columns;
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
      firstOff[b] = end - t;
      // Only the increase inside the bucket: the step across an edge follows from the
      // neighbours' last and first values, so a query adds exactly the edges its window spans.
      inc[b] = 0;
    } else {
      cnt[b]++;
      sum[b] += v;
      if (v < min[b] || min[b] !== min[b]) min[b] = v;
      if (v > max[b] || max[b] !== max[b]) max[b] = v;
      inc[b] += counterStep(prev, v);
    }
    last[b] = v;
    lastOff[b] = end - t;
    prev = v;
  }
  out.length = b + 1;
  return out;
}

/** The reset-adjusted increase from one sample to the next (Prometheus's counter rule). */
export function counterStep(prev: number, next: number): number {
  return next < prev ? next : next - prev;
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
      for (let c = 0; c < ROLLUP_COLUMNS.length; c++) o[c][b] = f[c][i];
      o[FIRST_OFFSET][b] = end - (t - f[FIRST_OFFSET][i]);
    } else {
      o[COUNT][b] += f[COUNT][i];
      o[SUM][b] += f[SUM][i];
      if (f[MIN][i] < o[MIN][b] || o[MIN][b] !== o[MIN][b]) o[MIN][b] = f[MIN][i];
      if (f[MAX][i] > o[MAX][b] || o[MAX][b] !== o[MAX][b]) o[MAX][b] = f[MAX][i];
      o[INCREASE][b] += counterStep(o[LAST][b], f[FIRST][i]) + f[INCREASE][i];
      o[LAST][b] = f[LAST][i];
    }
    o[LAST_OFFSET][b] = end - (t - f[LAST_OFFSET][i]);
  }
  out.length = b + 1;
  return out;
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
    increase: c[INCREASE][i],
    firstT: end - c[FIRST_OFFSET][i],
    lastT: end - c[LAST_OFFSET][i],
  };
}

export function sliceBuckets(buckets: RollupBuckets, from: number, to: number): RollupBuckets {
  return {
    length: to - from,
    ends: buckets.ends.subarray(from, to),
    columns: buckets.columns.map((c) => c.subarray(from, to)),
  };
}

