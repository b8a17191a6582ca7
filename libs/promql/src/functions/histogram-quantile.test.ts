// Classic-histogram vectors from histograms.test (/work/shared/conformance/promql, cited
// as file:line of the `eval`); bucket counts are the loaded series' values at the eval time.

import { describe, expect, it } from 'vitest';
import { bucketFraction, bucketQuantile, formatOpenMetricsFloat, type Bucket } from './histogram-quantile.ts';
import { RANGE_FUNCTIONS } from './range-functions.ts';
import { expectSample } from './testing/expect-sample.ts';
import { load, makeWindow, windowPoints } from './testing/series-notation.ts';

function buckets(spec: [number, number][]): Bucket[] {
  return spec.map(([upperBound, count]) => ({ upperBound, count }));
}

const Inf = Infinity;
// histograms.test:8-16 at 50m (0+Nx10 is 10·N).
const positive = buckets([
  [0.1, 50],
  [0.2, 70],
  [1, 110],
  [Inf, 120],
]);
const negative = buckets([
  [-0.2, 10],
  [-0.1, 20],
  [0.3, 20],
  [Inf, 30],
]);
// histograms.test:30-42 at 50m.
const positive3 = buckets([
  [0, 0],
  [0.1, 50],
  [0.2, 70],
  [1, 110],
  [Inf, 110],
]);
const negative3 = buckets([
  [-0.25, 0],
  [-0.2, 10],
  [-0.1, 20],
  [0.3, 20],
  [Inf, 20],
]);

const q = (phi: number, bs: Bucket[]) => bucketQuantile(phi, bs).value;

describe('bucketQuantile', () => {
  it('interpolates inside buckets, from 0 in a positive lowest bucket (histograms.test:556-596, :614)', () => {
    const expected: [number, number, number][] = [
      [0, 0, -0.25],
      [0.25, 0.055, -0.225],
      [0.5, 0.125, -0.2],
      [0.75, 0.45, -0.15],
      [1, 1, -0.1],
    ];
    for (const [phi, pos, neg] of expected) {
      expectSample(q(phi, positive3), pos);
      expectSample(q(phi, negative3), neg);
    }
  });

  it('returns the lowest bound when it is not positive, the second highest for the +Inf bucket (histograms.test:714-758)', () => {
    expect([q(0, positive), q(0, negative)]).toEqual([0, -0.2]);
    expect([q(1, positive), q(1, negative)]).toEqual([1, 0.3]);
    expectSample(q(0.2, positive), 0.048);
    expectSample(q(0.2, negative), -0.2);
    expectSample(q(0.5, positive), 0.15);
    expectSample(q(0.5, negative), -0.15);
    expectSample(q(0.8, positive), 0.72);
    expectSample(q(0.8, negative), 0.3);
  });

  it('saturates for φ outside [0, 1] and is NaN for NaN φ (histograms.test:642, :664, :686)', () => {
    for (const bs of [positive, negative]) {
      expect(q(-0.1, bs)).toBe(-Infinity);
      expect(q(1.01, bs)).toBe(Infinity);
      expect(q(NaN, bs)).toBeNaN();
    }
    expect(q(-0.1, [])).toBe(-Infinity);
  });

  it('works on rates of the bucket series (histograms.test:769-789)', () => {
    const rates = (spec: [number, string][]) =>
      spec.map(([upperBound, notation]) => ({
        upperBound,
        count: RANGE_FUNCTIONS.rate(windowPoints(load('5m', notation), 3_000_000, 600_000), makeWindow(3_000_000, 600_000), []) ?? NaN,
      }));
    const pos = rates([
      [0.1, '0+5x10'],
      [0.2, '0+7x10'],
      [1, '0+11x10'],
      [Inf, '0+12x10'],
    ]);
    const neg = rates([
      [-0.2, '0+1x10'],
      [-0.1, '0+2x10'],
      [0.3, '0+2x10'],
      [Inf, '0+3x10'],
    ]);
    expectSample(q(0.2, pos), 0.048);
    expectSample(q(0.2, neg), -0.2);
    expectSample(q(0.5, pos), 0.15);
    expectSample(q(0.5, neg), -0.15);
    expectSample(q(0.8, pos), 0.72);
    expectSample(q(0.8, neg), 0.3);
  });

  it('lands in the middle of buckets (histograms.test:800-840)', () => {
    const at7m = buckets([
      [0, 0],
      [2, 1],
      [4, 2],
      [6, 3],
      [Inf, 3],
    ]);
    expectSample(q(1 / 6, at7m), 1);
    expectSample(q(0.5, at7m), 3);
    expectSample(q(5 / 6, at7m), 5);
  });

  it('aggregated request durations (histograms.test:851-975)', () => {
    // sum by (le) of rate(...[10m]) at 50m; the common 1/300 factor cancels out.
    const sum = buckets([
      [0.1, 10 / 300],
      [0.2, 19 / 300],
      [Inf, 25 / 300],
    ]);
    expectSample(q(0.3, sum), 0.075);
    expectSample(q(0.5, sum), 0.1277777777777778);
    const avg = buckets([
      [0.1, 10 / 1200],
      [0.2, 19 / 1200],
      [Inf, 25 / 1200],
    ]);
    expectSample(q(0.5, avg), 0.12777777777777778);
    const byJob: [number[], number, number][] = [
      [[3, 8, 10], 0.1, 0.14],
      [[7, 11, 15], 0.0642857142857143, 0.1125],
    ];
    const byInstance: [number[], number, number][] = [
      [[1, 3, 4], 0.11, 0.15],
      [[2, 5, 6], 0.09, 0.13333333333333333],
      [[3, 4, 6], 0.06, 0.1],
      [[4, 7, 9], 0.0675, 0.11666666666666667],
    ];
    for (const [[a, b, c], q3, q5] of [...byJob, ...byInstance]) {
      const bs = buckets([
        [0.1, a / 300],
        [0.2, b / 300],
        [Inf, c / 300],
      ]);
      expectSample(q(0.3, bs), q3);
      expectSample(q(0.5, bs), q5);
    }
  });

  it('forces monotonicity and reports where (histograms.test:1025-1037)', () => {
    // nonmonotonic_bucket at 50m: 20 10 50 40 90 80 for le 0.1 1 10 100 1000 +Inf.
    const bs = buckets([
      [0.1, 20],
      [1, 10],
      [10, 50],
      [100, 40],
      [1000, 90],
      [Inf, 80],
    ]);
    const results = [0.01, 0.5, 0.99].map((phi) => bucketQuantile(phi, bs));
    [0.0045, 8.5, 979.75].forEach((v, i) => expectSample(results[i].value, v));
    expect(results[1]).toMatchObject({ forcedMonotonic: true, fixedPrecision: false, minBucket: 1, maxBucket: Inf, maxDiff: 10 });
  });

  it('only equalises float noise, without flagging it', () => {
    const noisy = buckets([
      [1, 10],
      [2, 10 - 1e-12],
      [Inf, 20],
    ]);
    expect(bucketQuantile(0.5, noisy)).toEqual({
      value: 1,
      forcedMonotonic: false,
      fixedPrecision: true,
      minBucket: Inf,
      maxBucket: -Inf,
      maxDiff: 0,
    });
  });

  it('merges equal bounds written differently (histograms.test:1044-1056)', () => {
    // mixed_bucket: le 0.1, 0.2, 2e-1, 2.0e-1 and +Inf, rates 1 1 1 1 4 (per 300 s).
    const bs = buckets([
      [0.1, 1],
      [0.2, 1],
      [0.2, 1],
      [0.2, 1],
      [Inf, 4],
    ]);
    expectSample(q(0.5, bs), 0.15);
    expectSample(q(0.75, bs), 0.2);
    expectSample(q(1, bs), 0.2);
    expect(
      q(
        0.5,
        buckets([
          [Inf, 0],
          [Inf, 0],
        ]),
      ),
    ).toBeNaN(); // le="+inf" and le="+Inf"
  });

  it('is NaN without observations, without +Inf or with one bucket (histograms.test:1065, :1107)', () => {
    expect(
      q(
        0.2,
        buckets([
          [0.1, 0],
          [0.2, 0],
          [Inf, 0],
        ]),
      ),
    ).toBeNaN();
    expect(
      q(
        1,
        buckets([
          [0, 0],
          [1, 0],
          [2, 0],
          [Inf, 0],
        ]),
      ),
    ).toBeNaN();
    expect(
      q(
        0.5,
        buckets([
          [0.1, 1],
          [0.2, 2],
        ]),
      ),
    ).toBeNaN();
    expect(q(0.5, buckets([[Inf, 5]]))).toBeNaN();
    expect(q(0.5, [])).toBeNaN();
  });

  it('sorts a copy of its input', () => {
    const input = buckets([
      [Inf, 120],
      [0.2, 70],
      [1, 110],
      [0.1, 50],
    ]);
    expectSample(q(0.2, input), 0.048);
    expect(input.map((b) => b.upperBound)).toEqual([Inf, 0.2, 1, 0.1]);
  });
});

describe('bucketFraction', () => {
  const at = (lower: number, upper: number, spec: [number, number][]) => bucketFraction(lower, upper, buckets(spec));
  const oneTwoThree: [number, number][] = [
    [1, 1],
    [2, 3],
    [3, 6],
    [Inf, 100],
  ];
  const negatives: [number, number][] = [
    [-3, 10],
    [-2, 12],
    [-1, 15],
    [Inf, 100],
  ];

  it('matches the corpus (histograms.test:119-156)', () => {
    const h2: [number, number][] = [
      [0, 0],
      [2, 10],
      [4, 20],
      [6, 30],
      [Inf, 30],
    ];
    expectSample(at(0, 4, h2), 0.6666666666666666);
    expectSample(at(0, 6, h2), 1);
    expectSample(at(0, 3.5, h2), 0.5833333333333334);
    expectSample(bucketFraction(0, 0.2, positive3), 0.6363636363636364);
    expect(bucketFraction(0, 0.2, negative3)).toBe(0);
  });

  it('handles bounds at, beyond and between buckets (histograms.test:172-533)', () => {
    const cases: [number, number, [number, number][], number][] = [
      [0, 1.5, oneTwoThree, 0.02], // :172
      [-4, -2, negatives, 0.02], // :191
      [-Inf, -1.5, negatives, 0.135], // :211
      [-Inf, Inf, oneTwoThree, 1], // :228
      [-Inf, Inf, negatives, 1], // :245
      [4, 5, oneTwoThree, 0], // :263
      [0, 1, negatives, 0], // :281
      [2, 5, oneTwoThree, 0.03], // :300
      [400, Inf, oneTwoThree, 0.94], // :318
      [2, 2, oneTwoThree, 0], // :335
      [3, 2, oneTwoThree, 0], // :350
      [0, 1, [[Inf, 100]], 0], // :365
      [2, 3.5, oneTwoThree, 0.03], // :399
      [0.5, 2, oneTwoThree, 0.025], // :418
      [1, 3, oneTwoThree, 0.05], // :437
      [
        0.1,
        0.75,
        [
          [0.5, 2.5],
          [1, 7.5],
          [Inf, 100],
        ],
        0.045,
      ], // :455
      [
        -1,
        1,
        [
          [-2, 5],
          [-1, 10],
          [0, 15],
          [1, 20],
          [Inf, 100],
        ],
        0.1,
      ], // :475
      [
        -10,
        -5,
        [
          [1, 1],
          [2, 3],
          [Inf, 10],
        ],
        0,
      ], // :515
      [
        5,
        10,
        [
          [1, 1],
          [2, 3],
          [Inf, 10],
        ],
        0,
      ], // :529
    ];
    for (const [lower, upper, spec, expected] of cases) expectSample(at(lower, upper, spec), expected);
  });

  it('is NaN for no observations, NaN bounds, no +Inf bucket or no buckets (histograms.test:380, :488, :501)', () => {
    expect(
      at(0, 5, [
        [1, 0],
        [2, 0],
        [3, 0],
        [Inf, 0],
      ]),
    ).toBeNaN();
    expect(
      at(NaN, 1, [
        [1, 1],
        [Inf, 100],
      ]),
    ).toBeNaN();
    expect(
      at(0, NaN, [
        [1, 1],
        [Inf, 100],
      ]),
    ).toBeNaN();
    expect(
      at(0, 1, [
        [1, 1],
        [2, 2],
      ]),
    ).toBeNaN();
    expect(bucketFraction(0, 1, [])).toBeNaN();
  });

  it('sorts and coalesces a copy', () => {
    const input = buckets([
      [Inf, 50],
      [1, 5],
      [1, 5],
    ]);
    expect(bucketFraction(0, 0.5, input)).toBe(0.1);
    expect(input).toHaveLength(3);
  });
});

describe('formatOpenMetricsFloat', () => {
  it('OpenMetrics floats for quantile labels (histograms.test:614, :647, :691)', () => {
    expect([0, 0.25, 0.5, 1, -0.1, 1.01, NaN, 2, 1e6].map(formatOpenMetricsFloat)).toEqual([
      '0.0',
      '0.25',
      '0.5',
      '1.0',
      '-0.1',
      '1.01',
      'NaN',
      '2.0',
      '1e+06',
    ]);
  });
});
