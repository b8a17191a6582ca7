// Vectors from aggregators.test and functions.test (/work/shared/conformance/promql,
// cited as file:line of the `eval`), fed to the accumulators in the order the engine sees
// the series (sorted by labels), plus the edge cases behind them.

import { describe, expect, it } from 'vitest';
import {
  AverageAccumulator,
  SumAccumulator,
  VarianceAccumulator,
  compensatedVariance,
  kahanSumInc,
  maxStep,
  minStep,
  quantile,
  stddev,
  stdvar,
} from './aggregation-math.ts';
import { expectSample } from './testing/expect-sample.ts';

const BIG = 9.988465674311579e307;

function sum(values: number[]): number {
  const acc = new SumAccumulator();
  for (const v of values) acc.add(v);
  return acc.value();
}

function avg(values: number[]): number {
  const acc = new AverageAccumulator();
  for (const v of values) acc.add(v);
  return acc.value();
}

describe('kahanSumInc', () => {
  it('keeps the low-order part a plain sum loses', () => {
    let s = 0;
    let c = 0;
    for (const v of [1, 1e100, 1, -1e100]) [s, c] = kahanSumInc(v, s, c);
    expect(s + c).toBe(2);
    expect(1 + 1e100 + 1 - 1e100).toBe(0);
  });

  it('swaps roles when the increment is larger than the sum (Neumaier)', () => {
    const [s, c] = kahanSumInc(1e100, 1, 0);
    expect([s, c]).toEqual([1e100, 1]);
  });

  it('drops the compensation once the sum is infinite', () => {
    expect(kahanSumInc(Infinity, 1, 0.5)).toEqual([Infinity, 0]);
    expect(kahanSumInc(BIG, BIG, 1e290)).toEqual([Infinity, 0]);
  });
});

describe('SumAccumulator (sum aggregator)', () => {
  it('sums with compensation (aggregators.test:687, data{test="ten"} a, b, c, d)', () => {
    expect(sum([2, 8, 1e100, -1e100])).toBe(10);
  });

  it('handles infinities and NaN (aggregators.test:702-724)', () => {
    expect(sum([Infinity, 2])).toBe(Infinity);
    expect(sum([2, Infinity])).toBe(Infinity);
    expect(sum([-Infinity, 2])).toBe(-Infinity);
    expect(sum([Infinity, -Infinity])).toBeNaN();
    expect(sum([NaN, 2])).toBeNaN();
    expect(sum([2, NaN])).toBeNaN();
  });

  it('sums the simple corpus groups (aggregators.test:14, :49)', () => {
    expect(sum([300, 400])).toBe(700);
    expect(sum([100, 200, 300, 400])).toBe(1000);
  });
});

describe('AverageAccumulator (avg aggregator, avg_over_time)', () => {
  it('averages (aggregators.test:30, :627, :695)', () => {
    expect(avg([300, 400])).toBe(350);
    expect(avg([8, 10, 12])).toBe(10);
    expect(avg([2, 8, 1e100, -1e100])).toBe(2.5);
  });

  it('follows infinities without NaN unless both signs meet (aggregators.test:630-648)', () => {
    expect(avg([0, Infinity, 0, Infinity])).toBe(Infinity); // inf: a, b, c, d
    expect(avg([Infinity, 0, Infinity])).toBe(Infinity); // inf2
    expect(avg([-Infinity, -Infinity, 0])).toBe(-Infinity); // -inf
    expect(avg([-Infinity, 0, -Infinity])).toBe(-Infinity); // -inf2
    expect(avg([Infinity, Infinity, -Infinity])).toBeNaN(); // inf3
    expect(avg([-Infinity, Infinity, -Infinity])).toBeNaN(); // -inf3
    expect(avg([-Infinity, 0, Infinity])).toBeNaN(); // nan
    expect(avg([Infinity, 2])).toBe(Infinity); // :702
    expect(avg([2, -Infinity])).toBe(-Infinity); // :710
  });

  it('switches to the incremental mean instead of overflowing (aggregators.test:651-657)', () => {
    expect(avg([BIG, BIG, BIG, BIG])).toBe(BIG);
    expect(avg([-BIG, -BIG, -BIG, -BIG])).toBe(-BIG);
    expect(avg([-BIG, -BIG, BIG, BIG])).toBe(0);
  });

  it('is NaN with a NaN in the mix (aggregators.test:661, :724)', () => {
    expect(avg([8, 10, NaN, 12])).toBeNaN();
    expect(avg([NaN, 2])).toBeNaN();
  });

  it('averages twelve equal values exactly (aggregators.test:749-782)', () => {
    for (const n of [8, 9, 10, 11, 12]) expect(avg(Array(n).fill(52))).toBe(52);
  });

  it('is NaN when empty, the value itself for one', () => {
    expect(new AverageAccumulator().value()).toBeNaN();
    expect(avg([-0.5])).toBe(-0.5);
  });
});

describe('stdvar and stddev (aggregators)', () => {
  const all = [100, 200, 300, 400, 500, 600, 700, 800];

  it('compute the population variance (aggregators.test:184-194)', () => {
    expectSample(stddev(all), 229.12878474779);
    expect(stdvar(all)).toBe(52500);
    expectSample(stddev([100, 300, 500, 700]), 223.60679774998);
    expect(stdvar([200, 400, 600, 800])).toBe(50000);
  });

  it('are exactly 0 for equal values (aggregators.test:205-208)', () => {
    let v = 0;
    for (let i = 0; i < 10; i++) v += 1.33;
    expect(stddev([v, v, v])).toBe(0);
    expect(stdvar([v, v, v])).toBe(0);
  });

  it('ignore nothing but histograms: [1, 2] and single values (aggregators.test:805-825)', () => {
    expect(stddev([1, 2])).toBe(0.5);
    expect(stdvar([1, 2])).toBe(0.25);
    expect(stdvar([1])).toBe(0);
  });

  it('are NaN with a NaN or an infinity anywhere, even alone (aggregators.test:862-966)', () => {
    for (const values of [[1, 2, NaN], [NaN, 1, 2], [NaN], [1, 2, Infinity], [Infinity, 1, 2], [Infinity], [-Infinity]]) {
      expect(stdvar(values), String(values)).toBeNaN();
      expect(stddev(values), String(values)).toBeNaN();
    }
  });

  it('accumulate incrementally like the array forms', () => {
    const acc = new VarianceAccumulator();
    for (const v of all) acc.add(v);
    expect(acc.variance()).toBe(stdvar(all));
    expect(acc.stddev()).toBe(stddev(all));
    expect(new VarianceAccumulator().variance()).toBeNaN();
  });
});

describe('compensatedVariance (stdvar_over_time)', () => {
  it('matches the corpus (functions.test:1240, :1270)', () => {
    expectSample(compensatedVariance([0, 8, 8, 2, 3]), 10.56);
    expect(compensatedVariance([1.5990505637277868, 1.5990505637277868, 1.5990505637277868])).toBe(0);
  });

  it('reads only the first n values', () => {
    expect(compensatedVariance(Float64Array.from([1, 3, 1000]), 2)).toBe(1);
  });

  it('does not special-case a lone infinity, unlike the aggregator', () => {
    expect(compensatedVariance([Infinity])).toBeNaN();
    expect(compensatedVariance([5])).toBe(0);
  });
});

describe('quantile', () => {
  it('interpolates between ranks (aggregators.test:504, :513)', () => {
    expectSample(quantile(0.8, [0, 1]), 0.8);
    expectSample(quantile(0.8, [0, 1, 2]), 1.6);
    expectSample(quantile(0.8, [0, 1, 4]), 2.8);
  });

  it('ranks NaN lowest (aggregators.test:504, :513)', () => {
    expectSample(quantile(0.8, [0, 1, NaN]), 0.6);
    expect(quantile(0.2, [0, 1, NaN])).toBeNaN();
    expectSample(quantile(0.2, [0, 1]), 0.2);
    expectSample(quantile(0.2, [0, 1, 2]), 0.4);
    expectSample(quantile(0.2, [0, 1, 4]), 0.4);
  });

  it('saturates outside [0, 1] and is NaN for NaN φ or no values (aggregators.test:544)', () => {
    expect(quantile(-0.1, [1, 2])).toBe(-Infinity);
    expect(quantile(1.1, [1, 2])).toBe(Infinity);
    expect(quantile(NaN, [1, 2])).toBeNaN();
    expect(quantile(0.5, [])).toBeNaN();
    expect(quantile(-1, [])).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    expect(quantile(0.5, values)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
    expect(quantile(1, Float64Array.from([5, -1]))).toBe(5);
  });
});

describe('minStep and maxStep (min/max aggregators)', () => {
  it('replace a NaN so far, and otherwise keep NaN out', () => {
    expect([NaN, 3, NaN, 1].reduce(minStep)).toBe(1);
    expect([NaN, 3, NaN, 1].reduce(maxStep)).toBe(3);
    expect([NaN, NaN].reduce(maxStep)).toBeNaN();
    expect([2, -Infinity].reduce(minStep)).toBe(-Infinity);
  });
});
