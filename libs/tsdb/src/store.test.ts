import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStaleNaN, labelsKey, STALE_NAN, type Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { bucketAt, HOUR_MS, increaseOver, MINUTE_MS, type RollupBuckets } from './rollup.ts';
import { TimeSeriesStore, type AppendSeries, type StoredSeries } from './store.ts';
import { StoreError } from './errors.ts';
import type { StoreOptions } from './options.ts';
import { ReferenceStore } from './testing/reference-store.ts';

const T0 = Date.UTC(2026, 0, 1);
const eq = (name: string, value: string) => ({ type: '=' as const, name, value });

function readAll(s: StoredSeries): [number, number][] {
  const out: [number, number][] = [];
  for (const b of s.blocks()) for (let i = 0; i < b.length; i++) out.push([b.timestamps[i], b.values[i]]);
  return out;
}

/** The bits of element i, read without the value leaving its typed array. */
function typedBits(values: Float64Array, i: number): string {
  const u = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return `${u[0]}:${u[1]}`;
}

function bitsOf(v: number): string {
  const f = new Float64Array([v]);
  const u = new Uint32Array(f.buffer);
  return `${u[0]}:${u[1]}`;
}

let dir: TempDir;
let open: (o?: Partial<StoreOptions>) => TimeSeriesStore;
beforeEach(() => {
  dir = tempDir('tsdb-test-');
  open = (o = {}) => TimeSeriesStore.open({ path: dir.file('hub.db'), ...o });
});
afterEach(() => dir.remove());

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

describe('property: the store agrees with a naive reference', () => {
  it('for random appends with late, repeated and conflicting samples across restarts', () => {
    const sample = fc.record({
      series: fc.integer({ min: 0, max: 4 }),
      dt: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 90_000 }) },
        { weight: 2, arbitrary: fc.integer({ min: -40 * 60_000, max: 0 }) },
      ),
      value: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -1000, max: 100_000 }).map((x) => x / 100) },
        { weight: 1, arbitrary: fc.constantFrom(NaN, STALE_NAN, Infinity, -0, 1e300) },
        { weight: 1, arbitrary: fc.double() },
      ),
      repeat: fc.boolean(),
    });
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.array(sample, { minLength: 1, maxLength: 40 }).map((s) => ({ kind: 'append' as const, samples: s })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const run = tempDir('tsdb-test-');
        const options: StoreOptions = {
          path: run.file('p.db'),
          chunkMaxSamples: 16,
          chunkWindowMs: HOUR_MS,
          outOfOrderWindowMs: 30 * MINUTE_MS,
        };
        let store = TimeSeriesStore.open(options);
        const ref = new ReferenceStore(options.outOfOrderWindowMs!);
        const labelsOf = (i: number): Labels => ({ __name__: 'prop', s: String(i) });
        let now = T0;
        // Values stay in typed arrays end to end: V8 may rewrite a NaN's payload (the
        // staleness marker's) held in a plain array, which would make the reference and the
        // store see different bits.
        const last = new Map<number, { t: number; v: Float64Array }>();
        try {
          for (const o of ops) {
            if (o.kind === 'reopen') {
              store.close();
              store = TimeSeriesStore.open(options);
              continue;
            }
            if (o.kind === 'flush') {
              store.flush();
              continue;
            }
            // One entry per sample keeps each entry's timestamps ascending, as append requires.
            const entries = o.samples.map((x) => {
              now += x.dt;
              const prev = last.get(x.series);
              const sample = x.repeat && prev ? prev : { t: now, v: Float64Array.of(x.value) };
              last.set(x.series, sample);
              ref.append(labelsOf(x.series), sample.t, sample.v);
              return { labels: labelsOf(x.series), timestamps: [sample.t], values: sample.v };
            });
            store.append(entries);
          }
          for (const [key, s] of ref.series) {
            const got = store.select([eq('__name__', 'prop'), eq('s', s.labels.s)], -Infinity, Infinity);
            const want = ref.sorted(key);
            if (want.length === 0) continue;
            expect(got).toHaveLength(1);
            expect(labelsKey(got[0].labels)).toBe(key);
            const read: [number, string][] = [];
            for (const b of got[0].blocks()) for (let i = 0; i < b.length; i++) read.push([b.timestamps[i], typedBits(b.values, i)]);
            expect(read).toEqual(want);
          }
          const st = store.stats();
          expect(st.samples).toBe(ref.counts.appended);
        } finally {
          store.close();
          run.remove();
        }
      }),
      { numRuns: 60 },
    );
  });
});

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

describe('errors', () => {
  it('a file that is not a database gives a clear error', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(dir.file('hub.db'), 'this is not a database, just some text that is long enough to look like a header'.repeat(100));
    expect(() => open()).toThrow(StoreError);
    expect(() => open()).toThrow(/damaged.*restore it from a snapshot/);
  });

  it('a damaged chunk is reported with its series, never returned as data', async () => {
    const s = open({ chunkMaxSamples: 16 });
    const ts = Array.from({ length: 64 }, (_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'd', job: 'x' }, timestamps: ts, values: ts.map((_, i) => i * 1.5) }]);
    s.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dir.file('hub.db'));
    const row = db.prepare('SELECT key, data FROM chunks ORDER BY key LIMIT 1 OFFSET 1').get() as { key: number; data: Buffer };
    row.data[Math.floor(row.data.length / 2)] ^= 0x10;
    db.prepare('UPDATE chunks SET data = ? WHERE key = ?').run(row.data, row.key);
    db.close();
    const again = open({ chunkMaxSamples: 16 });
    const [series] = again.select([eq('job', 'x')], T0, T0 + 64_000);
    expect(() => readAll(series)).toThrow(
      /the chunk of d\{job="x"\} covering 2026-01-01T00:00:01.000Z\.\.2026-01-01T00:00:16.000Z is damaged/,
    );
    again.close();
  });

  it('a second process on the same file is refused with a hint', async () => {
    const s = open();
    s.append([{ labels: { __name__: 'x' }, timestamps: [T0], values: [1] }]);
    expect(() => open()).toThrow(/in use by another process/);
    s.close();
  });

  it('bad options are named with the fix', () => {
    expect(() => open({ chunkWindowMs: 5 * HOUR_MS })).toThrow(/chunkWindowMs must be a whole number of hours that divides a day/);
    expect(() => open({ outOfOrderWindowMs: HOUR_MS, retention: { rawMs: HOUR_MS * 24, rollup1mMs: HOUR_MS } })).toThrow(
      /rollup1mMs must be at least retention.rawMs/,
    );
  });
});
