import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { STALE_NAN } from '@metrics-hub/wire';
import { Engine } from './engine.ts';
import { PromqlError } from './errors.ts';
import { parseExpr } from './parser.ts';
import { MemoryQueryable, type Queryable } from './queryable.ts';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;

function parseError(query: string): PromqlError {
  try {
    parseExpr(query);
  } catch (e) {
    if (e instanceof PromqlError) return e;
    throw e;
  }
  throw new Error(`${query} parsed`);
}

describe('parse errors say where and what', () => {
  it.each([
    ['sum(rate(foo[5m])', 1, 18, /unexpected end of input, expected "\)"/],
    ['foo{bar="x"', 1, 12, /unexpected end of input, expected "}"/],
    ['x +', 1, 4, /unexpected end of input, expected an expression after the operator/],
    ['x{a=}', 1, 5, /expected a quoted label value/],
    ['rate(foo)', 1, 6, /expected type range vector in call to function "rate", got instant vector/],
    ['1 > 2', 1, 1, /comparisons between scalars must use BOOL modifier/],
    ['{}', 1, 1, /vector selector must contain at least one non-empty matcher/],
    ['nosuchfn(x)', 1, 1, /unknown function with name "nosuchfn"/],
    ['sum(x) +\n  rate(y)', 2, 8, /expected type range vector/],
    ['x{a=~"("}', 1, 7, /regex "\(" is invalid/],
    ['x{a=~"ab(?=c)"}', 1, 9, /regex "ab\(\?=c\)" is invalid: .*`\(\?=` \(at character 3 of the regex\): RE2 .* has no lookaheads/],
    ['x{a=~`(a)\\1`}', 1, 10, /no backreferences/],
    ['topk(x, y)', 1, 6, /expected type scalar in aggregation parameter, got instant vector/],
    ['x and 1', 1, 1, /set operator "and" not allowed in binary scalar expression/],
    ['(x) offset 5m', 1, 1, /offset modifier must be preceded by an instant vector selector/],
  ])('%j', (query, line, column, message) => {
    const e = parseError(query);
    expect(e.type).toBe('bad_data');
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${line}:${column}: `)).toBe(true);
  });

  it('accepts what Prometheus accepts', () => {
    for (const q of [
      '-x @ 100',
      'a offset 1m or b offset 2m',
      '1./6.',
      '2.',
      'x[5m:]',
      'foo[step()]',
      'rate(x[5m] offset -1m)',
      'sum without () (x)',
      '{"metric.name"}',
    ]) {
      expect(() => parseExpr(q), q).not.toThrow();
    }
  });
});

describe('bounds', () => {
  const store = new MemoryQueryable();
  for (let s = 0; s < 20; s++) for (let i = 0; i < 600; i++) store.add({ __name__: 'm', s: String(s) }, i * 10_000, i);

  it('refuses to hold more samples than allowed, with a clear error', () => {
    const engine = new Engine({ maxSamples: 5_000 });
    expect(() => engine.rangeQuery(store, 'sum(rate(m[5m]))', 0, 6000_000, 60_000)).toThrow(
      /would load too many samples into memory.*limit 5000/,
    );
    try {
      engine.rangeQuery(store, 'sum(rate(m[5m]))', 0, 6000_000, 60_000);
    } catch (e) {
      expect((e as PromqlError).type).toBe('too_many_samples');
    }
    // The same query within the limit answers.
    expect(new Engine({ maxSamples: 1_000_000 }).rangeQuery(store, 'sum(rate(m[5m]))', 0, 6000_000, 60_000).data.resultType).toBe('matrix');
  });

  it('stops a query that runs past its timeout', () => {
    const engine = new Engine({ timeoutMs: -1 });
    try {
      engine.instantQuery(store, 'sum(m)', 600_000);
      expect.unreachable();
    } catch (e) {
      expect((e as PromqlError).type).toBe('timeout');
      expect((e as Error).message).toMatch(/query timed out/);
    }
  });

  it('refuses range queries with too many steps or a bad step', () => {
    const engine = new Engine();
    expect(() => engine.rangeQuery(store, 'm', 0, 1e9, 1)).toThrow(/exceeded maximum resolution of 11,000 points/);
    expect(() => engine.rangeQuery(store, 'm', 0, 1e6, 0)).toThrow(/zero or negative query resolution step/);
    expect(() => engine.rangeQuery(store, 'm[5m]', 0, 1e6, 1000)).toThrow(/invalid expression type "range vector" for range query/);
  });
});

describe('over the real store', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A day of counters (with a reset, a gap, a late start) and gauges, at 10 s with jitter. */
  function fill(store: TimeSeriesStore, memory: MemoryQueryable): void {
    for (let i = 0; i < 8640; i++) {
      const t = T0 + i * 10_000 + ((i * 7919) % 2000);
      const batch = [];
      for (let h = 0; h < 3; h++) {
        const counter = i === 4000 + h ? 0 : (i + 1) * (h + 1) * 2.5 - (i > 4000 + h ? 4000 * (h + 1) * 2.5 : 0);
        const gauge = Math.round(Math.sin(i / 100 + h) * 1000) / 10;
        const inGap = h === 2 && i > 6000 && i < 6100;
        if (!inGap) batch.push({ labels: { __name__: 'work_total', host: `h${h}` }, timestamps: [t], values: [counter] });
        // One more, started late and stopped early: other bucket bounds than its neighbours'.
        if (h === 0 && i >= 2000 && i < 7000)
          batch.push({ labels: { __name__: 'work_total', host: 'h3' }, timestamps: [t], values: [i * 1.5] });
        batch.push({ labels: { __name__: 'temperature', host: `h${h}` }, timestamps: [t], values: [i === 7000 ? STALE_NAN : gauge] });
      }
      store.append(batch);
      for (const b of batch) memory.add(b.labels, b.timestamps[0], b.values[0]);
    }
  }

  it('answers like the in-memory reference, and the same with and without rollups', () => {
    dir = mkdtempSync(join(tmpdir(), 'promql-store-'));
    const store = TimeSeriesStore.open({ path: join(dir, 'q.db'), chunkMaxSamples: 500 });
    const memory = new MemoryQueryable();
    fill(store, memory);
    let bucketReads = 0;
    const spy: Queryable = {
      select: (m, a, b) => store.select(m, a, b),
      selectBuckets: (m, a, b, r, hints) => {
        bucketReads++;
        // Streamed as the engine asks: each series decoded into the buffer of the one before.
        expect(hints?.streaming).toBe(true);
        return store.selectBuckets(m, a, b, r, hints);
      },
    };
    const raw = new Engine({ useRollups: false });
    const rolled = new Engine();
    const queries = [
      'rate(work_total[5m])',
      'increase(work_total[1h])',
      'sum by (host) (rate(work_total[2h]))',
      'count_over_time(work_total[1h])',
      'last_over_time(temperature[1h])',
      'avg_over_time(temperature[1h])',
      'sum_over_time(temperature[10m])',
      'min_over_time(temperature[1h])',
      'max_over_time(temperature[3h])',
      'temperature',
    ];
    for (const q of queries) {
      for (const [step, from] of [
        [MIN, T0 + HOUR],
        [HOUR, T0 + 3 * HOUR],
      ]) {
        const viaRaw = raw.rangeQuery(memory, q, from, T0 + 23 * HOUR, step);
        for (const answer of [
          raw.rangeQuery(store, q, from, T0 + 23 * HOUR, step),
          rolled.rangeQuery(spy, q, from, T0 + 23 * HOUR, step),
        ]) {
          expect(answer.data.resultType).toBe('matrix');
          if (answer.data.resultType !== 'matrix' || viaRaw.data.resultType !== 'matrix') continue;
          expect(
            answer.data.result.map((s) => s.metric),
            q,
          ).toEqual(viaRaw.data.result.map((s) => s.metric));
          answer.data.result.forEach((s, k) => {
            const want = (viaRaw.data as { result: { points: { t: number; v: number }[] }[] }).result[k].points;
            expect(
              s.points.map((p) => p.t),
              q,
            ).toEqual(want.map((p) => p.t));
            s.points.forEach((p, j) => {
              const w = want[j].v;
              expect(Math.abs(p.v - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${q} at ${p.t}: ${p.v} vs ${w}`).toBe(true);
            });
          });
        }
      }
    }
    // The rollup-capable functions did read buckets.
    expect(bucketReads).toBeGreaterThanOrEqual(16);
    store.close();
  });
});
