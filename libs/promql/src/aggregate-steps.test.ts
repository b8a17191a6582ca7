// sum, avg, min, max, count and group are computed member by member over all steps; each
// step must still get the floats of folding its own values in member order, as the
// per-step code does (below, as it was; avg's is the engine's own per-step `average`): compared bit for bit, overflow and NaN included.
import { describe, expect, it } from 'vitest';
import { average } from './aggregate.ts';
import { Engine } from './engine.ts';
import { kahanSumInc } from './functions/index.ts';
import { MemoryQueryable } from './queryable.ts';

function perStep(op: string, values: number[]): number {
  switch (op) {
    case 'sum': {
      let sum = 0;
      let c = 0;
      for (const v of values) [sum, c] = kahanSumInc(v, sum, c);
      return sum + c;
    }
    case 'avg':
      return average(values);
    case 'min':
    case 'max': {
      let m = values[0];
      for (const v of values) if ((op === 'min' ? m > v : m < v) || m !== m) m = v;
      return m;
    }
    case 'count':
      return values.length;
    default:
      return 1;
  }
}

describe('aggregations member by member', () => {
  it.each(['sum', 'avg', 'min', 'max', 'count', 'group'])('%s gives each step the floats of its own values in order', (op) => {
    const store = new MemoryQueryable();
    const steps = 200;
    const special = [NaN, Infinity, -Infinity, 1.7e308, -1.7e308, 0.1, -0.0];
    let x = 1;
    for (let s = 0; s < 12; s++) {
      for (let i = 0; i < steps; i++) {
        x = (x * 48271) % 2147483647;
        if (x % 5 === 0) continue; // gaps: the series has no value at some steps
        const v = x % 11 === 0 ? special[x % special.length] : (x % 1000) / 7 - 60;
        store.add({ __name__: 'm', s: String(s).padStart(2, '0'), g: String(s % 3) }, i * 60_000, v);
      }
    }
    const engine = new Engine({ lookbackDeltaMs: 1 });
    const got = engine.rangeQuery(store, `${op} by (g) (m)`, 0, (steps - 1) * 60_000, 60_000).data;
    const members = engine.rangeQuery(store, 'm', 0, (steps - 1) * 60_000, 60_000).data;
    if (got.resultType !== 'matrix' || members.resultType !== 'matrix') throw new Error('expected matrices');
    for (const group of got.result) {
      const mine = members.result.filter((m) => m.metric.g === group.metric.g);
      for (const p of group.points) {
        const values = mine.flatMap((m) => m.points.filter((q) => q.t === p.t).map((q) => q.v));
        expect([p.t, Object.is(p.v, perStep(op, values))]).toEqual([p.t, true]);
      }
    }
  });
});
