// sum over a range call read from rollup buckets is folded series by series
// (fused-sum.ts): it must give the floats, series and order of summing the call's whole
// result, which `* 1` (exact, and no longer a bare call) forces.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { Engine } from './engine.ts';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;

describe('sum over a rollup range call', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Half a day of counters in three groups at 10 s with jitter: uneven rates, resets, a
   * host that stops early, one that starts late, one with one sample, and a counter whose labels without the
   * metric name are the early one's, later (their rates merge into one series).
   */
  function fill(store: TimeSeriesStore): void {
    for (let i = 0; i < 4320; i++) {
      const t = T0 + i * 10_000 + ((i * 7919) % 2000);
      const batch = [];
      // One sample: selected, but no value (it must open no group).
      if (i === 0) batch.push({ labels: { __name__: 'work_total', host: 'h-lone', grp: 'g2' }, timestamps: [t], values: [5] });
      for (let h = 0; h < 9; h++) {
        if ((h === 4 && i > 2000) || (h === 7 && i < 3000)) continue;
        const step = ((h * 37 + i * 13) % 11) / 7 + h / 3;
        const value = (i % (900 + 97 * h)) * step;
        batch.push({ labels: { __name__: 'work_total', host: `h${h}`, grp: `g${h % 3}` }, timestamps: [t], values: [value] });
      }
      if (i > 2500 && i < 3000)
        batch.push({ labels: { __name__: 'other_total', host: 'h4', grp: 'g1' }, timestamps: [t], values: [i * 1.1e15 + 0.1] });
      store.append(batch);
    }
  }

  it('gives the floats of summing the whole result', () => {
    dir = mkdtempSync(join(tmpdir(), 'promql-fused-'));
    const store = TimeSeriesStore.open({ path: join(dir, 'q.db'), chunkMaxSamples: 500 });
    fill(store);
    const engine = new Engine();
    const calls = [
      'rate(work_total[5m])',
      'increase(work_total[10m])',
      'rate({__name__=~"work_total|other_total"}[5m])',
      'count_over_time(work_total[5m])',
      'last_over_time(work_total[1h])',
      'rate(work_total{host!="h0"}[2h])',
      'rate(nothing_total[5m])',
    ];
    let compared = 0;
    for (const call of calls) {
      for (const agg of ['sum by (grp)', 'sum without (host)', 'sum', 'sum by (host)']) {
        for (const [from, step] of [
          [T0 + HOUR, MIN],
          [T0, 5 * MIN],
          [T0 + 2 * HOUR, HOUR],
        ]) {
          const q = `${agg} (${call})`;
          const fused = engine.rangeQuerySteps(store, q, from, T0 + 12 * HOUR, step);
          const whole = engine.rangeQuerySteps(store, `${agg} (${call} * 1)`, from, T0 + 12 * HOUR, step);
          expect(
            fused.data.series.map((s) => s.metric),
            q,
          ).toEqual(whole.data.series.map((s) => s.metric));
          fused.data.series.forEach((s, k) => {
            const w = whole.data.series[k];
            expect([...s.has], q).toEqual([...w.has]);
            for (let i = 0; i < s.has.length; i++) {
              if (!s.has[i]) continue;
              compared++;
              expect(Object.is(s.values[i], w.values[i]), `${q} step ${i}: ${s.values[i]} vs ${w.values[i]}`).toBe(true);
            }
          });
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    // Where the merged series overlap, the sum is refused like the call is.
    const overlapping = 'rate({__name__=~"work_total|other_total"}[2h])';
    expect(() => engine.rangeQuerySteps(store, overlapping, T0, T0 + 12 * HOUR, MIN)).toThrow(/same labelset/);
    expect(() => engine.rangeQuerySteps(store, `sum by (grp) (${overlapping})`, T0, T0 + 12 * HOUR, MIN)).toThrow(/same labelset/);
    store.close();
  });
});
