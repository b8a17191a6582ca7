// A query cannot take more memory than its sample limit allows, nor run much past its
// timeout, whatever part of the evaluation the work is in.
import { describe, expect, it } from 'vitest';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { tempDir } from '@metrics-hub/testing';
import { Engine } from './engine.ts';
import { PromqlError } from './errors.ts';
import { MemoryQueryable } from './queryable.ts';

const STEP = 60_000;
const STEPS = 10_800;
const END = STEPS * STEP;

function failure(run: () => unknown): PromqlError {
  try {
    run();
  } catch (e) {
    if (e instanceof PromqlError) return e;
    throw e;
  }
  throw new Error('the query answered');
}

/** Highest resident memory of this process so far, in bytes. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

describe('the sample limit counts the series a query creates', () => {
  // A counter whose value differs at every step: count_values makes a series per value.
  const store = new MemoryQueryable();
  for (let i = 0; i <= STEPS; i++) store.add({ __name__: 'requests_total', job: 'api' }, i * STEP, i);

  it('count_values over 10,800 steps of distinct values is refused before its series exist', () => {
    // 10,801 series of 10,801 steps: 117 M samples, about 1 GiB. The limit (Prometheus's
    // default, 50 M) refuses it while the series are only counted: memory stays small.
    const before = peakRss();
    const e = failure(() => new Engine().rangeQuery(store, 'count_values("value", requests_total)', 0, END, STEP));
    expect(e.type).toBe('too_many_samples');
    expect(e.message).toMatch(/^query processing would load too many samples into memory in query execution \(limit 50000000\)/);
    // Generous: guards against the series being allocated (then it is past 1 GiB).
    expect(peakRss() - before).toBeLessThan(256 * 2 ** 20);
    // The same with few distinct values answers.
    const few = new Engine().rangeQuery(store, 'count_values("parity", requests_total % 2)', 0, END, STEP);
    expect(few.data.resultType === 'matrix' && few.data.result.map((s) => s.metric)).toEqual([{ parity: '0' }, { parity: '1' }]);
  });

  it.each([
    // Each output series of these is new: it counts like one.
    ['label_replace', 'label_replace(requests_total, "copy", "$1", "job", "(.*)")'],
    ['label_join', 'label_join(requests_total, "copy", ",", "job", "job")'],
    ['an aggregation', 'sum by (job) (requests_total)'],
    ['a binary operation', 'requests_total * 2'],
    ['a function', 'abs(requests_total)'],
    ['topk', 'topk(1, requests_total)'],
  ])('%s counts its output', (_name, query) => {
    // The selector alone holds its 10,801 raw samples and 10,801 step slots; the result is as much again.
    const limit = 2 * (STEPS + 1) + 10;
    expect(() => new Engine({ maxSamples: limit }).rangeQuery(store, 'requests_total', 0, END, STEP)).not.toThrow();
    expect(failure(() => new Engine({ maxSamples: limit }).rangeQuery(store, query, 0, END, STEP)).type).toBe('too_many_samples');
  });

  it('label text a query writes counts, so "$1$1$1..." cannot blow up memory', () => {
    const wide = new MemoryQueryable();
    for (let s = 0; s < 1_000; s++) wide.add({ __name__: 'x', instance: `host-${s}.example.org:9100`.padEnd(64, '-') }, 0, s);
    const query = `label_replace(x, "blown", "${'$1'.repeat(2_000)}", "instance", "(.*)")`;
    // 1,000 series x 128,000 characters = 256 MB of text (as UTF-16) where the limit allows 16 MB.
    const e = failure(() => new Engine({ maxSamples: 1_000_000 }).instantQuery(wide, query, 60_000));
    expect(e.type).toBe('too_many_samples');
  });

  it('a subquery at a 1 s step over years is refused before its steps are listed', () => {
    const e = failure(() => new Engine().instantQuery(store, 'max_over_time(vector(1)[10y:1s])', END));
    expect(e.type).toBe('too_many_samples');
  });
});

describe('every query honours its timeout, wherever its work is', () => {
  // Generous bounds: each of these runs for minutes when the clock is not looked at
  // inside the loop; the test guards that the answer comes long before that.
  it.each([
    // A range function over 600,000-point windows at 10,800 steps.
    ['a range function over long windows', 'quantile_over_time(0.5, vector(1)[7d:1s])'],
    ['the same inside an aggregation', 'sum(mad_over_time(vector(time())[7d:1s]))'],
  ])('%s stops with a timeout', (_name, query) => {
    const started = performance.now();
    const e = failure(() => new Engine({ timeoutMs: 1_000 }).rangeQuery(new MemoryQueryable(), query, 0, END, STEP));
    expect(e.type).toBe('timeout');
    expect(e.message).toBe('query timed out after 1000 ms: narrow the query or raise the timeout');
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('topk over many series at many steps stops with a timeout', () => {
    const many = new MemoryQueryable();
    for (let s = 0; s < 3_000; s++)
      for (let i = 0; i <= 100; i++) many.add({ __name__: 'm', s: String(s) }, i * 100 * STEP, (s * 7919) % 1000);
    const started = performance.now();
    const e = failure(() => new Engine({ timeoutMs: 500 }).rangeQuery(many, 'topk(5, m) and bottomk(5, m)', 0, END, STEP));
    expect(e.type).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('the store tells the engine of every series it reads, so a long selection stops at the deadline', () => {
    const dir = tempDir('promql-limits-');
    const store = TimeSeriesStore.open({ path: dir.file('s.db') });
    try {
      const t = Date.now() - 60_000;
      store.append(Array.from({ length: 500 }, (_, s) => ({ labels: { __name__: 'm', s: String(s) }, timestamps: [t], values: [s] })));
      let ticks = 0;
      expect(store.select([{ type: '=', name: '__name__', value: 'm' }], t - 1, t + 1, { tick: (n) => void (ticks += n) })).toHaveLength(
        500,
      );
      expect(ticks).toBe(500);
      expect(() =>
        store.select([{ type: '=', name: '__name__', value: 'm' }], t - 1, t + 1, {
          tick: () => {
            throw new PromqlError('timeout', 'past the deadline');
          },
        }),
      ).toThrow('past the deadline');
    } finally {
      store.close();
      dir.remove();
    }
  });
});
