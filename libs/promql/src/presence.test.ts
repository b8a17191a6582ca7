// count and group over a selector read only which steps have a value, so the store may
// skip decoding values; staleness markers must still end a series' presence.
import { afterAll, describe, expect, it } from 'vitest';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { tempDir } from '@metrics-hub/testing';
import { STALE_NAN } from '@metrics-hub/wire';
import { Engine } from './engine.ts';

const dir = tempDir('promql-presence-');
afterAll(() => dir.remove());

describe('count and group over a selector', () => {
  it('answer as over the values, staleness markers included, in decimal and float chunks', () => {
    const store = TimeSeriesStore.open({ path: dir.file('s.db'), maxFutureMs: Infinity });
    const t0 = Date.UTC(2026, 0, 1);
    const n = 3 * 360;
    const series = (k: number) => {
      const timestamps = Array.from({ length: n }, (_, i) => t0 + i * 10_000);
      // Short decimals (decimal chunks), or arbitrary floats (XOR chunks); some go stale for a while.
      const values = Array.from({ length: n }, (_, i) => (k % 2 ? Math.sqrt(i + k) : (i % 7) / 4));
      // Every third series is marked stale, then silent for a quarter of an hour.
      const gap = (i: number) => k % 3 === 0 && i > 400 + k && i < 500;
      if (k % 3 === 0) values[400 + k] = STALE_NAN;
      return {
        labels: { __name__: 'x', k: String(k), parity: String(k % 2) },
        timestamps: timestamps.filter((_, i) => !gap(i)),
        values: values.filter((_, i) => !gap(i)),
      };
    };
    store.append(Array.from({ length: 12 }, (_, k) => series(k)));
    store.flush();
    const engine = new Engine();
    const run = (q: string) => engine.rangeQuery(store, q, t0, t0 + 3 * 3_600_000, 60_000).data;
    for (const [fast, slow] of [
      ['count(x)', 'count(x * 1)'],
      ['count by (parity) (x)', 'count by (parity) (x * 1)'],
      ['group by (k) ((x))', 'group by (k) (x * 1)'],
    ]) {
      expect(run(fast)).toEqual(run(slow));
    }
    // The stale stretch shows: fewer series counted there.
    const counts = run('count(x)');
    const values = counts.resultType === 'matrix' ? counts.result[0].points.map((p) => p.v) : [];
    expect(Math.min(...values)).toBeLessThan(12);
    expect(Math.max(...values)).toBe(12);
    store.close();
  });
});
