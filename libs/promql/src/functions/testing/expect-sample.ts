// Test support: the corpus's value comparison (promqltest compares with almost.Equal and a
// relative epsilon of 1e-6; NaN equals NaN; zero must be met exactly).

import { expect } from 'vitest';

const MIN_NORMAL = 2.2250738585072014e-308;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Asserts a sample value as the corpus does; `undefined` expects no sample. */
export function expectSample(actual: number | undefined, expected: number | undefined): void {
  if (expected === undefined || actual === undefined) {
    expect(actual).toBe(expected);
    return;
  }
  if (!almostEqual(expected, actual, 1e-6)) {
    expect.fail(`expected ${actual} to be ${expected} within a relative 1e-6`);
  }
}
