// Range functions answered from downsampled buckets instead of samples. Only where the
// answer is the one the raw samples give (up to float rounding): the window must be made
// of whole buckets, which holds when the range, the step grid and the offset are all
// multiples of the bucket size, and the function must need only what buckets keep.
//
//   function          counter buckets   gauge buckets
//   rate, increase    yes               -   (first/last/count/reset correction)
//   count_over_time   yes               yes
//   last_over_time    yes               yes
//   sum/avg_over_time -                 yes
//   min/max_over_time -                 yes

import {
  COUNT,
  FIRST,
  FIRST_OFFSET,
  increaseOver,
  LAST,
  LAST_OFFSET,
  MAX,
  MIN,
  SUM,
  type RollupBuckets,
  type SeriesKind,
} from '@metrics-hub/wire';

export type BucketFunction = (b: RollupBuckets, from: number, to: number, rangeStart: number, rangeEnd: number) => number | undefined;

const sumOf = (b: RollupBuckets, col: number, from: number, to: number) => {
  const values = b.columns[col];
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    // kahanSumInc, written out.
    const v = values[i];
    const t = sum + v;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return sum + c;
};

/**
 * The samples in buckets [from, to). Counts are whole numbers far below 2^53, so every
 * partial sum is exact and a plain sum is the compensated one to the bit.
 */
const countOf = (b: RollupBuckets, from: number, to: number) => {
  const counts = b.columns[COUNT];
  let n = 0;
  for (let i = from; i < to; i++) n += counts[i];
  return n;
};

/**
 * Prometheus's extrapolatedRate over the samples the buckets summarise. A query's steps use
 * extrapolatedSteps (rollup-rate.ts), the same arithmetic in one loop: keep the two in step.
 */
function extrapolated(isRate: boolean): BucketFunction {
  return (b, from, to, rangeStart, rangeEnd) => {
    const count = countOf(b, from, to);
    if (count < 2) return undefined;
    const firstT = b.ends[from] - b.columns[FIRST_OFFSET][from];
    const lastT = b.ends[to - 1] - b.columns[LAST_OFFSET][to - 1];
    let result = increaseOver(b, from, to);
    let durationToStart = (firstT - rangeStart) / 1000;
    let durationToEnd = (rangeEnd - lastT) / 1000;
    const sampledInterval = (lastT - firstT) / 1000;
    const average = sampledInterval / (count - 1);
    const threshold = average * 1.1;
    if (durationToStart >= threshold) durationToStart = average / 2;
    const first = b.columns[FIRST][from];
    // A counter cannot have been below zero: do not extrapolate past its zero point.
    let durationToZero = durationToStart;
    if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
    if (durationToEnd >= threshold) durationToEnd = average / 2;
    let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    if (isRate) factor /= (rangeEnd - rangeStart) / 1000;
    result *= factor;
    return result;
  };
}

const BY_KIND: Record<SeriesKind, Readonly<Record<string, BucketFunction>>> = {
  counter: {
    rate: extrapolated(true),
    increase: extrapolated(false),
    count_over_time: countOf,
    last_over_time: (b, _from, to) => b.columns[LAST][to - 1],
  },
  gauge: {
    count_over_time: countOf,
    last_over_time: (b, _from, to) => b.columns[LAST][to - 1],
    sum_over_time: (b, from, to) => sumOf(b, SUM, from, to),
    avg_over_time: (b, from, to) => sumOf(b, SUM, from, to) / countOf(b, from, to),
    min_over_time: (b, from, to) => {
      let m = b.columns[MIN][from];
      for (let i = from; i < to; i++) if (m > b.columns[MIN][i] || m !== m) m = b.columns[MIN][i];
      return m;
    },
    max_over_time: (b, from, to) => {
      let m = b.columns[MAX][from];
      for (let i = from; i < to; i++) if (m < b.columns[MAX][i] || m !== m) m = b.columns[MAX][i];
      return m;
    },
  },
};

export const ROLLUP_CAPABLE = new Set(Object.values(BY_KIND).flatMap((fns) => Object.keys(fns)));

export function bucketFunction(name: string, kind: SeriesKind): BucketFunction | undefined {
  return BY_KIND[kind][name];
}
