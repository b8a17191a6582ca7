// Rollup reads (selectBuckets): buckets match ones computed from raw samples across
// partial seals, late samples and restarts; kinds from metadata; resolution per step.
import { describe, expect, it } from 'vitest';
import { isStaleNaN, STALE_NAN } from '@metrics-hub/wire';
import { bucketAt, HOUR_MS, increaseOver, MINUTE_MS, type RollupBuckets } from './rollup.ts';
import type { TimeSeriesStore } from './store.ts';
import { eq, storePerTest, T0 } from './testing/store-fixture.ts';

const { open } = storePerTest();

describe('rollups', () => {
  type Naive = {
    end: number;
    count: number;
    sum: number;
    min: number;
    max: number;
    first: number;
    last: number;
    firstT: number;
    lastT: number;
    resetCorrection: number;
  };
  // Naive buckets straight from the definition: (end - res, end], staleness markers skipped.
  function naiveBuckets(samples: [number, number][], res: number): Naive[] {
    const out = new Map<number, [number, number][]>();
    for (const [t, v] of samples) {
      if (isStaleNaN(v)) continue;
      const end = Math.ceil(t / res) * res;
      if (!out.has(end)) out.set(end, []);
      out.get(end)!.push([t, v]);
    }
    return [...out.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([end, ss]) => {
        let resetCorrection = 0;
        for (let i = 1; i < ss.length; i++) if (ss[i][1] < ss[i - 1][1]) resetCorrection += ss[i - 1][1];
        return {
          end,
          count: ss.length,
          sum: ss.reduce((a, [, v]) => a + v, 0),
          min: Math.min(...ss.map(([, v]) => v)),
          max: Math.max(...ss.map(([, v]) => v)),
          first: ss[0][1],
          last: ss[ss.length - 1][1],
          firstT: ss[0][0],
          lastT: ss[ss.length - 1][0],
          resetCorrection,
        };
      });
  }

  /** Prometheus's increase before extrapolation: last - first + the value before each reset. */
  function naiveIncrease(samples: [number, number][]): number {
    const vs = samples.filter(([, v]) => !isStaleNaN(v)).map(([, v]) => v);
    let r = vs[vs.length - 1] - vs[0];
    for (let i = 1; i < vs.length; i++) if (vs[i] < vs[i - 1]) r += vs[i - 1];
    return r;
  }

  function read(store: TimeSeriesStore, name: string, res: 60_000 | 3_600_000, mint: number, maxt: number) {
    const [s] = store.selectBuckets([eq('__name__', name)], mint, maxt, res)!;
    return s.buckets;
  }

  const KEPT = {
    counter: { exact: ['count', 'first', 'last', 'firstT', 'lastT'], close: ['resetCorrection'], absent: ['sum', 'min', 'max'] },
    gauge: { exact: ['count', 'min', 'max', 'last', 'firstT', 'lastT'], close: ['sum'], absent: ['first', 'resetCorrection'] },
  } as const;

  function expectBuckets(b: RollupBuckets, want: Naive[], kind: 'counter' | 'gauge') {
    const got = Array.from({ length: b.length }, (_, i) => bucketAt(b, i));
    expect(got.map((x) => x.end)).toEqual(want.map((x) => x.end));
    for (let i = 0; i < want.length; i++) {
      for (const k of KEPT[kind].exact) expect([i, k, got[i][k]]).toEqual([i, k, want[i][k]]);
      for (const k of KEPT[kind].close) expect(got[i][k]).toBeCloseTo(want[i][k], 6);
      for (const k of KEPT[kind].absent) expect(got[i][k]).toBeNaN();
    }
  }

  function fixture(kind: 'counter' | 'gauge'): [number, number][] {
    const samples: [number, number][] = [];
    let v = 100;
    for (let i = 0; i < 6 * 360; i++) {
      const t = T0 + i * 10_000 + ((i * 7919) % 3000);
      if (kind === 'counter') v = i % 997 === 500 ? 3 : v + ((i * 31) % 17) / 4;
      else v = Math.round((v + (((i * 7919) % 21) - 10) / 10) * 10) / 10;
      samples.push([t, i === 1000 ? STALE_NAN : v]);
    }
    return samples;
  }

  for (const [kind, name] of [
    ['counter', 'work_done_total'],
    ['gauge', 'temperature_celsius'],
  ] as const) {
    it(`of a ${kind} match buckets computed from raw samples, across partial seals, late samples and restarts`, () => {
      const opts = { chunkMaxSamples: 100, chunkWindowMs: 2 * HOUR_MS, outOfOrderWindowMs: 7 * HOUR_MS };
      let s = open(opts);
      const samples = fixture(kind);
      const late = samples.filter((_, i) => i % 50 === 25);
      const onTime = samples.filter((_, i) => i % 50 !== 25);
      const batch = (list: [number, number][]) => [
        { labels: { __name__: name }, timestamps: list.map((x) => x[0]), values: Float64Array.from(list.map((x) => x[1])) },
      ];
      for (let i = 0; i < onTime.length; i += 90) {
        s.append(batch(onTime.slice(i, i + 90)));
        if (i === 900) {
          s.close(); // seals a partial chunk in the middle of a bucket
          s = open(opts);
        }
      }
      for (const x of late) s.append(batch([x]));
      s.flush();
      const mint = T0 - HOUR_MS;
      const maxt = T0 + 7 * HOUR_MS;
      expectBuckets(read(s, name, MINUTE_MS, mint, maxt), naiveBuckets(samples, MINUTE_MS), kind);
      expectBuckets(read(s, name, HOUR_MS, mint, maxt), naiveBuckets(samples, HOUR_MS), kind);
      if (kind === 'counter') {
        // Whole-bucket windows give Prometheus's increase over the same raw samples.
        const minutes = read(s, name, MINUTE_MS, mint, maxt);
        for (const [from, to] of [
          [0, 5],
          [3, 40],
          [100, 101],
          [0, minutes.length],
        ]) {
          const inWindow = samples.filter(([t]) => t > minutes.ends[from] - MINUTE_MS && t <= minutes.ends[to - 1]);
          expect(increaseOver(minutes, from, to)).toBeCloseTo(naiveIncrease(inWindow), 6);
        }
      }
      // A head that is not sealed yet is rolled up on the fly.
      const more: [number, number][] = [[T0 + 6 * HOUR_MS + 5000, 1e6]];
      s.append(batch(more));
      expectBuckets(read(s, name, HOUR_MS, mint, maxt), naiveBuckets([...samples, ...more], HOUR_MS), kind);
      s.close();
    });
  }

  it('read for many series at once are the buckets read series by series, sparse windows and heads included', () => {
    const opts = { chunkMaxSamples: 100, chunkWindowMs: 2 * HOUR_MS, outOfOrderWindowMs: 7 * HOUR_MS };
    const s = open(opts);
    // Two sparse series: their raw samples are read together, window by window.
    const names = ['a_total', 'b', 'c_total', 'd', 'sparse', 'sparse_total'];
    const samples = (k: number) => {
      const list =
        k >= 4
          ? fixture(k === 4 ? 'gauge' : 'counter').filter((_, i) => i % (k === 4 ? 13 : 7) === 0)
          : fixture(k % 2 ? 'gauge' : 'counter');
      return list.map(([t, v]) => [t + k * 500, v] as [number, number]);
    };
    const all = names.map((name, k) => ({ name, list: samples(k) }));
    for (let i = 0; i < 6 * 360; i += 90) {
      s.append(
        all.map(({ name, list }) => ({
          labels: { __name__: name, job: 'x' },
          timestamps: list.slice(i, i + 90).map((x) => x[0]),
          values: list.slice(i, i + 90).map((x) => x[1]),
        })),
      );
      if (i === 1800) s.flush();
    }
    // Late samples into a sealed window, and the rest of the data left in the heads.
    s.append([{ labels: { __name__: 'b', job: 'x' }, timestamps: [T0 + 30 * MINUTE_MS + 123], values: [7] }]);
    for (const [mint, maxt] of [
      [T0 - HOUR_MS, T0 + 7 * HOUR_MS],
      [T0 + 37 * MINUTE_MS, T0 + 5 * HOUR_MS + 3 * MINUTE_MS],
    ]) {
      const together = [...s.selectBuckets([eq('job', 'x')], mint, maxt, MINUTE_MS)!];
      expect(together.map((x) => x.labels.__name__)).toEqual(names);
      for (const x of together) {
        const [alone] = s.selectBuckets([eq('__name__', x.labels.__name__!)], mint, maxt, MINUTE_MS)!;
        expect(x.kind).toBe(alone.kind);
        expect(x.buckets.length).toBe(alone.buckets.length);
        expect(Array.from(x.buckets.ends)).toEqual(Array.from(alone.buckets.ends));
        x.buckets.columns.forEach((col, c) => expect([c, Array.from(col)]).toEqual([c, Array.from(alone.buckets.columns[c])]));
      }
    }
    s.close();
  });

  it('take the kind from metadata over the name', () => {
    const s = open();
    s.setMetadata('requests', { type: 'counter', help: 'Requests served.', unit: '' });
    s.append([{ labels: { __name__: 'requests' }, timestamps: [T0, T0 + 10_000], values: [1, 2] }]);
    expect(bucketAt(read(s, 'requests', MINUTE_MS, T0 - 1, T0 + MINUTE_MS), 1).first).toBe(2);
    expect(bucketAt(read(s, 'requests', MINUTE_MS, T0 - 1, T0 + MINUTE_MS), 1).sum).toBeNaN();
    s.close();
  });

  it('picks the resolution for a step', () => {
    const s = open();
    expect(s.resolutionFor(15_000)).toBe(0);
    expect(s.resolutionFor(60_000)).toBe(MINUTE_MS);
    expect(s.resolutionFor(5 * MINUTE_MS)).toBe(MINUTE_MS);
    expect(s.resolutionFor(HOUR_MS)).toBe(HOUR_MS);
    s.close();
  });
});
