// Vectors from functions.test, trig_functions.test and aggregators.test
// (/work/shared/conformance/promql, cited as file:line of the `eval`).

import { describe, expect, it } from 'vitest';
import { INSTANT_FUNCTIONS, SCALAR_FUNCTIONS, goMax, goMin } from './instant-functions.ts';
import { expectSample } from './testing/expect-sample.ts';

function apply(fn: string, v: number, ...args: number[]): number | undefined {
  return INSTANT_FUNCTIONS[fn](v, args);
}

describe('clamp, clamp_min, clamp_max', () => {
  const data = [-50, 0, 100]; // functions.test:610-612

  it('bound values (functions.test:617-637)', () => {
    expect(data.map((v) => apply('clamp_max', v, 75))).toEqual([-50, 0, 75]);
    expect(data.map((v) => apply('clamp_min', v, -25))).toEqual([-25, 0, 100]);
    expect(data.map((v) => apply('clamp', v, -25, 75))).toEqual([-25, 0, 75]);
    expect(data.map((v) => apply('clamp_max', apply('clamp_min', v, -20) ?? NaN, 70))).toEqual([-20, 0, 70]);
  });

  it('return NaN for a NaN bound and nothing when min > max (functions.test:642-652)', () => {
    for (const v of data) {
      expect(apply('clamp', v, 0, NaN)).toBeNaN();
      expect(apply('clamp', v, NaN, 0)).toBeNaN();
      expect(apply('clamp', v, 5, -5)).toBeUndefined();
    }
  });

  it('clamp floats of a mixed series (functions.test:660-666)', () => {
    expect([1, 2, 3].map((v) => apply('clamp', v, 2, 5))).toEqual([2, 2, 3]);
    expect([1, 2, 3].map((v) => apply('clamp_min', v, 2))).toEqual([2, 2, 3]);
    expect([1, 2, 3].map((v) => apply('clamp_max', v, 2))).toEqual([1, 2, 2]);
  });

  it('follow Go min/max on NaN values and infinite bounds', () => {
    expect(apply('clamp_min', NaN, 1)).toBeNaN();
    expect(apply('clamp_min', NaN, Infinity)).toBe(Infinity);
    expect(apply('clamp_max', NaN, -Infinity)).toBe(-Infinity);
    expect(Object.is(apply('clamp', -0, 0, 0), 0)).toBe(true);
  });
});

describe('sgn, abs, ceil, floor, round', () => {
  // functions.test:1666-1674: positive, whole, negative, nwhole, zero, nzero, inf, ninf, nan
  const data = [2.5, 2, -2.5, -2, 0, -0, Infinity, -Infinity, NaN];

  it('sgn (functions.test:680)', () => {
    const sgn = [-Infinity, Infinity, NaN, -50, 0, 100].map((v) => apply('sgn', v));
    expect(sgn).toEqual([-1, 1, NaN, -1, 0, 1]);
    expect(Object.is(apply('sgn', -0), -0)).toBe(true);
  });

  it('abs, ceil, floor, round (functions.test:1677-1710)', () => {
    expect(data.map((v) => apply('abs', v))).toEqual([2.5, 2, 2.5, 2, 0, 0, Infinity, Infinity, NaN]);
    expect(data.map((v) => apply('ceil', v))).toEqual([3, 2, -2, -2, 0, -0, Infinity, -Infinity, NaN]);
    expect(data.map((v) => apply('floor', v))).toEqual([2, 2, -3, -2, 0, -0, Infinity, -Infinity, NaN]);
    expect(data.map((v) => apply('round', v))).toEqual([3, 2, -2, -2, 0, 0, Infinity, -Infinity, NaN]);
  });

  it('round rounds half up, to a given multiple (aggregators.test:130-179)', () => {
    // http_requests{group="production",job="api-server"} is 100 and 200 at 50m.
    const cases: [(x: number) => number, number | undefined, [number, number]][] = [
      [(x) => 0.004 * x, undefined, [0, 1]], // :130
      [(x) => -1 * (0.004 * x), undefined, [0, -1]], // :135
      [(x) => 0.005 * x, undefined, [1, 1]], // :140
      [(x) => -1 * (0.005 * x), undefined, [0, -1]], // :144
      [(x) => 1 + 0.005 * x, undefined, [2, 2]], // :148
      [(x) => -1 * (1 + 0.005 * x), undefined, [-1, -2]], // :152
      [(x) => 0.0005 * x, 0.1, [0.1, 0.1]], // :157
      [(x) => 2.1 + 0.0005 * x, 0.1, [2.2, 2.2]], // :161
      [(x) => 5.2 + 0.0005 * x, 0.1, [5.3, 5.3]], // :165
      [(x) => -1 * (5.2 + 0.0005 * x), 0.1, [-5.2, -5.3]], // :170
      [(x) => 0.025 * x, 5, [5, 5]], // :175
      [(x) => 0.045 * x, 5, [5, 10]], // :179
    ];
    for (const [input, toNearest, expected] of cases) {
      const args = toNearest === undefined ? [] : [toNearest];
      [100, 200].forEach((x, i) => expectSample(INSTANT_FUNCTIONS.round(input(x), args), expected[i]));
    }
  });
});

describe('exp, ln, sqrt, log2, log10 (functions.test:1924-2000)', () => {
  it('match the corpus at 10 and 20', () => {
    expectSample(apply('exp', 10), 22026.465794806718);
    expectSample(apply('exp', 20), 485165195.4097903);
    expect(apply('exp', 0)).toBe(1);
    expectSample(apply('exp', -10), 4.5399929762484854e-5);
    expectSample(apply('ln', 10), 2.302585092994046);
    expectSample(apply('ln', 20), 2.995732273553991);
    expectSample(apply('exp', apply('ln', 20) ?? NaN), 20);
    expectSample(apply('sqrt', 10), 3.1622776601683795);
    expectSample(apply('sqrt', 20), 4.47213595499958);
    expectSample(apply('log2', 10), 3.3219280948873626);
    expectSample(apply('log2', 20), 4.321928094887363);
    expect(apply('log10', 10)).toBe(1);
    expectSample(apply('log10', 20), 1.301029995663981);
  });

  it('give -Inf at 0 and NaN below (functions.test:1948-2000)', () => {
    for (const fn of ['ln', 'log2', 'log10']) {
      expect(apply(fn, 0), fn).toBe(-Infinity);
      expect(apply(fn, -10), fn).toBeNaN();
      expect(apply(fn, Infinity), fn).toBe(Infinity);
    }
  });

  it('log2 is exact at powers of two, including subnormals; log10 is Go ln(x)/ln(10)', () => {
    expect(apply('log2', 1024)).toBe(10);
    expect(apply('log2', 0.125)).toBe(-3);
    expect(apply('log2', 2 ** -1074)).toBe(-1074);
    // Go's math.Log10(1000) is 2.9999999999999996, not 3.
    expect(apply('log10', 1000)).toBe(Math.log(1000) * Math.LOG10E);
  });
});

describe('trigonometry (trig_functions.test)', () => {
  const trig = [10, 20, NaN];
  const cases: [string, number, (number | 'NaN')[]][] = [
    ['sin', 0, [-0.5440211108893699, 0.9129452507276277, 'NaN']], // :8
    ['cos', 0, [-0.8390715290764524, 0.40808206181339196, 'NaN']], // :13
    ['tan', 0, [0.6483608274590867, 2.2371609442247427, 'NaN']], // :18
    ['asin', -10.1, [-0.10016742116155944, 'NaN', 'NaN']], // :23
    ['acos', -10.1, [1.670963747956456, 'NaN', 'NaN']], // :28
    ['atan', 0, [1.4711276743037345, 1.5208379310729538, 'NaN']], // :33
    ['sinh', 0, [11013.232920103324, 2.4258259770489514e8, 'NaN']], // :38
    ['cosh', 0, [11013.232920103324, 2.4258259770489514e8, 'NaN']], // :43
    ['tanh', 0, [0.9999999958776927, 1, 'NaN']], // :48
    ['asinh', 0, [2.99822295029797, 3.6895038689889055, 'NaN']], // :53
    ['acosh', 0, [2.993222846126381, 3.6882538673612966, 'NaN']], // :58
    ['atanh', -10.1, [-0.10033534773107522, 'NaN', 'NaN']], // :63
    ['rad', 0, [0.17453292519943295, 0.3490658503988659, 'NaN']], // :68
    ['rad', -10, [0, 0.17453292519943295, 'NaN']], // :73
    ['rad', -20, [-0.17453292519943295, 0, 'NaN']], // :78
    ['deg', 0, [572.9577951308232, 1145.9155902616465, 'NaN']], // :83
    ['deg', -10, [0, 572.9577951308232, 'NaN']], // :88
    ['deg', -20, [-572.9577951308232, 0, 'NaN']], // :93
  ];

  it('matches the corpus values within its tolerance', () => {
    for (const [fn, shift, expected] of cases) {
      trig.forEach((v, i) => {
        const e = expected[i];
        expectSample(apply(fn, v + shift), e === 'NaN' ? NaN : e);
      });
    }
  });
});

describe('date functions', () => {
  const t = 1136239445; // 2006-01-02T22:04:05Z, a Monday

  it('read Unix seconds in UTC (functions.test:1453-1499)', () => {
    expect([0, t].map((v) => apply('year', v))).toEqual([1970, 2006]);
    expect([0, t].map((v) => apply('month', v))).toEqual([1, 1]);
    expect([0, t].map((v) => apply('day_of_month', v))).toEqual([1, 2]);
    expect([0, t].map((v) => apply('day_of_year', v))).toEqual([1, 2]);
    expect([0, t].map((v) => apply('day_of_week', v))).toEqual([4, 1]);
    expect([0, t].map((v) => apply('hour', v))).toEqual([0, 22]);
    expect([0, t].map((v) => apply('minute', v))).toEqual([0, 4]);
  });

  it('handle year ends and leap years (functions.test:1503-1531)', () => {
    expect(apply('year', 1230767999)).toBe(2008);
    expect(apply('year', 1230768000)).toBe(2009);
    expectSample((apply('month', 1456790399) ?? NaN) + (apply('day_of_month', 1456790399) ?? NaN) / 100, 2.29);
    expectSample((apply('month', 1456790400) ?? NaN) + (apply('day_of_month', 1456790400) ?? NaN) / 100, 3.01);
    expect(apply('day_of_year', 1483191420)).toBe(366);
    expect(apply('day_of_year', 1672493820)).toBe(365);
    expect(apply('days_in_month', 1454284800)).toBe(29);
    expect(apply('days_in_month', 1485907200)).toBe(28);
  });

  it('truncate fractions toward zero, like Go int64()', () => {
    expect(apply('minute', 59.9)).toBe(0);
    expect(apply('hour', -0.5)).toBe(0); // still 1970-01-01T00:00:00
    expect(apply('hour', -1.5)).toBe(23); // 1969-12-31T23:59:59
    expect(apply('year', -1)).toBe(1969);
    expect(apply('day_of_week', -86400)).toBe(3);
  });

  it('agree with Date across eras, centuries and month ends', () => {
    for (let sec = -62135596800; sec < 253402300800; sec += 77_777_777) {
      const d = new Date(sec * 1000);
      expect(apply('year', sec)).toBe(d.getUTCFullYear());
      expect(apply('month', sec)).toBe(d.getUTCMonth() + 1);
      expect(apply('day_of_month', sec)).toBe(d.getUTCDate());
      expect(apply('day_of_week', sec)).toBe(d.getUTCDay());
      expect(apply('hour', sec)).toBe(d.getUTCHours());
      expect(apply('days_in_month', sec)).toBe(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate());
    }
  });

  it('go beyond the Date range as Go time does, and take NaN as the minimum int64', () => {
    expect(apply('year', 1e15)).toBe(31690708);
    expect(apply('month', 1e15)).toBe(7);
    expect(apply('day_of_month', 1e15)).toBe(5);
    expect(apply('day_of_week', 1e15)).toBe(0);
    // int64(NaN) on amd64 is -2^63 s, some 292 billion years before the epoch.
    // (Proleptic Gregorian year of -2^63 s, checked with a 400-year-cycle reduction.)
    expect(apply('year', NaN)).toBe(-292277022657);
    expect(apply('year', Infinity)).toBe(-292277022657);
    expect(apply('year', -(2 ** 63))).toBe(-292277022657);
    expect(apply('month', -Infinity)).toBe(1);
    expect(apply('day_of_month', 2 ** 64)).toBe(27);
  });
});

describe('min_of and max_of (functions.test:2221-2264)', () => {
  it('pick the smaller or larger scalar', () => {
    expect(SCALAR_FUNCTIONS.min_of(3, 5)).toBe(3);
    expect(SCALAR_FUNCTIONS.min_of(5, 3)).toBe(3);
    expect(SCALAR_FUNCTIONS.max_of(3, 5)).toBe(5);
    expect(SCALAR_FUNCTIONS.max_of(4, 4)).toBe(4);
    expect(SCALAR_FUNCTIONS.min_of(-2, -5)).toBe(-5);
    expect(SCALAR_FUNCTIONS.max_of(-2, -5)).toBe(-2);
    expect(SCALAR_FUNCTIONS.min_of(0, 1)).toBe(0);
    expect(SCALAR_FUNCTIONS.max_of(0, 1)).toBe(1);
  });

  it('propagate NaN, except that an infinity in the right direction wins as in Go', () => {
    expect(SCALAR_FUNCTIONS.min_of(NaN, 3)).toBeNaN();
    expect(SCALAR_FUNCTIONS.min_of(3, NaN)).toBeNaN();
    expect(SCALAR_FUNCTIONS.max_of(NaN, 3)).toBeNaN();
    expect(SCALAR_FUNCTIONS.max_of(3, NaN)).toBeNaN();
    expect(goMax(NaN, Infinity)).toBe(Infinity);
    expect(goMin(-Infinity, NaN)).toBe(-Infinity);
    expect(Object.is(goMin(0, -0), -0)).toBe(true);
    expect(Object.is(goMax(-0, 0), 0)).toBe(true);
  });
});

it('covers the elementwise float functions of Prometheus 3.x', () => {
  expect(Object.keys(INSTANT_FUNCTIONS).sort()).toEqual(
    [
      'abs',
      'acos',
      'acosh',
      'asin',
      'asinh',
      'atan',
      'atanh',
      'ceil',
      'clamp',
      'clamp_max',
      'clamp_min',
      'cos',
      'cosh',
      'day_of_month',
      'day_of_week',
      'day_of_year',
      'days_in_month',
      'deg',
      'exp',
      'floor',
      'hour',
      'ln',
      'log10',
      'log2',
      'minute',
      'month',
      'rad',
      'round',
      'sgn',
      'sin',
      'sinh',
      'sqrt',
      'tan',
      'tanh',
      'year',
    ].sort(),
  );
});
