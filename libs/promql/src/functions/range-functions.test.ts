// Vectors from the conformance corpus (/work/shared/conformance/promql/*.test, cited as
// file:line of the `eval`), evaluated the way the engine will call these functions: the
// series' points in (t - range, t], plus edge cases the corpus does not reach.

import { describe, expect, it } from 'vitest';
import { FunctionArgumentError, RANGE_FUNCTIONS } from './range-functions.ts';
import { expectSample } from './testing/expect-sample.ts';
import { load, makeWindow, ms, points, windowPoints, type Series } from './testing/series-notation.ts';

interface EvalOptions {
  args?: number[];
  metricName?: string;
  /** Selector offset, or @ time, as in the query. */
  offset?: string;
  at?: number;
}

function evaluate(fn: string, series: Series, time: string | number, range: string, opts: EvalOptions = {}) {
  const evalTime = typeof time === 'number' ? time : ms(time);
  let end = opts.at ?? evalTime;
  if (opts.offset !== undefined) end -= ms(opts.offset);
  const window = makeWindow(end, ms(range), opts.metricName, evalTime);
  const value = RANGE_FUNCTIONS[fn](windowPoints(series, end, ms(range)), window, opts.args ?? []);
  return { value, annotations: window.annotations };
}

function value(fn: string, series: Series, time: string | number, range: string, opts: EvalOptions = {}) {
  return evaluate(fn, series, time, range, opts).value;
}

describe('resets and changes', () => {
  // functions.test:2-4
  const foo = load('5m', '1 2 3 0 1 0 0 1 2 0');
  const bar = load('5m', '1 2 3 4 5 1 2 3 4 5');
  const biz = load('5m', '0 0 0 0 0 1 1 1 1 1');

  it('counts drops (functions.test:11-38)', () => {
    expect(value('resets', foo, '50m', '5m')).toBeUndefined(); // :11, empty window
    const cases: [string, number, number, number][] = [
      ['10m', 0, 0, 0], // :13
      ['20m', 1, 0, 0], // :23
      ['30m', 1, 0, 0], // :28
      ['32m', 2, 1, 0], // :33
      ['50m', 3, 1, 0], // :38
    ];
    for (const [range, f, b, z] of cases) {
      expect([value('resets', foo, '50m', range), value('resets', bar, '50m', range), value('resets', biz, '50m', range)]).toEqual([
        f,
        b,
        z,
      ]);
    }
  });

  it('counts value changes (functions.test:58-80)', () => {
    expect(value('changes', foo, '50m', '5m')).toBeUndefined(); // :58
    const cases: [string, number, number, number][] = [
      ['6m', 0, 0, 0], // :60
      ['20m', 2, 2, 0], // :65
      ['30m', 3, 4, 0], // :70
      ['50m', 7, 8, 1], // :75
    ];
    for (const [range, f, b, z] of cases) {
      expect([value('changes', foo, '50m', range), value('changes', bar, '50m', range), value('changes', biz, '50m', range)]).toEqual([
        f,
        b,
        z,
      ]);
    }
  });

  it('does not count NaN to NaN as a change (functions.test:108)', () => {
    expect(value('changes', load('5m', 'NaN NaN NaN'), '15m', '20m')).toBe(0);
    expect(value('changes', load('5m', '0 NaN 0'), '15m', '20m')).toBe(2);
  });
});

describe('increase, rate and delta', () => {
  it('extrapolates to the window edges or the counter zero point (functions.test:122, :135)', () => {
    const foo = load('5m', '0+10x10');
    const bar = load('5m', '0+18x5 0+18x5');
    const dings = load('5m', '10+10x10');
    const bumms = load('5m', '1+10x10');
    expect([foo, bar, dings, bumms].map((s) => value('increase', s, '50m', '50m'))).toEqual([100, 160, 100, 100]);
    const wide = [foo, bar, dings, bumms].map((s) => value('increase', s, '50m', '100m'));
    [100, 162, 105, 101].forEach((expected, i) => expectSample(wide[i], expected));
  });

  it('adds the value before each counter reset (functions.test:150)', () => {
    expectSample(value('increase', load('5m', '0 1 2 3 2 3 4'), '30m', '30m'), 7);
  });

  it('handles resets in the middle and at the end (functions.test:161-167)', () => {
    expectSample(value('rate', load('5m', '0+27x4 0+27x5'), '50m', '50m'), 0.08);
    const end = load('5m', '0+10x9 0 10');
    expect(value('rate', end, '50m', '5m')).toBeUndefined(); // one sample only
    expect(value('rate', end, '50m', '6m')).toBe(0);
  });

  it('is per second, and honours offset (functions.test:178, :181)', () => {
    expectSample(value('rate', load('5m', '0+80x10'), '50m', '50m'), 0.26666666666666666);
    expectSample(value('rate', load('5m', '0+10x10'), '50m', '10m', { offset: '5m' }), 0.03333333333333333);
    expectSample(value('rate', load('5m', '0+20x10'), '50m', '10m', { offset: '5m' }), 0.06666666666666667);
  });

  it('cuts extrapolation off at the zero point, up to half an interval (functions.test:198, :207)', () => {
    const starts = ['0+240x10', '60+240x10', '120+240x10', '180+240x10', '240+240x10', '300+240x10'];
    const early = starts.map((n) => value('rate', load('4m', n), '10m', '20m'));
    [0.5, 0.55, 0.6, 0.6, 0.6, 0.6].forEach((expected, i) => expectSample(early[i], expected));
    const late = starts.map((n) => value('rate', load('4m', n), '50m', '20m'));
    late.forEach((v) => expectSample(v, 0.6));
  });

  it('combines rates with @ (at_modifier.test:93)', () => {
    const job1 = value('rate', load('10s', '0+1x1000'), '25s', '100s', { at: 100_000 });
    const job2 = value('rate', load('10s', '0+2x1000'), '25s', '123s', { at: 200_000 });
    expectSample((job1 ?? NaN) + (job2 ?? NaN), 0.3);
  });

  it('delta keeps the sign and does not treat drops as resets (functions.test:285)', () => {
    expect(value('delta', load('5m', '0 50 100 150 200'), '20m', '20m')).toBe(200);
    expect(value('delta', load('5m', '200 150 100 50 0'), '20m', '20m')).toBe(-200);
  });

  it('needs two samples', () => {
    expect(RANGE_FUNCTIONS.rate(points([1000], [5]), makeWindow(1000, 60_000), [])).toBeUndefined();
    expect(RANGE_FUNCTIONS.increase(points([], []), makeWindow(1000, 60_000), [])).toBeUndefined();
  });

  it('treats a drop as a counter reset for increase but not for delta', () => {
    const p = points([10_000, 20_000], [10, 4]);
    // Counter: 10 -> 4 is a reset, so the increase is 4 over 10s, extrapolated by at most
    // the zero point (10 s before the 4): 4 * (10 + 5 + 0) / 10 with start 5 s before.
    expect(RANGE_FUNCTIONS.increase(p, makeWindow(20_000, 15_000), [])).toBeCloseTo(6, 12);
    expect(RANGE_FUNCTIONS.delta(p, makeWindow(20_000, 15_000), [])).toBeCloseTo(-9, 12);
  });

  it('propagates NaN and infinities', () => {
    // Only the end points and drops count, so an inner NaN (never a drop) is skipped over.
    expect(RANGE_FUNCTIONS.rate(points([0, 1000, 2000], [1, NaN, 3]), makeWindow(2000, 2000), [])).toBe(1);
    expect(RANGE_FUNCTIONS.rate(points([0, 1000, 2000], [1, 2, NaN]), makeWindow(2000, 2000), [])).toBeNaN();
    expect(RANGE_FUNCTIONS.delta(points([0, 1000], [0, Infinity]), makeWindow(1000, 1000), [])).toBe(Infinity);
  });
});

describe('counter annotation of rate and increase', () => {
  const counter = load('5m', '0+10x10');
  const message = 'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "http_requests"';

  it('flags names without a counter suffix', () => {
    for (const fn of ['rate', 'increase']) {
      expect(evaluate(fn, counter, '50m', '50m', { metricName: 'http_requests' }).annotations).toEqual([{ level: 'info', message }]);
    }
  });

  it('stays quiet for counter suffixes, dropped names, other functions and no output (functions.test:370 expects no_info)', () => {
    for (const name of ['x_total', 'x_sum', 'x_count', 'x_bucket', undefined]) {
      expect(evaluate('rate', counter, '50m', '50m', { metricName: name }).annotations).toEqual([]);
    }
    expect(evaluate('delta', counter, '50m', '50m', { metricName: 'http_requests' }).annotations).toEqual([]);
    expect(evaluate('rate', counter, '50m', '1m', { metricName: 'http_requests' }).annotations).toEqual([]);
  });
});

describe('irate and idelta', () => {
  it('uses the last two samples (functions.test:230, :236, :319)', () => {
    const foo = load('5m', '0+10x10');
    const bar = load('5m', '0+10x5 0+10x5');
    expectSample(value('irate', foo, '50m', '50m'), 0.03333333333333333);
    expectSample(value('irate', bar, '50m', '50m'), 0.03333333333333333);
    expectSample(value('irate', foo, '30m', '50m'), 0.03333333333333333);
    expect(value('irate', bar, '30m', '50m')).toBe(0); // the reset: 0 after 50
    expect(value('idelta', load('5m', '0 50 100 150'), '20m', '20m')).toBe(50);
    expect(value('idelta', load('5m', '0 50 100 50'), '20m', '20m')).toBe(-50);
  });

  it('carries NaN through (functions.test:241, :324)', () => {
    const nan = load('5m', '1 NaN NaN 5 11');
    const steps = ['0m', '5m', '10m', '15m', '20m'];
    const irate = steps.map((t) => value('irate', nan, t, '15m1s'));
    expect(irate.slice(0, 4)).toEqual([undefined, NaN, NaN, NaN]);
    expectSample(irate[4], 0.02);
    expect(steps.map((t) => value('idelta', nan, t, '15m1s'))).toEqual([undefined, NaN, NaN, NaN, 6]);
  });

  it('yields nothing for one sample or two at the same time', () => {
    expect(RANGE_FUNCTIONS.irate(points([0], [1]), makeWindow(0, 1000), [])).toBeUndefined();
    expect(RANGE_FUNCTIONS.idelta(points([5, 5], [1, 2]), makeWindow(5, 1000), [])).toBeUndefined();
  });
});

describe('deriv and predict_linear', () => {
  const resetMiddle = load('5m', '0+10x4 0+10x5');

  it('fits a least-squares line (functions.test:374, :379, :399)', () => {
    expectSample(value('deriv', load('5m', '0+80x10'), '50m', '50m'), 0.26666666666666666);
    expectSample(value('deriv', resetMiddle, '50m', '100m'), 0.010606060606060607);
    expect(value('deriv', load('5m', '-Inf 0+80x10 Inf'), '100m', '100m')).toBeNaN();
  });

  it('predicts from the step time, also under @ (functions.test:417-440)', () => {
    expectSample(value('predict_linear', resetMiddle, '50m', '50m', { args: [3600] }), 70);
    expectSample(value('predict_linear', resetMiddle, '50m', '55m', { args: [3600], at: 3_000_000 }), 76.81818181818181);
    expectSample(value('predict_linear', resetMiddle, '10m', '55m', { args: [3600], at: 3_000_000 }), 51.36363636363637);
    expectSample(value('predict_linear', resetMiddle, '70m', '55m', { args: [3600], at: 3_000_000 }), 89.54545454545455);
  });

  it('is NaN around infinities (functions.test:460)', () => {
    expect(value('predict_linear', load('5m', '-Inf 0+80x10 Inf'), '100m', '100m', { args: [6000] })).toBeNaN();
  });

  it('matches last value + deriv * t on a straight line (functions.test:466)', () => {
    const line = load('5m', '0+80x10');
    const predicted = value('predict_linear', line, '50m', '50m', { args: [3600] }) ?? NaN;
    const slope = value('deriv', line, '50m', '50m') ?? NaN;
    expectSample(predicted - (800 + slope * 3600), 0);
  });

  it('treats a constant series as exactly flat, and an infinite constant as NaN', () => {
    const flat = points([0, 1000, 2000], [0.1, 0.1, 0.1]);
    expect(RANGE_FUNCTIONS.deriv(flat, makeWindow(2000, 3000), [])).toBe(0);
    expect(RANGE_FUNCTIONS.predict_linear(flat, makeWindow(2000, 3000), [100])).toBe(0.1);
    expect(RANGE_FUNCTIONS.deriv(points([0, 1000], [Infinity, Infinity]), makeWindow(1000, 2000), [])).toBeNaN();
  });

  it('needs two samples', () => {
    expect(RANGE_FUNCTIONS.deriv(points([0], [1]), makeWindow(0, 1000), [])).toBeUndefined();
    expect(RANGE_FUNCTIONS.predict_linear(points([0], [1]), makeWindow(0, 1000), [60])).toBeUndefined();
  });

  it('falls back to the window end without an evaluation time', () => {
    const w = makeWindow(2000, 3000);
    expect(RANGE_FUNCTIONS.predict_linear(points([0, 1000, 2000], [0, 1, 2]), w, [1])).toBeCloseTo(3, 12);
  });
});

describe('double_exponential_smoothing', () => {
  const at = (notation: string) => value('double_exponential_smoothing', load('10s', notation), '8000s', '1m', { args: [0.01, 0.1] });

  it('follows positive trends (functions.test:898)', () => {
    expectSample(at('0+10x1000 100+30x1000'), 8000);
    expectSample(at('0+20x1000 200+30x1000'), 16000);
    expectSample(at('0+30x1000 300+80x1000'), 24000);
    expectSample(at('0+40x2000'), 32000);
  });

  it('follows negative trends (functions.test:926)', () => {
    expectSample(at('8000-10x1000'), 0);
    expectSample(at('0-20x1000'), -16000);
    expectSample(at('0+30x1000 300-80x1000'), 24000);
    expectSample(at('0-40x1000 0+40x1000'), -32000);
  });

  it('smooths the float samples of a mixed range (functions.test:913)', () => {
    const mixed = (notation: string) => value('double_exponential_smoothing', load('10s', notation), '20010s', '1m', { args: [0.01, 0.1] });
    expectSample(mixed('0+10x1000 100+30x1000'), 30100);
    expectSample(mixed('0+20x1000 200+30x1000'), 30200);
    expectSample(mixed('0+30x1000 300+80x1000'), 80300);
    expectSample(mixed('0+40x2000'), 80000);
  });

  it('rejects factors outside (0, 1) with upstream errors', () => {
    const p = points([0, 1000], [1, 2]);
    expect(() => RANGE_FUNCTIONS.double_exponential_smoothing(p, makeWindow(1000, 2000), [1, 0.5])).toThrow(
      'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
    );
    expect(() => RANGE_FUNCTIONS.double_exponential_smoothing(p, makeWindow(1000, 2000), [0.5, 0])).toThrow(
      'invalid trend factor. Expected: 0 < tf < 1, got: 0.000000',
    );
    expect(() => RANGE_FUNCTIONS.double_exponential_smoothing(p, makeWindow(1000, 2000), [-1, 0.5])).toThrow(FunctionArgumentError);
    // NaN is not rejected upstream (both comparisons are false); it just yields NaN.
    expect(RANGE_FUNCTIONS.double_exponential_smoothing(p, makeWindow(1000, 2000), [NaN, 0.5])).toBeNaN();
  });

  it('needs two samples', () => {
    expect(RANGE_FUNCTIONS.double_exponential_smoothing(points([0], [1]), makeWindow(0, 1000), [0.5, 0.5])).toBeUndefined();
  });
});

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
