// Retention: raw chunks and rollups dropped after their own times, space reused, and
// series left with no data forgotten.
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import type { StoreOptions } from './options.ts';
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
    const minutes = s.selectBuckets([eq('k', '1')], T0, end, MINUTE_MS)![0].buckets;
    expect(minutes.ends[0]).toBeGreaterThanOrEqual(end - 8 * HOUR_MS);
    expect(minutes.ends[0]).toBeLessThan(end - 5 * HOUR_MS);
    const hours = s.selectBuckets([eq('k', '1')], T0, end, HOUR_MS)![0].buckets;
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
