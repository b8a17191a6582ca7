// The range functions of change over a window (resets, changes, increase, rate, delta,
// irate, idelta, deriv, predict_linear, double_exponential_smoothing). Vectors from the
// conformance corpus (/work/shared/conformance/promql/*.test, cited as file:line of the
// `eval`), evaluated the way the engine will call these functions: the series' points in
// (t - range, t], plus edge cases the corpus does not reach.

import { describe, expect, it } from 'vitest';
import { FunctionArgumentError, RANGE_FUNCTIONS } from './range-functions.ts';
import { evaluate, value } from './testing/evaluate-range.ts';
import { expectSample } from './testing/expect-sample.ts';
import { load, makeWindow, points } from './testing/series-notation.ts';

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
