// The read-only replica against the writer it follows: after every kind of change (new
// series, in-order and late samples, seals at window ends and at chunkMaxSamples, late
// flushes, flush(), journal truncation, retention dropping series) a replica on its own
// connection reads exactly what the writer reads, samples and buckets alike.
import { describe, expect, it } from 'vitest';
import { isStaleNaN, STALE_NAN } from '@metrics-hub/wire';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import type { TimeSeriesStore } from './store.ts';
import { StoreReplica } from './store-replica.ts';
import { eq, readAll, storePerTest, T0 } from './testing/store-fixture.ts';
import { seededRandom } from '@metrics-hub/testing';

const { open, dir } = storePerTest();
const ALL = [{ type: '=~' as const, name: '__name__', value: '.+' }];

function bits(v: number): string {
  return isStaleNaN(v) ? 'stale' : Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
}

/** Every series' samples in [mint, maxt], by label set. */
function contents(s: Pick<TimeSeriesStore, 'select'>, mint = -Infinity, maxt = Infinity): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const series of s.select(ALL, mint, maxt)) out[JSON.stringify(series.labels)] = readAll(series).map(([t, v]) => `${t}=${bits(v)}`);
  return out;
}

function buckets(s: Pick<TimeSeriesStore, 'selectBuckets'>, mint: number, maxt: number, res: 60_000 | 3_600_000) {
  const out: Record<string, unknown> = {};
  for (const b of s.selectBuckets(ALL, mint, maxt, res) ?? []) out[JSON.stringify(b.labels)] = { kind: b.kind, buckets: b.buckets };
  return out;
}

describe('StoreReplica', () => {
  it('reads what the writer reads after every kind of change', () => {
    let now = T0;
    const s = open({ chunkMaxSamples: 16, walMaxBytes: 64 * 1024, now: () => now });
    s.append([{ labels: { __name__: 'up', job: 'a' }, timestamps: [T0], values: [1] }]);
    const r = StoreReplica.open({ path: dir.file('hub.db'), now: () => now });
    const rnd = seededRandom(7);
    const newest = new Map<string, number>();
    let t = T0;
    const check = (step: string) => {
      const [want, got] = [contents(s), r.read(() => contents(r))];
      expect(got, step).toEqual(want);
      const from = Math.floor((t - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS;
      expect(
        r.read(() => buckets(r, from, t, MINUTE_MS)),
        `${step}: 1 m buckets`,
      ).toEqual(buckets(s, from, t, MINUTE_MS));
    };
    check('start');
    for (let step = 0; step < 400; step++) {
      const op = rnd();
      t += Math.floor(rnd() * 120_000);
      now = t + 60_000;
      if (op < 0.6) {
        // In-order samples for a few series (some new), a staleness marker now and then.
        const batch = [];
        for (let k = 0; k < 1 + rnd() * 4; k++) {
          const name = `m${Math.floor(rnd() * 12)}`;
          const from = Math.max(newest.get(name) ?? 0, t - 60_000) + 1;
          const ts = [from, from + 1000, from + 2000];
          newest.set(name, from + 2000);
          batch.push({
            labels: { __name__: name, job: 'x' },
            timestamps: ts,
            values: ts.map(() => (rnd() < 0.05 ? STALE_NAN : rnd() * 100)),
          });
        }
        s.append(batch);
      } else if (op < 0.85) {
        // Late samples, within the out-of-order window.
        const name = `m${Math.floor(rnd() * 12)}`;
        const late = Math.floor((newest.get(name) ?? t) - rnd() * 3 * HOUR_MS);
        s.append([{ labels: { __name__: name, job: 'x' }, timestamps: [late, late + 7], values: [rnd(), rnd()] }]);
      } else if (op < 0.9) {
        s.flush();
      } else {
        // A jump past window ends: heads seal as their series move on, idle ones later.
        t += 2 * HOUR_MS * rnd();
      }
      if (step % 5 === 0 || op >= 0.85) check(`step ${step}`);
    }
    check('end');
    r.close();
    s.close();
  });

  it('follows a deletion by retention and a new series that gets the deleted id', () => {
    let now = T0;
    const s = open({
      retention: { rawMs: 24 * HOUR_MS, rollup1mMs: 24 * HOUR_MS, rollup1hMs: 24 * HOUR_MS },
      outOfOrderWindowMs: HOUR_MS,
      now: () => now,
    });
    s.append([
      { labels: { __name__: 'keep', job: 'x' }, timestamps: [T0], values: [1] },
      { labels: { __name__: 'old', job: 'x' }, timestamps: [T0], values: [1] },
    ]);
    s.flush();
    const r = StoreReplica.open({ path: dir.file('hub.db'), now: () => now });
    expect(r.read(() => contents(r))).toEqual(contents(s));
    // Days later `old` (the newest id) is past every retention and is dropped by the append's
    // retention pass; the next new series is given its id.
    now = T0 + 5 * 24 * HOUR_MS;
    s.append([{ labels: { __name__: 'keep', job: 'x' }, timestamps: [now - 1000], values: [2] }]);
    expect(s.series([eq('__name__', 'old')])).toEqual([]);
    s.append([{ labels: { __name__: 'fresh', job: 'x' }, timestamps: [now], values: [3] }]);
    expect(r.read(() => contents(r))).toEqual(contents(s));
    expect(r.read(() => r.select([eq('__name__', 'fresh')], 0, Infinity).map((x) => x.labels))).toEqual([{ __name__: 'fresh', job: 'x' }]);
    r.close();
    s.close();
  });

  it('gives one cut per read: a seal between two reads moves samples from the head to a chunk, never both or neither', () => {
    const s = open({ chunkMaxSamples: 16 });
    const r = StoreReplica.open({ path: dir.file('hub.db') });
    const ts = Array.from({ length: 15 }, (_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'x' }, timestamps: ts, values: ts.map((_, i) => i) }]);
    const before = r.read(() => readAll(r.select([eq('__name__', 'x')], T0, T0 + HOUR_MS)[0]));
    expect(before).toHaveLength(15);
    // The 16th sample fills the head: it is sealed into a chunk, the journal truncated.
    s.append([{ labels: { __name__: 'x' }, timestamps: [T0 + 15_000, T0 + 16_000], values: [15, 16] }]);
    expect(r.read(() => readAll(r.select([eq('__name__', 'x')], T0, T0 + HOUR_MS)[0]))).toEqual(
      readAll(s.select([eq('__name__', 'x')], T0, T0 + HOUR_MS)[0]),
    );
    expect(r.read(() => readAll(r.select([eq('__name__', 'x')], T0, T0 + HOUR_MS)[0]))).toHaveLength(17);
    r.close();
    s.close();
  });

  it('keeps its cut for the whole read while the writer seals and truncates beside it', () => {
    const s = open({ chunkMaxSamples: 16 });
    const r = StoreReplica.open({ path: dir.file('hub.db') });
    const ts = Array.from({ length: 15 }, (_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'x' }, timestamps: ts, values: ts.map((_, i) => i) }]);
    const read = () => readAll(r.select([eq('__name__', 'x')], T0, T0 + HOUR_MS)[0]);
    r.read(() => {
      const first = read();
      s.append([{ labels: { __name__: 'x' }, timestamps: [T0 + 15_000, T0 + 16_000], values: [15, 16] }]);
      s.append([{ labels: { __name__: 'y' }, timestamps: [T0], values: [1] }]);
      expect(read()).toEqual(first);
      expect(r.select([eq('__name__', 'y')], T0, T0)).toEqual([]);
    });
    expect(r.read(read)).toHaveLength(17);
    r.close();
    s.close();
  });

  it('opens beside the writer, while a second writer is refused', () => {
    const s = open();
    s.append([{ labels: { __name__: 'x' }, timestamps: [T0], values: [1] }]);
    const r = StoreReplica.open({ path: dir.file('hub.db') });
    expect(() => open()).toThrow(/in use by another process/);
    expect(r.read(() => r.select([eq('__name__', 'x')], T0, T0).length)).toBe(1);
    r.close();
    s.close();
  });

  it('refuses a file that is not there rather than creating one', () => {
    expect(() => StoreReplica.open({ path: dir.file('nothing.db') })).toThrow(/cannot open the database file/);
  });
});
