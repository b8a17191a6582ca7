// Samples held in memory until they are committed, per series in growable Float64Arrays
// (plain JS arrays would let V8 quieten the staleness NaN's payload), with a hard limit
// so that a huge all-or-nothing import fails clearly instead of exhausting memory.

import type { AppendSeries } from '@metrics-hub/tsdb';
import { labelsKey, type Labels } from '@metrics-hub/wire';

interface StagedSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
}

export class Staging {
  private readonly series = new Map<string, StagedSeries>();
  /** Samples currently staged. */
  size = 0;
  /** Distinct series seen since the start (staged or already committed). */
  readonly seen = new Set<string>();

  add(labels: Labels, t: number, v: number): void {
    const s = this.slot(labels, 1);
    s.timestamps[s.length] = t;
    s.values[s.length] = v;
    s.length++;
    this.size++;
  }

  /** Copies a block; typed-array to typed-array copies keep NaN payloads. */
  addBlock(labels: Labels, timestamps: Float64Array, values: Float64Array): void {
    const s = this.slot(labels, timestamps.length);
    s.timestamps.set(timestamps, s.length);
    s.values.set(values, s.length);
    s.length += timestamps.length;
    this.size += timestamps.length;
  }

  /** The staged series as one append batch, each sorted by time, and empties the staging. */
  take(): AppendSeries[] {
    const batch: AppendSeries[] = [];
    for (const s of this.series.values()) {
      const sorted = sortByTime(s);
      batch.push({ labels: s.labels, timestamps: sorted.timestamps, values: sorted.values });
    }
    this.series.clear();
    this.size = 0;
    return batch;
  }

  private slot(labels: Labels, extra: number): StagedSeries {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      const cap = Math.max(16, extra);
      s = { labels, timestamps: new Float64Array(cap), values: new Float64Array(cap), length: 0 };
      this.series.set(key, s);
      this.seen.add(key);
    }
    if (s.length + extra > s.timestamps.length) {
      const cap = Math.max(s.timestamps.length * 2, s.length + extra);
      const ts = new Float64Array(cap);
      const vs = new Float64Array(cap);
      ts.set(s.timestamps.subarray(0, s.length));
      vs.set(s.values.subarray(0, s.length));
      s.timestamps = ts;
      s.values = vs;
    }
    return s;
  }
}

function sortByTime(s: StagedSeries): { timestamps: Float64Array; values: Float64Array } {
  const ts = s.timestamps.subarray(0, s.length);
  const vs = s.values.subarray(0, s.length);
  let sorted = true;
  for (let i = 1; i < ts.length && sorted; i++) sorted = ts[i - 1] <= ts[i];
  if (sorted) return { timestamps: ts, values: vs };
  // Stable sort of indices, then copy values array-to-array so NaN bits survive.
  const order = Array.from(ts.keys()).sort((a, b) => ts[a] - ts[b] || a - b);
  const outT = new Float64Array(ts.length);
  const outV = new Float64Array(ts.length);
  for (let i = 0; i < order.length; i++) {
    outT[i] = ts[order[i]];
    outV.set(vs.subarray(order[i], order[i] + 1), i);
  }
  return { timestamps: outT, values: outV };
}
