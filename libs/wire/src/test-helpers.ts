// Shared by the tests only; not exported from the package.
import { expect } from 'vitest';

export const T0 = Date.UTC(2026, 0, 1);

/** Bit patterns of the first n elements, so NaN payloads and -0 compare exactly. */
export function bitsOf(a: Float64Array, n = a.length): string[] {
  const view = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      view
        .getBigUint64(i * 8, true)
        .toString(16)
        .padStart(16, '0'),
    );
  return out;
}

export function expectSameBits(actual: Float64Array, expected: Float64Array, n = expected.length): void {
  expect(bitsOf(actual, n)).toEqual(bitsOf(expected, n));
}

/**
 * Float64Array holding the given bit patterns. NaN payloads must go straight into typed
 * arrays: V8 stores plain arrays of doubles with NaNs canonicalized, so [STALE_NAN] would
 * already have lost the marker.
 */
export function floatsFromBits(hexes: string[]): Float64Array {
  const a = new Float64Array(hexes.length);
  const view = new DataView(a.buffer);
  hexes.forEach((hex, i) => view.setBigUint64(i * 8, BigInt(`0x${hex}`), true));
  return a;
}

export function regularTimestamps(n: number, stepMs = 10_000, t0 = T0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => t0 + i * stepMs);
}
