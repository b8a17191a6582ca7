// A read-only Queryable over the samples of an opened incident, kept in Float64Arrays
// (MemoryQueryable goes through plain JS numbers, which may quieten the staleness
// marker's NaN payload, and the engine must see the marker to end a series).

import type { Matcher, Queryable, QueryableSeries, SampleBlock } from '@metrics-hub/promql';
import { compileMatcher, type Labels } from '@metrics-hub/wire';

export interface IncidentSeries {
  readonly labels: Labels;
  /** Ascending timestamps, values alongside. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export class IncidentQueryable implements Queryable {
  constructor(readonly series: readonly IncidentSeries[]) {}

  get samples(): number {
    return this.series.reduce((n, s) => n + s.timestamps.length, 0);
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number): QueryableSeries[] {
    const compiled = matchers.map(compileMatcher);
    const out: QueryableSeries[] = [];
    for (const s of this.series) {
      if (!compiled.every((m) => m.matches(s.labels[m.name] ?? ''))) continue;
      const lo = firstAtOrAfter(s.timestamps, mint);
      const hi = firstAtOrAfter(s.timestamps, maxt + 1);
      if (hi <= lo) continue;
      const block: SampleBlock = { timestamps: s.timestamps.subarray(lo, hi), values: s.values.subarray(lo, hi), length: hi - lo };
      out.push({ labels: s.labels, blocks: () => [block] });
    }
    return out;
  }
}

function firstAtOrAfter(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
