// What the engine needs from a store, and nothing more: series by matchers over a time
// range, their samples as ascending blocks. libs/tsdb's TimeSeriesStore satisfies it; the
// in-memory one below serves tests and the conformance runner.

import { compileMatcher, labelsKey, type Labels, type RollupBuckets, type SeriesKind, type ShardSpec } from '@metrics-hub/wire';
import type { Matcher } from './ast.ts';

export interface SampleBlock {
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
}

export interface QueryableSeries {
  readonly labels: Labels;
  blocks(): Iterable<SampleBlock>;
  /**
   * Optional: all samples as one block, which a store may read into one buffer without
   * copying. When `scratch` has room, the store may write the samples there (the caller
   * reuses it for the next series). With `timesOnly` the caller needs only the sample
   * times and which samples are staleness markers: other values may read as 0.
   */
  samples?(scratch?: { timestamps: Float64Array; values: Float64Array }, options?: { timesOnly?: boolean }): SampleBlock;
}

export interface Queryable {
  /**
   * Series with samples in [mint, maxt] whose labels satisfy every matcher. `hints`
   * collects what the store wants the user to know (data read from an archive, parts
   * left out), returned with the result as Prometheus's infos and warnings.
   */
  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Iterable<QueryableSeries>;
  /**
   * Optional: downsampled buckets (ends in (mint, maxt]) at 1 m or 1 h. A store that has
   * them lets range functions over long, aligned windows read buckets instead of samples;
   * undefined when it has none for this range (then the samples are read).
   */
  selectBuckets?(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    resolution: 60_000 | 3_600_000,
    hints?: BucketHints,
  ): Iterable<BucketSelection> | undefined;
}

export interface SelectHints {
  annotate?(level: 'info' | 'warning', message: string): void;
  /**
   * For a store to call as it reads (units: series looked at, samples decoded): throws
   * the query's timeout once its deadline has passed, so a long read stops there.
   */
  tick?(units: number): void;
  /** Set by the engine: it reads the samples of every series it selects right away, so a store may fetch them together. */
  readsAll?: boolean;
  /**
   * Only the series of this shard of a query split across workers (shardOf their labels).
   * A store should leave the others unread; the engine drops any it returns anyway.
   */
  shard?: ShardSpec;
}

export interface BucketHints {
  /** As SelectHints.shard. */
  shard?: ShardSpec;
  /**
   * Set by the engine: it is done with each series' buckets before it takes the next, so
   * a store may decode them into one buffer that the next series overwrites.
   */
  streaming?: boolean;
}

export interface BucketSelection {
  readonly labels: Labels;
  readonly kind: SeriesKind;
  readonly buckets: RollupBuckets;
}

/** Series kept in memory, for tests: add samples in any order, read them sorted. */
export class MemoryQueryable implements Queryable {
  private readonly series = new Map<string, { labels: Labels; points: Map<number, number> }>();
  private sorted = new Map<string, SampleBlock>();

  add(labels: Labels, t: number, v: number): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, points: new Map() }));
    s.points.set(t, v);
    this.sorted.delete(key);
  }

  clear(): void {
    this.series.clear();
    this.sorted.clear();
  }

  select(matchers: readonly Matcher[], mint: number, maxt: number): QueryableSeries[] {
    const compiled = matchers.map(compileMatcher);
    const out: QueryableSeries[] = [];
    for (const [key, s] of this.series) {
      if (!compiled.every((m) => m.matches(s.labels[m.name] ?? ''))) continue;
      const block = this.block(key, s.points);
      let lo = 0;
      while (lo < block.length && block.timestamps[lo] < mint) lo++;
      let hi = lo;
      while (hi < block.length && block.timestamps[hi] <= maxt) hi++;
      if (hi === lo) continue;
      const clipped = { timestamps: block.timestamps.subarray(lo, hi), values: block.values.subarray(lo, hi), length: hi - lo };
      out.push({ labels: s.labels, blocks: () => [clipped] });
    }
    return out;
  }

  private block(key: string, points: Map<number, number>): SampleBlock {
    let b = this.sorted.get(key);
    if (b) return b;
    const ts = [...points.keys()].sort((x, y) => x - y);
    const values = new Float64Array(ts.length);
    ts.forEach((t, i) => (values[i] = points.get(t)!));
    b = { timestamps: Float64Array.from(ts), values, length: ts.length };
    this.sorted.set(key, b);
    return b;
  }
}
