// A query's reads (`readsAll`) fetch the chunks of a dense selection a window at a time,
// with their bytes; other reads go series by series. Both must see the very same samples,
// late chunks, heads and range edges included.
import { describe, expect, it } from 'vitest';
import { shardOf } from '@metrics-hub/wire';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import type { AppendSeries, BucketSeries, TimeSeriesStore } from './store.ts';
import { eq, readAll, storePerTest, T0 } from './testing/store-fixture.ts';

const { open } = storePerTest();

function fill(s: TimeSeriesStore): void {
  // 40 series over 7 hours at 30 s: several 2 h windows, then late samples into an old window.
  const series = (k: number): AppendSeries => ({
    labels: { __name__: k % 4 === 3 ? 'other' : 'metric', k: String(k) },
    timestamps: Array.from({ length: 7 * 120 }, (_, i) => T0 + i * 30_000 + (k % 3) * 1000),
    values: Array.from({ length: 7 * 120 }, (_, i) => i * k),
  });
  s.append(Array.from({ length: 40 }, (_, k) => series(k)));
  s.flush();
  s.append([{ labels: { __name__: 'metric', k: '5' }, timestamps: [T0 + 15_000, T0 + 3 * HOUR_MS + 15_000], values: [-1, -2] }]);
  s.append([{ labels: { __name__: 'metric', k: '6' }, timestamps: [T0 + 7 * HOUR_MS + 5 * MINUTE_MS], values: [99] }]);
}

const read = (s: TimeSeriesStore, matchers: Parameters<TimeSeriesStore['select']>[0], mint: number, maxt: number, readsAll: boolean) =>
  s.select(matchers, mint, maxt, { readsAll }).map((x) => ({ labels: x.labels, samples: readAll(x) }));

describe('reads of a dense selection', () => {
  it('see the samples that series-by-series reads see', () => {
    const s = open();
    fill(s);
    for (const matchers of [[eq('__name__', 'metric')], [{ type: '=~' as const, name: 'k', value: '.+' }], [eq('k', '5')]]) {
      for (const [mint, maxt] of [
        [T0, T0 + 8 * HOUR_MS],
        [T0 + HOUR_MS + 1, T0 + 3 * HOUR_MS + 15_000],
        [T0 + 2 * HOUR_MS, T0 + 2 * HOUR_MS + 2000],
      ]) {
        const together = read(s, matchers, mint, maxt, true);
        expect(together).toEqual(read(s, matchers, mint, maxt, false));
        expect(together.length).toBeGreaterThan(0);
      }
    }
    const all = read(s, [eq('__name__', 'metric')], T0, T0 + 8 * HOUR_MS, true);
    expect(all).toHaveLength(30);
    const five = all.find((x) => x.labels.k === '5')!.samples;
    expect(five.slice(0, 3)).toEqual([
      [T0 + 2000, 0],
      [T0 + 15_000, -1],
      [T0 + 32_000, 5],
    ]);
    expect(all.find((x) => x.labels.k === '6')!.samples.at(-1)).toEqual([T0 + 7 * HOUR_MS + 5 * MINUTE_MS, 99]);
  });

  it('give all samples as one block, decoded in place or joined, as the blocks give them', () => {
    const s = open();
    fill(s);
    s.append([{ labels: { __name__: 'metric', k: '7' }, timestamps: [T0 + 7 * HOUR_MS + 6 * MINUTE_MS], values: [7] }]);
    for (const [mint, maxt] of [
      [T0, T0 + 8 * HOUR_MS],
      [T0 + HOUR_MS + 1, T0 + 3 * HOUR_MS + 15_000],
      [T0 + 7 * HOUR_MS, T0 + 8 * HOUR_MS],
    ]) {
      for (const x of s.select([{ type: '=~', name: 'k', value: '.+' }], mint, maxt, { readsAll: true })) {
        const whole = x.samples();
        const pairs = Array.from({ length: whole.length }, (_, i) => [whole.timestamps[i], whole.values[i]]);
        expect(pairs).toEqual(readAll(s.select([eq('__name__', x.labels.__name__), eq('k', x.labels.k)], mint, maxt)[0]));
      }
    }
  });

  it('stop when the reader says so, even in the middle of a scan', () => {
    const s = open();
    fill(s);
    let units = 0;
    const stop = new Error('deadline');
    const tick = () => {
      if (++units > 50) throw stop;
    };
    expect(() => s.select([eq('__name__', 'metric')], T0, T0 + 8 * HOUR_MS, { readsAll: true, tick })).toThrow(stop);
  });
});

describe('reads of one shard of a query split across workers', () => {
  it('return exactly the shard’s series, samples and buckets as the whole read has them', () => {
    const s = open();
    fill(s);
    const matchers = [eq('__name__', 'metric')];
    const whole = read(s, matchers, T0, T0 + 8 * HOUR_MS, true);
    const wholeBuckets = [...s.selectBuckets(matchers, T0, T0 + 8 * HOUR_MS, MINUTE_MS)!];
    const seen: string[] = [];
    for (let index = 0; index < 3; index++) {
      const shard = { index, count: 3, key: undefined };
      const mine = s
        .select(matchers, T0, T0 + 8 * HOUR_MS, { readsAll: true, shard })
        .map((x) => ({ labels: x.labels, samples: readAll(x) }));
      expect(mine.every((x) => shardOf(x.labels, 3, undefined) === index)).toBe(true);
      expect(mine).toEqual(whole.filter((x) => shardOf(x.labels, 3, undefined) === index));
      const buckets = [...s.selectBuckets(matchers, T0, T0 + 8 * HOUR_MS, MINUTE_MS, { shard })!];
      expect(buckets).toEqual(wholeBuckets.filter((x) => shardOf(x.labels, 3, undefined) === index));
      seen.push(...mine.map((x) => x.labels.k));
    }
    expect(seen.sort()).toEqual(whole.map((x) => x.labels.k).sort());
    // The key: series that agree on `k` modulo nothing else share a shard.
    const byK = s.select(matchers, T0, T0 + 8 * HOUR_MS, { shard: { index: 0, count: 2, key: ['k'] } });
    expect(byK.every((x) => shardOf({ k: x.labels.k }, 2, ['k']) === 0)).toBe(true);
  });
});

describe('bucket reads streamed to a query', () => {
  it('give each series the buckets a whole read gives, decoded into one reused buffer', () => {
    const s = open();
    fill(s);
    const matchers = [eq('__name__', 'metric')];
    const copy = (x: BucketSeries) => ({
      ...x,
      buckets: { length: x.buckets.length, ends: x.buckets.ends.slice(), columns: x.buckets.columns.map((c) => c.slice()) },
    });
    const whole = [...s.selectBuckets(matchers, T0, T0 + 8 * HOUR_MS, MINUTE_MS)!].map(copy);
    const streamed: BucketSeries[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (const x of s.selectBuckets(matchers, T0, T0 + 8 * HOUR_MS, MINUTE_MS, { streaming: true })!) {
      buffers.add(x.buckets.ends.buffer);
      streamed.push(copy(x));
    }
    expect(whole.length).toBeGreaterThan(20);
    expect(streamed).toEqual(whole);
    // Series of one kind share a buffer (grown at most a few times), instead of one each.
    expect(buffers.size).toBeLessThan(4);
  });
});
