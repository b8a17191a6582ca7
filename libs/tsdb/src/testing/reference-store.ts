// The naive model the store is checked against: a map per series, the same acceptance
// rules written as plainly as possible.
import { labelsKey, type Labels } from '@metrics-hub/wire';

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
function bitKey(v: number): string {
  bits[0] = v;
  return `${words[0]}:${words[1]}`;
}

export class ReferenceStore {
  readonly series = new Map<string, { labels: Labels; samples: Map<number, number>; maxT: number }>();
  counts = { appended: 0, duplicates: 0, conflicts: 0, tooOld: 0 };
  constructor(private readonly oooWindowMs: number) {}

  append(labels: Labels, t: number, v: number): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, samples: new Map(), maxT: -Infinity }));
    const existing = s.samples.get(t);
    if (existing !== undefined) {
      if (bitKey(existing) === bitKey(v)) this.counts.duplicates++;
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

  sorted(key: string): [number, number][] {
    return [...this.series.get(key)!.samples.entries()].sort((a, b) => a[0] - b[0]);
  }
}
