// A range query split by series across shards (shard-plan.ts) must answer what the query
// answers whole: the same series, the same values (up to the rounding of adding partial
// sums), the same annotations and the same errors, for any number of shards.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metrics-hub/testing';
import { Engine } from './engine.ts';
import { PromqlError } from './errors.ts';
import type { SampleCounter } from './eval-context.ts';
import { parseExpr } from './parser.ts';
import { MemoryQueryable } from './queryable.ts';
import type { RangeQueryResult } from './engine.ts';
import { planShards } from './shard-plan.ts';
import { newQueryStats } from './query-stats.ts';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function fleet(): MemoryQueryable {
  const q = new MemoryQueryable();
  const random = seededRandom(17);
  const instances = ['a:9100', 'b:9100', 'c:9100', 'd:9100', 'e:9100', 'f:9100', 'g:9100'];
  const les = ['0.1', '0.5', '1', '+Inf'];
  for (const instance of instances) {
    const counters = ['200', '404', '500'].map(() => 0);
    const buckets = les.map(() => 0);
    // One instance stops half way (its series go stale), one starts late.
    const from = instance === 'g:9100' ? T0 + HOUR / 2 : T0;
    const to = instance === 'f:9100' ? T0 + HOUR / 2 : T0 + 2 * HOUR;
    for (let t = from; t < to; t += 10_000) {
      const ts = t + Math.floor(random() * 500);
      ['200', '404', '500'].forEach((code, k) => {
        counters[k] = random() < 0.002 ? 0 : counters[k] + random() * 10;
        q.add({ __name__: 'req_total', instance, code }, ts, counters[k]);
      });
      q.add({ __name__: 'load', instance }, ts, random() * 4);
      q.add({ __name__: 'mem_avail', instance }, ts, 1e9 + random() * 1e8);
      q.add({ __name__: 'mem_total', instance }, ts, 2e9);
      for (const mountpoint of ['/', '/home']) {
        q.add({ __name__: 'fs_avail', instance, mountpoint }, ts, 5e10 - (ts - T0) * 3 + random() * 1e6);
        q.add({ __name__: 'fs_size', instance, mountpoint }, ts, 1e11);
      }
      let cumulative = 0;
      les.forEach((le, k) => {
        cumulative += random() * 3;
        buckets[k] += cumulative;
        q.add({ __name__: 'lat_bucket', instance, le }, ts, buckets[k]);
      });
    }
  }
  return q;
}

const SPLITS = [
  'sum by (instance) (rate(req_total{code!="200"}[5m]))',
  '1 - avg by (instance) (rate(req_total{code="200"}[5m]))',
  '100 * (1 - mem_avail / mem_total)',
  'topk(3, sum by (instance) (rate(req_total[5m])))',
  'topk by (code) (2, rate(req_total[5m]))',
  'bottomk(2, load)',
  'max by (instance) (load)',
  'min(load)',
  'group by (code) (req_total)',
  'avg_over_time(load[10m])',
  'predict_linear(fs_avail{mountpoint="/"}[30m], 4 * 3600) < 4.995e10',
  'histogram_quantile(0.9, sum by (le) (rate(lat_bucket[5m])))',
  'sum(rate(req_total{code="500"}[5m])) / sum(rate(req_total[5m]))',
  'count by (code) (req_total)',
  'count(load > 2)',
  'increase(req_total[15m])',
  'quantile_over_time(0.95, load[30m])',
  'fs_avail / on (instance, mountpoint) group_left fs_size',
  'fs_avail / on (instance) group_left max by (instance) (fs_size)',
  'quantile(0.5, rate(req_total[5m]))',
  'stddev by (instance) (rate(req_total[5m]))',
  'max_over_time(rate(req_total[5m])[15m:1m])',
  'abs(load - 2) > bool 1',
  '-load offset 5m',
  'load and on (instance) (mem_avail > 1.05e9)',
  'load or mem_avail',
  'sum without (code) (req_total)',
  'avg(load) * count(load) / sum(load)',
  'timestamp(load)',
  'scalar(sum(load)) + load',
];

const WHOLE = [
  'absent(load{instance="no-such"})',
  'label_replace(load, "x", "$1", "instance", "(.*)")',
  'vector(1)',
  'hour()',
  '1 + 2',
  'load / on () group_left sum(load)',
  'load / ignoring (instance) group_left sum(load)',
];

function answers(q: MemoryQueryable, query: string, count: number, start: number, end: number, step: number, engine = new Engine()) {
  const shards = Array.from({ length: count }, (_, index) => engine.rangeQueryShard(q, query, start, end, step, { index, count }));
  return engine.rangeQueryMerged(q, query, start, end, step, shards);
}

function expectSameAnswer(sharded: RangeQueryResult, whole: RangeQueryResult): void {
  expect(sharded.data.series.map((s) => s.metric)).toEqual(whole.data.series.map((s) => s.metric));
  sharded.data.series.forEach((s, k) => {
    const w = whole.data.series[k];
    expect([...s.has]).toEqual([...w.has]);
    for (let i = 0; i < s.values.length; i++) {
      if (!w.has[i]) continue;
      const a = s.values[i];
      const b = w.values[i];
      if (Number.isNaN(b) || !Number.isFinite(b)) expect(a).toBe(b);
      // Partial sums added again round differently in the last bits.
      else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    }
  });
  expect(new Set(sharded.warnings)).toEqual(new Set(whole.warnings));
  expect(new Set(sharded.infos)).toEqual(new Set(whole.infos));
}

describe('a range query split by series across shards', () => {
  const q = fleet();
  const start = T0 + 10 * 60_000;
  const end = T0 + 2 * HOUR;

  it.each(SPLITS)('%s splits, and answers as it does whole', (query) => {
    expect(planShards(parseExpr(query))).toBeDefined();
    const engine = new Engine();
    for (const step of [60_000, 17_000]) {
      const whole = engine.rangeQuerySteps(q, query, start, end, step);
      expect(whole.data.series.length).toBeGreaterThan(0);
      for (const count of [2, 3, 5]) expectSameAnswer(answers(q, query, count, start, end, step), whole);
    }
  });

  it.each(WHOLE)('%s stays whole', (query) => {
    const plan = planShards(parseExpr(query));
    // A plan may still split a part further down; the answer must be the same either way.
    if (plan) expectSameAnswer(answers(q, query, 3, start, end, 60_000), new Engine().rangeQuerySteps(q, query, start, end, 60_000));
    else expect(() => new Engine().rangeQueryShard(q, query, start, end, 60_000, { index: 0, count: 2 })).toThrow(/does not split/);
  });

  it('shards partition the series: every series is in exactly one', () => {
    const engine = new Engine();
    const parts = [0, 1, 2].map((index) => engine.rangeQueryShard(q, 'load', start, end, 60_000, { index, count: 3 }).parts[0].labels);
    const names = parts.flat().map((l) => l.instance);
    expect(names.sort()).toEqual(['a:9100', 'b:9100', 'c:9100', 'd:9100', 'e:9100', 'f:9100', 'g:9100']);
    expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
  });

  it('series that match on labels share a shard: the key is what they match on', () => {
    expect(planShards(parseExpr('mem_avail / mem_total'))?.key).toBeUndefined();
    expect(planShards(parseExpr('fs_avail / on (mountpoint, instance) group_left fs_size'))?.key).toEqual(['instance', 'mountpoint']);
    expect(planShards(parseExpr('a / on (x, y) b + on (y) c'))?.key).toEqual(['y']);
    expect(planShards(parseExpr('a / ignoring (x) b'))).toBeUndefined();
  });

  it('fails as the whole query fails: two series with the same labels after rate() drops the name', () => {
    const dup = fleet();
    for (let t = T0; t < T0 + HOUR; t += 10_000) dup.add({ __name__: 'other_total', instance: 'a:9100', code: '200' }, t, t / 1000);
    const query = 'rate({__name__=~"req_total|other_total"}[5m])';
    expect(() => new Engine().rangeQuerySteps(dup, query, start, end, 60_000)).toThrow(/same labelset/);
    expect(() => answers(dup, query, 2, start, end, 60_000)).toThrow(/same labelset/);
  });

  it("reads avg's input once in each shard, as its sum does (the sum and count parts share it)", () => {
    const engine = new Engine();
    const read = (query: string) =>
      [0, 1].reduce((n, index) => {
        const stats = newQueryStats(() => 0);
        engine.rangeQueryShard(q, query, start, end, 60_000, { index, count: 2 }, { stats });
        return n + stats.samplesRead;
      }, 0);
    const sum = read('sum by (instance) (rate(req_total[5m]))');
    expect(sum).toBeGreaterThan(0);
    expect(read('avg by (instance) (rate(req_total[5m]))')).toBe(sum);
    expect(read('avg(load)')).toBe(read('sum(load)'));
  });

  it('holds the sample limit over all shards together', () => {
    const query = 'sum by (instance) (rate(req_total[5m]))';
    let total = 0;
    const counter: SampleCounter = { add: (n) => (total += n) };
    const whole = new Engine();
    whole.rangeQuerySteps(q, query, start, end, 60_000, { samples: counter });
    const needed = total;
    const engine = new Engine({ maxSamples: Math.ceil(needed * 0.75) });
    // Each shard alone holds less than the limit; together they hold more.
    total = 0;
    const one = engine.rangeQueryShard(q, query, start, end, 60_000, { index: 0, count: 2 }, { samples: counter });
    expect(one.parts[0].labels.length).toBeGreaterThan(0);
    let error: unknown;
    try {
      engine.rangeQueryShard(q, query, start, end, 60_000, { index: 1, count: 2 }, { samples: counter });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PromqlError);
    expect((error as PromqlError).type).toBe('too_many_samples');
  });
});
