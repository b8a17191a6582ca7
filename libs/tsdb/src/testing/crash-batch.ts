// The deterministic content of batch n in the crash test: 40 in-order series plus one
// series that also receives a late (out-of-order) sample in every batch.
import type { AppendSeries } from '../store.ts';

export const CRASH_T0 = Date.UTC(2026, 0, 1);
export const CRASH_SERIES = 40;

export function crashBatch(n: number): AppendSeries[] {
  const t = CRASH_T0 + n * 1000;
  const batch: AppendSeries[] = [];
  for (let s = 0; s < CRASH_SERIES; s++) {
    batch.push({ labels: { __name__: 'crash', s: String(s) }, timestamps: [t], values: [n * 100 + s] });
  }
  const late = n >= 5 ? [CRASH_T0 + (n - 5) * 1000 + 500] : [];
  batch.push({ labels: { __name__: 'crash_late' }, timestamps: [t, ...late], values: [n, ...late.map(() => -n)] });
  return batch;
}

/** Every sample batches 0..last put in, per series key `name/s`. */
export function expectedThrough(last: number): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (let n = 0; n <= last; n++) {
    for (const e of crashBatch(n)) {
      const key = `${e.labels!.__name__}/${e.labels!.s ?? ''}`;
      if (!out.has(key)) out.set(key, []);
      for (let i = 0; i < e.timestamps.length; i++) out.get(key)!.push([e.timestamps[i], e.values[i]]);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a[0] - b[0]);
  return out;
}
