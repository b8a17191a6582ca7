// Appends and the reads that check them: matchers, special floats, repeats, conflicts
// and late samples, lazily decoded blocks, refused series, refs, and the cardinality guard.
import { describe, expect, it } from 'vitest';
import { isStaleNaN, STALE_NAN } from '@metrics-hub/wire';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import type { AppendSeries, TimeSeriesStore } from './store.ts';
import { eq, readAll, storePerTest, T0 } from './testing/store-fixture.ts';

const { open } = storePerTest();

function bitsOf(v: number): string {
  const f = new Float64Array([v]);
  const u = new Uint32Array(f.buffer);
  return `${u[0]}:${u[1]}`;
}

describe('append and select', () => {
  it('selects by every matcher type without touching other series', () => {
    const s = open();
    const hosts = ['a', 'b', 'c'];
    s.append(
      hosts.flatMap((h, i): AppendSeries[] => [
        { labels: { __name__: 'node_load1', instance: h, job: 'node' }, timestamps: [T0], values: [i] },
        { labels: { __name__: 'node_load5', instance: h }, timestamps: [T0], values: [i * 10] },
      ]),
    );
    const names = (m: Parameters<TimeSeriesStore['select']>[0]) =>
      s
        .select(m, T0, T0)
        .map((x) => `${x.labels.__name__}/${x.labels.instance}`)
        .sort();
    expect(names([eq('__name__', 'node_load1')])).toEqual(['node_load1/a', 'node_load1/b', 'node_load1/c']);
    expect(names([eq('__name__', 'node_load1'), { type: '!=', name: 'instance', value: 'b' }])).toEqual(['node_load1/a', 'node_load1/c']);
    expect(names([{ type: '=~', name: 'instance', value: 'a|c' }])).toEqual([
      'node_load1/a',
      'node_load1/c',
      'node_load5/a',
      'node_load5/c',
    ]);
    expect(names([{ type: '!~', name: 'instance', value: '[ab]' }])).toEqual(['node_load1/c', 'node_load5/c']);
    // A matcher that accepts '' keeps series without the label.
    expect(names([eq('job', ''), eq('instance', 'a')])).toEqual(['node_load5/a']);
    expect(names([{ type: '!=', name: 'job', value: 'node' }])).toEqual(['node_load5/a', 'node_load5/b', 'node_load5/c']);
    expect(names([eq('__name__', 'nope')])).toEqual([]);
    expect(s.labelNames()).toEqual(['__name__', 'instance', 'job']);
    expect(s.labelValues('instance', [eq('__name__', 'node_load5')])).toEqual(['a', 'b', 'c']);
    expect(s.series([eq('job', 'node')]).length).toBe(3);
    s.close();
  });

  it('stores special floats bit for bit, staleness markers included', () => {
    const s = open();
    const values = [NaN, STALE_NAN, Infinity, -Infinity, -0, 0, 5e-324, 1.7976931348623157e308, 0.1, -123.456];
    const timestamps = values.map((_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'x' }, timestamps, values }]);
    const check = (store: TimeSeriesStore) => {
      const got = readAll(store.select([eq('__name__', 'x')], T0, T0 + 60_000)[0]);
      expect(got.map(([t]) => t)).toEqual(timestamps);
      // V8 quiets NaN payloads held in plain arrays, so compare the staleness marker by meaning.
      expect(got.map(([, v]) => (isStaleNaN(v) ? 'stale' : bitsOf(v)))).toEqual(values.map((v) => (isStaleNaN(v) ? 'stale' : bitsOf(v))));
      expect(isStaleNaN(got[1][1])).toBe(true);
      expect(isStaleNaN(got[0][1])).toBe(false);
    };
    check(s);
    s.close();
    const again = open();
    check(again);
    again.close();
  });

  it('ignores exact duplicates, rejects conflicting values and samples older than the window', () => {
    const s = open({ outOfOrderWindowMs: 10 * MINUTE_MS });
    const labels = { __name__: 'c' };
    s.append([{ labels, timestamps: [T0, T0 + 60_000, T0 + 20 * MINUTE_MS], values: [1, 2, 3] }]);
    const r = s.append([{ labels, timestamps: [T0 + 60_000, T0 + 60_000, T0 + 15 * MINUTE_MS, T0], values: [2, 9, 4, 1] }]);
    expect(r).toMatchObject({ appended: 1, duplicates: 1, conflicts: 1, tooOld: 1, outOfOrder: 1 });
    expect(readAll(s.select([eq('__name__', 'c')], 0, T0 + HOUR_MS)[0])).toEqual([
      [T0, 1],
      [T0 + 60_000, 2],
      [T0 + 15 * MINUTE_MS, 4],
      [T0 + 20 * MINUTE_MS, 3],
    ]);
    expect(s.stats().rejected).toMatchObject({ tooOld: 1, conflicts: 1 });
    s.close();
  });

  it('merges out-of-order samples with sealed chunks on read, and detects repeats of sealed samples', () => {
    const s = open({ chunkMaxSamples: 16, outOfOrderWindowMs: HOUR_MS });
    const labels = { __name__: 'g' };
    const even = Array.from({ length: 100 }, (_, i) => T0 + i * 20_000);
    s.append([{ labels, timestamps: even, values: even.map((t) => t / 1000) }]);
    const odd = even.map((t) => t + 10_000).filter((t) => t < even[99]);
    const late = s.append([{ labels, timestamps: odd, values: odd.map((t) => t / 1000) }]);
    expect(late.outOfOrder).toBe(odd.length);
    const repeat = s.append([{ labels, timestamps: [even[3], even[4]], values: [even[3] / 1000, 0] }]);
    expect(repeat).toMatchObject({ duplicates: 1, conflicts: 1, appended: 0 });
    const expectAll = (store: TimeSeriesStore) => {
      const got = readAll(store.select([eq('__name__', 'g')], 0, T0 + 10 * HOUR_MS)[0]);
      const want = [...even, ...odd].sort((a, b) => a - b);
      expect(got.map(([t]) => t)).toEqual(want);
      expect(got.every(([t, v]) => v === t / 1000)).toBe(true);
    };
    expectAll(s);
    s.flush();
    expectAll(s);
    s.close();
    const again = open({ chunkMaxSamples: 16, outOfOrderWindowMs: HOUR_MS });
    expectAll(again);
    again.close();
  });

  it('returns lazily decoded blocks clipped to the range', () => {
    const s = open({ chunkMaxSamples: 16 });
    const ts = Array.from({ length: 200 }, (_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'r' }, timestamps: ts, values: ts.map((_, i) => i) }]);
    const [series] = s.select([eq('__name__', 'r')], T0 + 50_500, T0 + 120_000);
    const it = series.blocks();
    const first = it.next().value!;
    expect(first.timestamps[0]).toBe(T0 + 51_000);
    expect(first.length).toBeLessThanOrEqual(16);
    const rest = [first, ...it].flatMap((b) => Array.from(b.values.subarray(0, b.length)));
    expect(rest).toEqual(Array.from({ length: 70 }, (_, i) => 51 + i));
    s.close();
  });

  it('rejects malformed series with a reason and stores the rest of the batch', () => {
    const s = open();
    const r = s.append([
      { labels: { __name__: '1bad' }, timestamps: [T0], values: [1] },
      { labels: { __name__: 'ok', 'bad-name': 'x' }, timestamps: [T0], values: [1] },
      { labels: { __name__: 'ok' }, timestamps: [T0, T0 + 1], values: [1] },
      { labels: { __name__: 'ok' }, timestamps: [T0 + 0.5], values: [1] },
      { labels: { __name__: 'ok' }, timestamps: [T0, T0 + 4], values: [1, '2' as unknown as number] },
      { labels: { __name__: 'fine' }, timestamps: [T0], values: [7] },
    ]);
    expect(r.rejected.map((x) => x.index)).toEqual([0, 1, 2, 3, 4]);
    expect(r.rejected[0].reason).toMatch(/metric name "1bad" is invalid/);
    expect(r.rejected[1].reason).toMatch(/label name "bad-name" is invalid/);
    expect(r.rejected[2].reason).toMatch(/2 timestamps but 1 values/);
    expect(r.rejected[3].reason).toMatch(/not a whole number of milliseconds/);
    expect(r.rejected[4].reason).toMatch(/value #1 is not a number/);
    expect(r.appended).toBe(1);
    expect(readAll(s.select([eq('__name__', 'fine')], T0, T0)[0])).toEqual([[T0, 7]]);
    s.close();
  });

  it('accepts a ref from an earlier append in place of labels', () => {
    const s = open();
    const first = s.append([{ labels: { __name__: 'm', a: '1' }, timestamps: [T0], values: [1] }]);
    const ref = first.refs[0]!;
    s.append([{ ref, timestamps: [T0 + 1000], values: [2] }]);
    expect(s.append([{ ref: 999, timestamps: [T0], values: [1] }]).rejected[0].reason).toMatch(/unknown series ref 999/);
    expect(readAll(s.select([eq('a', '1')], 0, T0 + 1000)[0]).length).toBe(2);
    s.close();
  });
});

describe('cardinality guard', () => {
  it('rejects new series beyond the total limit and keeps existing ones working', () => {
    const s = open({ limits: { maxSeries: 3 } });
    const mk = (i: number, t: number) => ({ labels: { __name__: 'm', i: String(i) }, timestamps: [t], values: [i] });
    s.append([mk(0, T0), mk(1, T0), mk(2, T0)]);
    const r = s.append([mk(3, T0), mk(0, T0 + 1000)]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0].reason).toMatch(/series limit reached: the store holds 3 series \(limits.maxSeries = 3\)/);
    expect(r.appended).toBe(1);
    expect(s.stats().rejected.cardinality).toBe(1);
    s.close();
  });

  it('limits series per value of a chosen label', () => {
    const s = open({ limits: { maxSeriesPerLabelValue: { label: 'instance', limit: 2 } } });
    const mk = (inst: string, m: string) => ({ labels: { __name__: m, instance: inst }, timestamps: [T0], values: [1] });
    const r = s.append([mk('a', 'x'), mk('a', 'y'), mk('a', 'z'), mk('b', 'z')]);
    expect(r.rejected.map((x) => x.index)).toEqual([2]);
    expect(r.rejected[0].reason).toMatch(/instance="a": 2 series/);
    s.close();
  });
});
