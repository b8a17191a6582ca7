// Retention: raw chunks and rollups dropped after their own times, space reused, and
// series left with no data forgotten (never one a journal row still names).
import { copyFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import type { StoreOptions } from './options.ts';
import { TimeSeriesStore } from './store.ts';
import { eq, storePerTest, T0 } from './testing/store-fixture.ts';

const { open } = storePerTest();

describe('retention', () => {
  it('drops raw chunks past retention, keeps rollups longer, and reuses the space', () => {
    const opts: Partial<StoreOptions> = {
      chunkWindowMs: HOUR_MS,
      outOfOrderWindowMs: HOUR_MS,
      retention: { rawMs: 3 * HOUR_MS, rollup1mMs: 6 * HOUR_MS, rollup1hMs: 48 * HOUR_MS },
    };
    const s = open(opts);
    const write = (fromHour: number, hours: number) => {
      for (let i = fromHour * 360; i < (fromHour + hours) * 360; i++) {
        s.append(
          Array.from({ length: 20 }, (_, k) => ({
            labels: { __name__: 'm', k: String(k) },
            timestamps: [T0 + i * 10_000],
            values: [Math.round(Math.sin(i / 50 + k) * 1000) / 10],
          })),
        );
      }
    };
    write(0, 24);
    s.flush();
    const sizeAfterDay = s.stats().fileBytes;
    const end = T0 + 24 * HOUR_MS;
    const raw = s.select([eq('k', '1')], T0, end);
    const firstRaw = raw[0].blocks().next().value!.timestamps[0];
    expect(firstRaw).toBeGreaterThanOrEqual(end - 4 * HOUR_MS);
    const minutes = [...s.selectBuckets([eq('k', '1')], T0, end, MINUTE_MS)!][0].buckets;
    expect(minutes.ends[0]).toBeGreaterThanOrEqual(end - 8 * HOUR_MS);
    expect(minutes.ends[0]).toBeLessThan(end - 5 * HOUR_MS);
    const hours = [...s.selectBuckets([eq('k', '1')], T0, end, HOUR_MS)!][0].buckets;
    expect(hours.length).toBe(24);
    write(24, 24);
    s.flush();
    const sizeAfterTwoDays = s.stats().fileBytes;
    // Old chunks' pages are reused: a second day costs only its rollups, not its raw data.
    expect(sizeAfterTwoDays).toBeLessThan(sizeAfterDay * 1.3);
    s.close();
  });

  it('forgets series left with no data', () => {
    const s = open({
      chunkWindowMs: HOUR_MS,
      outOfOrderWindowMs: 0,
      retention: { rawMs: HOUR_MS, rollup1mMs: HOUR_MS, rollup1hMs: HOUR_MS },
    });
    s.append([{ labels: { __name__: 'gone' }, timestamps: [T0], values: [1] }]);
    // The 1 h rollups outlive everything else: a series goes once its last day row does.
    s.append([{ labels: { __name__: 'stays' }, timestamps: [T0 + 30 * HOUR_MS], values: [1] }]);
    s.flush();
    s.applyRetention();
    expect(s.labelValues('__name__')).toEqual(['stays']);
    expect(s.select([eq('__name__', 'gone')], 0, Infinity)).toEqual([]);
    s.close();
  });
});

describe('retention beside the journal', () => {
  const { open: openHere, dir } = storePerTest();
  /** The file and its journal as kill -9 would leave them, opened as the next start opens them. */
  const reopenCopy = () => {
    copyFileSync(dir.file('hub.db'), dir.file('copy.db'));
    if (existsSync(dir.file('hub.db-wal'))) copyFileSync(dir.file('hub.db-wal'), dir.file('copy.db-wal'));
    return TimeSeriesStore.open({ path: dir.file('copy.db'), now: () => T0 });
  };

  it('forgets a series whose samples were all refused, and the store still opens after a crash', () => {
    const s = openHere({ maxFutureMs: 60_000, now: () => T0 });
    // `pin` keeps the journal row (its head is open); `ahead` has only a refused sample.
    s.append([
      { labels: { __name__: 'pin' }, timestamps: [T0], values: [1] },
      { labels: { __name__: 'ahead' }, timestamps: [T0 + 24 * HOUR_MS], values: [1] },
    ]);
    s.applyRetention();
    expect(s.labelValues('__name__')).toEqual(['pin']);
    const again = reopenCopy();
    expect(again.labelValues('__name__')).toEqual(['pin']);
    again.close();
    s.close();
  });

  it('keeps a series past retention while a journal row holds its samples', () => {
    const s = openHere({ now: () => T0 });
    // Three-year-old history of a new series, sealed at once (its window is long over),
    // in the same row as `pin`'s open head.
    s.append([
      { labels: { __name__: 'pin' }, timestamps: [T0], values: [1] },
      { labels: { __name__: 'history' }, timestamps: [T0 - 3 * 365 * 24 * HOUR_MS], values: [1] },
    ]);
    s.applyRetention();
    expect(s.labelValues('__name__')).toEqual(['history', 'pin']);
    const again = reopenCopy();
    expect(again.labelValues('__name__')).toEqual(['history', 'pin']);
    again.close();
    // Once the row is gone, so is the series.
    s.flush();
    s.applyRetention();
    expect(s.labelValues('__name__')).toEqual(['pin']);
    s.close();
  });
});
