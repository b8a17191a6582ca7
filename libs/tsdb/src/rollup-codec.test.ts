import { describe, expect, it } from 'vitest';
import { seededRandom } from '@metrics-hub/testing';
import { decimalScale, decodeRollupRow, decodeRollupRowInto, encodeRollupRow, rollupRowLength, scaleValues } from './rollup-codec.ts';
import { emptyBuckets, MINUTE_MS, rollupSamples } from './rollup.ts';

describe('rollup rows', () => {
  // Constant columns are stored once in the row header, whatever their value.
  it.each([0, 1, 63, 64, 127, 255, -64, -128, 16_383, 2 ** 40, -(2 ** 40), 0.5, -0, Infinity])(
    'round-trip a constant column of %s',
    (value) => {
      const b = emptyBuckets(3);
      b.length = 3;
      b.ends.set([60_000, 120_000, 180_000]);
      for (const col of b.columns) col.fill(value);
      const row = encodeRollupRow(b, 'gauge', -1);
      const d = decodeRollupRow(row).buckets;
      expect(rollupRowLength(row, 100)).toBe(3);
      expect(Array.from(d.columns[0])).toEqual([value, value, value]);
      expect(Object.is(d.columns[7][0], value)).toBe(true);
    },
  );
});

describe('decodeRollupRowInto', () => {
  // Buckets of raw samples (short decimals, counter resets, staleness gaps) decode into a
  // shared buffer at an offset to the very floats decodeRollupRow gives.
  it.each([
    ['counter', true],
    ['counter', false],
    ['gauge', true],
    ['gauge', false],
  ] as const)('matches decodeRollupRow for a %s (decimal values: %s)', (kind, decimal) => {
    const random = seededRandom(decimal ? 7 : 8);
    const n = 1300; // over 127 buckets: a two-byte count
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let v = 1000;
    for (let i = 0; i < n; i++) {
      ts[i] = 1_700_000_000_000 + i * 10_000 + Math.floor(random() * 500);
      v = kind === 'counter' && random() < 0.01 ? 0 : v + (kind === 'counter' ? random() * 5 : random() * 10 - 5);
      vs[i] = decimal ? Math.round(v * 100) / 100 : v;
    }
    const scale = decimalScale(vs, n);
    expect(scale >= 0).toBe(decimal);
    const values = scale >= 0 ? scaleValues(vs, n, scale) : vs;
    const row = encodeRollupRow(rollupSamples(ts, values, n, MINUTE_MS), kind, scale);
    const expected = decodeRollupRow(row).buckets;
    const out = emptyBuckets(expected.length + 5);
    out.length = 5;
    expect(decodeRollupRowInto(row, out, 5)).toBe(expected.length);
    expect(rollupRowLength(row, 1000)).toBe(expected.length);
    expect(rollupRowLength(row, 10)).toBe(10);
    expect(out.length).toBe(expected.length + 5);
    const bits = (a: Float64Array) => Array.from(new Uint32Array(a.slice().buffer));
    expect(bits(out.ends.subarray(5))).toEqual(bits(expected.ends));
    out.columns.forEach((col, c) => expect(bits(col.subarray(5)), `column ${c}`).toEqual(bits(expected.columns[c])));
  });
});
