// Where a query's time went, for Prometheus's `stats` query parameter and for finding
// what to make faster: parse, select (the store's index and chunk lookups), decode
// (reading the samples: chunk decoding and merging), evaluation proper, and the final
// sort. Collected only when asked, since every selector then reads the clock twice.

export interface QueryStats {
  /** The clock the parts are measured with, in milliseconds (performance.now, say). */
  readonly clock: () => number;
  parseMs: number;
  /** Finding the series and their chunks (included in evalMs). */
  selectMs: number;
  /** Reading their samples (included in evalMs). */
  decodeMs: number;
  /** Evaluating the expression, select and decode included. */
  evalMs: number;
  /** Sorting the result by labels. */
  sortMs: number;
  /** Samples read from the store (a rollup bucket read instead of samples counts as one). */
  samplesRead: number;
  /** Samples held at the end: points read plus a slot per step of every series made (the sample limit's count). */
  peakSamples: number;
}

export function newQueryStats(clock: () => number): QueryStats {
  return { clock, parseMs: 0, selectMs: 0, decodeMs: 0, evalMs: 0, sortMs: 0, samplesRead: 0, peakSamples: 0 };
}
