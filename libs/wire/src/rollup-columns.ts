// The columns of downsampled buckets, shared by the store that writes them and the query
// engine that reads them. A bucket covers (end - resolution, end]; a column a series'
// kind does not keep (a counter's sum, a gauge's first) is NaN.

export const ROLLUP_COLUMNS = ['count', 'sum', 'min', 'max', 'first', 'last', 'resetCorrection', 'firstOffset', 'lastOffset'] as const;
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number];

export const COUNT = 0;
export const SUM = 1;
export const MIN = 2;
export const MAX = 3;
export const FIRST = 4;
export const LAST = 5;
/** Sum of the values just before each counter reset (Prometheus's increase adds them). */
export const RESETS = 6;
/** From the bucket end back to its first and last sample. */
export const FIRST_OFFSET = 7;
export const LAST_OFFSET = 8;

/** Buckets as columns: `ends[i]`, `columns[c][i]` in ROLLUP_COLUMNS order. */
export interface RollupBuckets {
  length: number;
  ends: Float64Array;
  columns: Float64Array[];
}

/** Which columns a series keeps, by kind. */
export type SeriesKind = 'counter' | 'gauge';

/**
 * The counter increase over buckets [from, to) exactly as Prometheus computes it over the
 * same samples: last - first plus the value before every reset, inside buckets and at the
 * seams between them.
 */
export function increaseOver(b: RollupBuckets, from: number, to: number): number {
  const c = b.columns;
  let correction = 0;
  for (let i = from; i < to; i++) {
    correction += c[RESETS][i];
    if (i > from && c[FIRST][i] < c[LAST][i - 1]) correction += c[LAST][i - 1];
  }
  return c[LAST][to - 1] - c[FIRST][from] + correction;
}
