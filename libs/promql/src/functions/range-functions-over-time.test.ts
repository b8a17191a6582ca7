// The *_over_time range functions (aggregates of a window's samples) and the list of range
// functions. Vectors from the conformance corpus (/work/shared/conformance/promql/*.test,
// cited as file:line of the `eval`), evaluated the way the engine will call these
// functions: the series' points in (t - range, t], plus edge cases the corpus does not reach.

import { describe, expect, it } from 'vitest';
import { RANGE_FUNCTIONS } from './range-functions.ts';
import { evaluate, value } from './testing/evaluate-range.ts';
import { expectSample } from './testing/expect-sample.ts';
import { load, makeWindow, points, type Series } from './testing/series-notation.ts';

describe('avg_over_time and sum_over_time', () => {
  // functions.test:935-950, all evaluated at 55s over [1m] unless noted.
  const cases: [string, string, number][] = [
    ['metric2', '1 2 3 4 Inf', Infinity], // :967
    ['metric3', '1 2 3 4 -Inf', -Infinity], // :973
    ['metric4', '1 2 3 Inf -Inf', NaN], // :979
    ['metric5', 'Inf 0 Inf', Infinity], // :985
    ['metric5c', 'Inf Inf Inf -Inf', NaN], // :997
    ['metric6', '1 2 3 -Inf -Inf', -Infinity], // :1003
    ['metric6b', '-Inf 0 -Inf', -Infinity], // :1009
    ['metric6c', '-Inf -Inf -Inf Inf', NaN], // :1015
    ['metric7', '1 2 -Inf -Inf Inf', NaN], // :1021
    ['metric8', '9.988465674311579e+307 9.988465674311579e+307', 9.988465674311579e307], // :1027
    ['metric9', '-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307', -9.988465674311579e307], // :1034
    ['metric10', '-9.988465674311579e+307 9.988465674311579e+307', 0], // :1041
  ];

  it('averages without overflowing (functions.test:954-1044)', () => {
    const metric = load('10s', '1 2 3 4 5');
    expect(value('avg_over_time', metric, '55s', '10s')).toBeUndefined(); // :954
    expect(value('avg_over_time', metric, '55s', '20s')).toBe(5); // :957
    expect(value('avg_over_time', metric, '55s', '1m')).toBe(3); // :961
    for (const [name, notation, expected] of cases) {
      expect(value('avg_over_time', load('10s', notation), '55s', '1m'), name).toBe(expected);
    }
  });

  it('sums with Kahan summation and overflows where the corpus says (functions.test:964-1044)', () => {
    const ratio = (notation: string) => {
      const s = load('10s', notation);
      return (value('sum_over_time', s, '55s', '1m') ?? NaN) / (value('count_over_time', s, '55s', '1m') ?? NaN);
    };
    expect(ratio('1 2 3 4 5')).toBe(3);
    expect(ratio('9.988465674311579e+307 9.988465674311579e+307')).toBe(Infinity); // :1031
    expect(ratio('-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307')).toBe(-Infinity); // :1038
    for (const [name, notation, expected] of cases.slice(0, 9)) expect(ratio(notation), name).toBe(expected);
    expect(ratio('-9.988465674311579e+307 9.988465674311579e+307')).toBe(0); // :1044
  });

  it('propagates NaN (functions.test:1048-1057)', () => {
    const s = load('10s', '1 2 3 NaN NaN');
    expect(value('avg_over_time', s, '20s', '1m')).toBe(2);
    expect(value('avg_over_time', s, '30s', '1m')).toBeNaN();
    expect(value('avg_over_time', s, '55s', '1m')).toBeNaN();
    expect(value('sum_over_time', s, '55s', '1m')).toBeNaN();
  });

  it('keeps small values next to huge ones (functions.test:1084, :1087)', () => {
    const s = load('10s', '1 1e100 1 -1e100');
    expect(value('sum_over_time', s, '1m', '2m')).toBe(2);
    expect(value('avg_over_time', s, '1m', '2m')).toBe(0.5);
  });

  it('matches the extreme-value averages (functions.test:1100-1149)', () => {
    const extreme: [string, number][] = [
      ['1e10 1e-6 1e-6 1e-6 1e-6 1e-6', 1.6666666666666675e9], // :1100
      ['5.30921651659898 0.961118537914768 1.62091361305318 0.865089463758091 0.323055185914577 0.951811357687154', 1.67186744582113], // :1103
      ['1.78264e50 0.76342771 1.9592258 7.69805412 458.90154', 3.56528e49], // :1106
      ['0.76342771 1.9592258 7.69805412 1.78264e50 458.90154', 3.56528e49], // :1109
      ['1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 458.90154', 3.76333333333333e219], // :1112
      ['-1.78264E+50 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154', 3.76333333333333e219], // :1123
      ['-1.78264E+50 0.76342771 1.9592258 -2.258E+220 7.69805412 -458.90154', -3.76333333333333e219], // :1126
      ['-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 -458.90154', 3.76330362266667e219], // :1129
      ['-1.78264E+215 0.76342771 1.9592258 2.258E+220 7.69805412 1.78264E+215 -458.90154', 3.225714285714286e219], // :1132
      [
        '-1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154',
        2.5088888888888888e219,
      ], // :1135
      ['-2.258E+220 -1.78264E+219 0.76342771 1.9592258 2.3757689E+217 -2.3757689E+217 2.258E+220 7.69805412 1.78264E+219 -458.90154', 0], // :1149
    ];
    for (const [notation, expected] of extreme) expectSample(value('avg_over_time', load('5s', notation), '55s', '1m'), expected);
  });

  it('averages a constant exactly (functions.test:1162-1189)', () => {
    const foo = load('10s', '52+0x100');
    for (const range of ['100s', '110s', '120s', '130s']) expect(value('avg_over_time', foo, '10m', range)).toBe(52);
  });

  it('sums dense windows exactly (functions.test:1197-1230)', () => {
    const dense = load('1ms', '1+0x4000');
    for (const n of [1000, 1001, 1002, 1003, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003]) {
      expect(value('sum_over_time', dense, '4s', `${n}ms`)).toBe(n);
    }
  });
});

describe('stddev_over_time, stdvar_over_time and mad_over_time', () => {
  it('computes the population variance (functions.test:1240-1246, :1270-1273)', () => {
    const s = load('10s', '0 8 8 2 3');
    expectSample(value('stdvar_over_time', s, '1m', '2m'), 10.56);
    expectSample(value('stddev_over_time', s, '1m', '2m'), 3.249615);
    const same = load('10s', '1.5990505637277868 1.5990505637277868 1.5990505637277868');
    expect(value('stdvar_over_time', same, '55s', '1m')).toBe(0);
    expect(value('stddev_over_time', same, '55s', '1m')).toBe(0);
  });

  it('is 0 for the floats of a mixed range (functions.test:1253)', () => {
    expect(value('stddev_over_time', load('10s', '1 1 1'), '1m', '2m')).toBe(0);
  });

  it('computes the median absolute deviation (functions.test:1287-1307)', () => {
    expect(value('mad_over_time', load('10s', '4 6 2 1 999 1 2'), '70s', '70s')).toBe(1);
    expect(value('mad_over_time', load('10s', '1 2 3 4 5'), '40s', '50s')).toBe(1);
    expect(value('mad_over_time', load('10s', '7 7 7 7 7'), '40s', '50s')).toBe(0);
    expect(value('mad_over_time', load('10s', '5'), '0s', '10s')).toBe(0);
    expect(value('mad_over_time', load('10s', '1 2 NaN 4'), '30s', '40s')).toBeNaN();
  });

  it('yields nothing for an empty window', () => {
    for (const fn of ['stddev_over_time', 'stdvar_over_time', 'mad_over_time']) {
      expect(RANGE_FUNCTIONS[fn](points([], []), makeWindow(0, 1000), [])).toBeUndefined();
    }
  });

  it('turns infinities into NaN', () => {
    expect(RANGE_FUNCTIONS.stdvar_over_time(points([0, 1], [1, Infinity]), makeWindow(1, 10), [])).toBeNaN();
  });
});

describe('min, max, first, last and their timestamps', () => {
  const data: [string, string, number, number, number, number][] = [
    // type, values, min, max, first, last (functions.test:1585, :1605, :1637, :1625; count :1649)
    ['numbers', '2 0 3', 0, 3, 2, 3],
    ['some_nan', '2 0 NaN', 0, 2, 2, NaN],
    ['some_nan2', '2 NaN 1', 1, 2, 2, 1],
    ['some_nan3', 'NaN 0 1', 0, 1, NaN, 1],
    ['only_nan', 'NaN NaN NaN', NaN, NaN, NaN, NaN],
  ];

  it('skip NaN unless all values are NaN (functions.test:1585-1649)', () => {
    for (const [type, notation, min, max, first, last] of data) {
      const s = load('10s', notation);
      expect(
        [
          value('min_over_time', s, '1m', '2m'),
          value('max_over_time', s, '1m', '2m'),
          value('first_over_time', s, '1m', '2m'),
          value('last_over_time', s, '1m', '2m'),
          value('count_over_time', s, '1m', '2m'),
        ],
        type,
      ).toEqual([min, max, first, last, 3]);
    }
  });

  it('handle sparse series (functions.test:1602, :1622, :1625-1649)', () => {
    const sparse = load('10s', '_ 5 2 _ 4 _');
    expect(value('min_over_time', sparse, '1m', '2m')).toBe(2);
    expect(value('max_over_time', sparse, '1m', '2m')).toBe(5);
    expect(value('first_over_time', sparse, '1m', '2m')).toBe(5);
    expect(value('last_over_time', sparse, '1m', '2m')).toBe(4);
    expect(value('count_over_time', sparse, '1m', '2m')).toBe(3);
  });

  it('return timestamps in seconds without rounding errors (functions.test:1324-1362)', () => {
    const metric = load('10s53ms', '1 2 3 0 5 6 2 1 4');
    expect(value('ts_of_min_over_time', metric, '90s', '90s')).toBe(30.159);
    expect(value('ts_of_max_over_time', metric, '90s', '90s')).toBe(50.265);
    const last = load('10s53ms', '1 2 3 _ _');
    expect(value('ts_of_last_over_time', last, '90s', '90s')).toBe(20.106);
    expect(value('ts_of_last_over_time', last, '95s', '90s')).toBe(20.106);
    const first = load('10s53ms', '_ _ 1 2 3 _ _');
    expect(value('ts_of_first_over_time', first, '90s', '90s')).toBe(20.106);
    expect(value('ts_of_first_over_time', first, '95s', '90s')).toBe(20.106);
    expect(value('ts_of_first_over_time', first, '15s', '90s')).toBeUndefined();
  });

  it('break timestamp ties toward the latest sample, value ties toward the earliest', () => {
    const p = points([1000, 2000, 3000], [1, 5, 1]);
    expect(RANGE_FUNCTIONS.ts_of_min_over_time(p, makeWindow(3000, 5000), [])).toBe(3);
    expect(RANGE_FUNCTIONS.ts_of_max_over_time(points([1000, 2000], [5, 5]), makeWindow(2000, 5000), [])).toBe(2);
    expect(Object.is(RANGE_FUNCTIONS.max_over_time(points([1, 2], [0, -0]), makeWindow(2, 5), []), 0)).toBe(true);
  });

  it('present_over_time and count_over_time count samples (functions.test:1877, :1890)', () => {
    const s = load('1m', '1+1x10');
    expect(value('present_over_time', s, '5m', '5m')).toBe(1);
    expect(value('present_over_time', s, '15m', '5m')).toBeUndefined();
    expect(value('count_over_time', s, '5m', '5m')).toBe(5);
  });
});

describe('quantile_over_time', () => {
  const two = load('10s', '0 1');
  const three = load('10s', '0 1 2');
  const uneven = load('10s', '0 1 4');
  const at = (q: number, s: Series) => evaluate('quantile_over_time', s, '1m', '2m', { args: [q] });

  it('interpolates between ranks (functions.test:1381-1409)', () => {
    const cases: [number, number, number, number][] = [
      [0, 0, 0, 0],
      [0.5, 0.5, 1, 1],
      [0.75, 0.75, 1.5, 2.5],
      [0.8, 0.8, 1.6, 2.8],
      [1, 1, 2, 4],
    ];
    for (const [q, a, b, c] of cases) {
      [at(q, two), at(q, three), at(q, uneven)].forEach((r, i) => {
        expectSample(r.value, [a, b, c][i]);
        expect(r.annotations).toEqual([]);
      });
    }
  });

  it('warns and saturates for φ outside [0, 1] (functions.test:1416, :1423)', () => {
    expect(at(-1, two)).toEqual({
      value: -Infinity,
      annotations: [{ level: 'warning', message: 'PromQL warning: quantile value should be between 0 and 1, got -1' }],
    });
    expect(at(2, uneven)).toEqual({
      value: Infinity,
      annotations: [{ level: 'warning', message: 'PromQL warning: quantile value should be between 0 and 1, got 2' }],
    });
    const nan = at(NaN, three);
    expect(nan.value).toBeNaN();
    expect(nan.annotations[0].message).toBe('PromQL warning: quantile value should be between 0 and 1, got NaN');
  });

  it('takes φ per step with @ (at_modifier.test:224)', () => {
    const metric = load('30s', '1 2 3 4 5');
    const phis = [0, 0.5, 1, 0.75];
    expect(phis.map((q, i) => value('quantile_over_time', metric, i * 30_000, '2m1s', { args: [q], at: 120_000 }))).toEqual([1, 3, 5, 4]);
  });

  it('yields nothing and no warning for an empty window', () => {
    const w = makeWindow(0, 1000);
    expect(RANGE_FUNCTIONS.quantile_over_time(points([], []), w, [2])).toBeUndefined();
    expect(w.annotations).toEqual([]);
  });
});

it('covers the float range functions of Prometheus 3.x', () => {
  expect(Object.keys(RANGE_FUNCTIONS).sort()).toEqual(
    [
      'avg_over_time',
      'changes',
      'count_over_time',
      'delta',
      'deriv',
      'double_exponential_smoothing',
      'first_over_time',
      'idelta',
      'increase',
      'irate',
      'last_over_time',
      'mad_over_time',
      'max_over_time',
      'min_over_time',
      'predict_linear',
      'present_over_time',
      'quantile_over_time',
      'rate',
      'resets',
      'stddev_over_time',
      'stdvar_over_time',
      'sum_over_time',
      'ts_of_first_over_time',
      'ts_of_last_over_time',
      'ts_of_max_over_time',
      'ts_of_min_over_time',
    ].sort(),
  );
});
