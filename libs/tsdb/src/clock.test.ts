// The store and the clock: samples stamped far ahead of it are refused at the door, and a
// timestamp beyond it (written before the door, or by a writer whose clock was wrong)
// never moves retention, idle sealing, rollup cut-offs or cold storage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import { TimeSeriesStore, type AppendSeries } from './store.ts';
import type { StoreOptions } from './options.ts';

/** The hub's clock in these tests. */
const NOW = Date.UTC(2026, 11, 7, 12);
/** 2100-01-01T00:00:00Z, the sample of the report. */
const Y2100 = 4102444800000;
const DAY_MS = 24 * HOUR_MS;
const name = (value: string) => ({ type: '=' as const, name: '__name__', value });

let dir: TempDir;
let open: (o?: Partial<StoreOptions>) => TimeSeriesStore;
beforeEach(() => {
  dir = tempDir('tsdb-clock-');
  open = (o = {}) => TimeSeriesStore.open({ path: dir.file('hub.db'), now: () => NOW, ...o });
});
afterEach(() => dir.remove());

/** Every sample of every series matching `__name__=~"m.*"` from `from` to NOW, per series. */
function counts(s: TimeSeriesStore, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const series of s.select([{ type: '=~', name: '__name__', value: 'm.*' }], from, NOW)) {
    let n = 0;
    for (const b of series.blocks()) n += b.length;
    out[`${series.labels.__name__}{k=${series.labels.k}}`] = n;
  }
  return out;
}

/** Three series, a sample every 5 minutes over the two days before NOW. */
function history(): AppendSeries[] {
  const timestamps = Array.from({ length: (2 * DAY_MS) / (5 * MINUTE_MS) }, (_, i) => NOW - 2 * DAY_MS + (i + 1) * 5 * MINUTE_MS);
  return ['a', 'b', 'c'].map((k) => ({ labels: { __name__: 'm', k }, timestamps, values: timestamps.map((_, i) => i % 17) }));
}

const SHORT: Partial<StoreOptions> = {
  chunkWindowMs: HOUR_MS,
  outOfOrderWindowMs: HOUR_MS,
  retention: { rawMs: 3 * DAY_MS, rollup1mMs: 4 * DAY_MS, rollup1hMs: 5 * DAY_MS },
};

describe('the door: samples far ahead of the clock', () => {
  it('are refused and counted; the rest of the batch is stored', () => {
    const s = open();
    const r = s.append([
      {
        labels: { __name__: 'x', k: 'mixed' },
        timestamps: [NOW - 1000, NOW + 4 * MINUTE_MS, NOW + 6 * MINUTE_MS, Y2100],
        values: [1, 2, 3, 4],
      },
      { labels: { __name__: 'x_future' }, timestamps: [Y2100], values: [1] },
      { labels: { __name__: 'x', k: 'now' }, timestamps: [NOW], values: [5] },
    ]);
    expect(r).toMatchObject({ appended: 3, tooFarAhead: 3, tooOld: 0, rejected: [] });
    expect(s.stats().rejected.tooFarAhead).toBe(3);
    expect(s.select([name('x_future')], 0, Infinity)).toEqual([]);
    const [mixed] = s.select([{ type: '=', name: 'k', value: 'mixed' }], 0, Infinity);
    expect([...mixed.blocks()].flatMap((b) => [...b.timestamps.subarray(0, b.length)])).toEqual([NOW - 1000, NOW + 4 * MINUTE_MS]);
    s.close();
    // The count survives a restart, as the other refusal counts do.
    const again = open();
    expect(again.stats().rejected.tooFarAhead).toBe(3);
    again.close();
  });

  it('follow the clock given, and maxFutureMs sets how far ahead is too far', () => {
    let clock = NOW;
    const s = open({ now: () => clock, maxFutureMs: 30_000 });
    expect(s.latestAcceptedMs()).toBe(NOW + 30_000);
    expect(s.append([{ labels: { __name__: 'x' }, timestamps: [NOW + 31_000], values: [1] }]).tooFarAhead).toBe(1);
    clock += 1000;
    expect(s.append([{ labels: { __name__: 'x' }, timestamps: [NOW + 31_000], values: [1] }]).appended).toBe(1);
    s.close();
    expect(() => open({ maxFutureMs: -1 })).toThrow(/maxFutureMs must be 0 or more/);
  });
});

describe('retention by the clock', () => {
  it('a sample dated 2100 forced into the file past the door drops nothing within retention of the real clock', () => {
    const before = open(SHORT);
    before.append(history());
    before.close();
    // A writer without the door (as before it existed): the sample goes in, and the
    // retention its append runs already counts back from the clock.
    const unguarded = open({ ...SHORT, maxFutureMs: Infinity });
    expect(unguarded.append([{ labels: { __name__: 'x_future' }, timestamps: [Y2100], values: [1] }]).appended).toBe(1);
    expect(counts(unguarded, NOW - 2 * DAY_MS)).toEqual({ 'm{k=a}': 576, 'm{k=b}': 576, 'm{k=c}': 576 });
    unguarded.close();

    const s = open(SHORT);
    const expected = { 'm{k=a}': 576, 'm{k=b}': 576, 'm{k=c}': 576 };
    expect(counts(s, NOW - 2 * DAY_MS)).toEqual(expected);
    s.applyRetention();
    // Appends at the real clock go on, and so does retention (which they trigger) without dropping them.
    for (let i = 1; i <= 30; i++)
      s.append(['a', 'b', 'c'].map((k) => ({ labels: { __name__: 'm', k }, timestamps: [NOW - 30 * MINUTE_MS + i * 1000], values: [0] })));
    s.flush();
    s.applyRetention();
    expect(counts(s, NOW - 2 * DAY_MS)).toEqual({ 'm{k=a}': 606, 'm{k=b}': 606, 'm{k=c}': 606 });
    // Rollups are still there and still used for the range.
    const minutes = [...(s.selectBuckets([name('m')], NOW - 2 * DAY_MS, NOW, MINUTE_MS) ?? [])];
    expect(minutes?.length).toBe(3);
    // The future sample is kept too (data is not deleted for being odd), and the series it is in alone.
    expect(s.select([name('x_future')], 0, Infinity).length).toBe(1);
    s.close();
  });

  it('idle heads are still sealed with a future sample in the store (the scan goes by the clock, not the newest sample)', () => {
    let clock = NOW - 3 * HOUR_MS;
    const s = open({ ...SHORT, maxFutureMs: Infinity, now: () => clock });
    s.append([{ labels: { __name__: 'x_future' }, timestamps: [Y2100], values: [1] }]);
    s.append([{ labels: { __name__: 'm', k: 'quiet' }, timestamps: [clock], values: [1] }]);
    clock = NOW;
    s.append([{ labels: { __name__: 'm', k: 'live' }, timestamps: [NOW], values: [1] }]);
    // The quiet series' window ended hours ago: its head is sealed, so it no longer pins the journal.
    expect(s.stats().chunks).toBe(1);
    expect(s.stats().headSamples).toBe(2);
    s.close();
  });

  it('cold storage archives only days past retention of the clock, not everything before a future sample', async () => {
    const archiveDir = dir.file('archive');
    const s = open({ ...SHORT, maxFutureMs: Infinity, archive: { dir: archiveDir } });
    s.append(history());
    s.append([{ labels: { __name__: 'x_future' }, timestamps: [Y2100], values: [1] }]);
    s.applyRetention();
    const outcome = await s.archiveSettled();
    expect(outcome.daysArchived).toBe(0);
    expect(counts(s, NOW - 2 * DAY_MS)).toEqual({ 'm{k=a}': 576, 'm{k=b}': 576, 'm{k=c}': 576 });
    expect(s.archiveStatus()?.archivedThrough).toBeUndefined();
    s.close();
  });
});
