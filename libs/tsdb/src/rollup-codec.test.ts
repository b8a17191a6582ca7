import { describe, expect, it } from 'vitest';
import { decodeRollupRow, encodeRollupRow } from './rollup-codec.ts';
import { emptyBuckets } from './rollup.ts';

describe('rollup rows', () => {
  // Constant columns are stored once in the row header, whatever their value.
  it.each([0, 1, 63, 64, 127, 255, -64, -128, 16_383, 2 ** 40, -(2 ** 40), 0.5, -0, Infinity])(
    'round-trip a constant column of %s',
    (value) => {
      const b = emptyBuckets(3);
      b.length = 3;
      b.ends.set([60_000, 120_000, 180_000]);
      for (const col of b.columns) col.fill(value);
      const d = decodeRollupRow(encodeRollupRow(b, 'gauge', -1)).buckets;
      expect(Array.from(d.columns[0])).toEqual([value, value, value]);
      expect(Object.is(d.columns[7][0], value)).toBe(true);
    },
  );
});
