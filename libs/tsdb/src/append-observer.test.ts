// Append observers: what remote write's queue sees of every append, in its transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { TimeSeriesStore, type AppendedSeries } from './store.ts';

const T0 = Date.UTC(2026, 0, 1);

function bits(values: Float64Array, i: number): string {
  const u = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return `${u[1].toString(16)}:${u[0].toString(16)}`;
}

let dir: TempDir;
let store: TimeSeriesStore;
beforeEach(() => {
  dir = tempDir('tsdb-test-');
  store = TimeSeriesStore.open({ path: dir.file('hub.db') });
});
afterEach(() => {
  store.close();
  dir.remove();
});

describe('append observers', () => {
  it('see exactly the stored samples (not duplicates, conflicts, too old or refused series), with NaN bits intact', () => {
    const seen: { series: AppendedSeries[]; committed?: boolean }[] = [];
    store.observeAppends({
      appended: (series) => seen.push({ series: [...series] }),
      settled: (committed) => (seen[seen.length - 1].committed = committed),
    });
    // Bits written through an integer view: a JS array literal would quiet the NaN first.
    const values = Float64Array.of(1, 0);
    new Uint32Array(values.buffer).set([0x2, 0x7ff00000], 2);
    store.append([{ labels: { __name__: 'm', a: '1' }, timestamps: Float64Array.of(T0, T0 + 1000), values }]);
    expect(seen).toHaveLength(1);
    expect(seen[0].committed).toBe(true);
    expect(seen[0].series[0].labels).toEqual({ __name__: 'm', a: '1' });
    expect([...seen[0].series[0].timestamps]).toEqual([T0, T0 + 1000]);
    expect(bits(seen[0].series[0].values, 1)).toBe('7ff00000:2');

    // A repeat (same value), a conflict (other value), a new sample, and a refused series.
    store.append([
      { labels: { __name__: 'm', a: '1' }, timestamps: [T0, T0 + 1000, T0 + 2000], values: [1, 5, 3] },
      { labels: { __name__: '0bad' }, timestamps: [T0], values: [1] },
    ]);
    expect(seen).toHaveLength(2);
    expect(seen[1].series).toHaveLength(1);
    expect([...seen[1].series[0].timestamps]).toEqual([T0 + 2000]);
    expect([...seen[1].series[0].values]).toEqual([3]);
    // The same labels object for a series every time (callers may cache by it).
    expect(seen[1].series[0].labels).toBe(seen[0].series[0].labels);

    // Nothing stored: the observer is not called.
    store.append([{ labels: { __name__: 'm', a: '1' }, timestamps: [T0], values: [1] }]);
    expect(seen).toHaveLength(2);
  });

  it('commit with the append: a companion row written by the observer is rolled back with it', () => {
    const db = store.database;
    db.exec('CREATE TABLE companion (n INTEGER)');
    const settled: boolean[] = [];
    const stop = store.observeAppends({
      appended: (series) => void db.prepare('INSERT INTO companion VALUES (?)').run(series.length),
      settled: (c) => settled.push(c),
    });
    expect(() =>
      store.append([{ labels: { __name__: 'm' }, timestamps: [T0], values: [1] }], {
        inTransaction: () => {
          throw new Error('ledger refused');
        },
      }),
    ).toThrow(/ledger refused/);
    expect(settled).toEqual([false]);
    expect(db.prepare('SELECT count(*) FROM companion').pluck().get()).toBe(0);
    expect(store.select([{ type: '=', name: '__name__', value: 'm' }], 0, Infinity)).toEqual([]);
    store.append([{ labels: { __name__: 'm' }, timestamps: [T0], values: [1] }]);
    expect(settled).toEqual([false, true]);
    expect(db.prepare('SELECT count(*) FROM companion').pluck().get()).toBe(1);
    stop();
    store.append([{ labels: { __name__: 'm' }, timestamps: [T0 + 1], values: [1] }]);
    expect(settled).toEqual([false, true]);
  });
});
