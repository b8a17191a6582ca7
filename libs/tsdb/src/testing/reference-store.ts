// The naive model the store is checked against: a map per series, the same acceptance
// rules written as plainly as possible.
import { labelsKey, type Labels } from '@metrics-hub/wire';

/** The bits of a value held in a one-element typed array (never via a plain JS number array). */
function bitKey(v: Float64Array): string {
  const words = new Uint32Array(v.buffer, v.byteOffset, 2);
  return `${words[0]}:${words[1]}`;
}

export class ReferenceStore {
  /** Per series: time -> the value's bits. */
  readonly series = new Map<string, { labels: Labels; samples: Map<number, string>; maxT: number }>();
  counts = { appended: 0, duplicates: 0, conflicts: 0, tooOld: 0 };
  constructor(private readonly oooWindowMs: number) {}

  append(labels: Labels, t: number, value: Float64Array): void {
    const v = bitKey(value);
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, samples: new Map(), maxT: -Infinity }));
    const existing = s.samples.get(t);
    if (existing !== undefined) {
      if (existing === v) this.counts.duplicates++;
      else this.counts.conflicts++;
      return;
    }
    if (t <= s.maxT && t < s.maxT - this.oooWindowMs) {
      this.counts.tooOld++;
      return;
    }
    s.samples.set(t, v);
    if (t > s.maxT) s.maxT = t;
    this.counts.appended++;
  }

  /** [time, value bits] in time order. */
  sorted(key: string): [number, string][] {
    return [...this.series.get(key)!.samples.entries()].sort((a, b) => a[0] - b[0]);
  }
}
