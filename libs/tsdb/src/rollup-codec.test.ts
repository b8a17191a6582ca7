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

describe('rollup rows on a timeline', () => {
  // A row whose samples are a timeline's keeps only its value columns: counts and offsets
  // come from the timeline's buckets, and decode to the very floats a full row gives.
  const random = seededRandom(11);
  const n = 720;
  const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 10_000 + Math.round((random() - 0.5) * 500));
  let v = 1000;
  const values = Float64Array.from({ length: n }, () => (v = Math.round((v + random() * 5) * 100) / 100));
  const timelineBuckets = rollupSamples(ts, new Float64Array(n), n, MINUTE_MS);
  const ref = { ref: 3, checksum: 0xdeadbeef };
  const minutesOf = (r: typeof ref) => {
    expect(r).toEqual(ref);
    return { checksum: 0xdeadbeef, buckets: timelineBuckets };
  };

  it.each(['counter', 'gauge'] as const)('decode a %s to what a row with its own times gives, in fewer bytes', (kind) => {
    const scale = decimalScale(values, n);
    const buckets = rollupSamples(ts, scaleValues(values, n, scale), n, MINUTE_MS);
    const full = encodeRollupRow(buckets, kind, scale);
    const onTimeline = encodeRollupRow(buckets, kind, scale, ref);
    expect(onTimeline.length).toBeLessThan(full.length * 0.75);
    const expected = decodeRollupRow(full).buckets;
    const bits = (a: Float64Array) => Array.from(new Uint32Array(a.slice().buffer));
    const got = decodeRollupRow(onTimeline, minutesOf).buckets;
    got.columns.forEach((col, c) => expect(bits(col), `column ${c}`).toEqual(bits(expected.columns[c])));
    const out = emptyBuckets(expected.length + 2);
    expect(decodeRollupRowInto(onTimeline, out, 2, minutesOf)).toBe(expected.length);
    expect(rollupRowLength(onTimeline, 1000)).toBe(expected.length);
    out.columns.forEach((col, c) => expect(bits(col.subarray(2)), `column ${c}`).toEqual(bits(expected.columns[c])));
  });

  it('are refused without their timeline, against another one, or with other bucket ends', () => {
    const buckets = rollupSamples(ts, values, n, MINUTE_MS);
    const row = encodeRollupRow(buckets, 'gauge', -1, ref);
    expect(() => decodeRollupRow(row)).toThrow(/takes its sample times from timeline 3, which the reader was not given/);
    expect(() => decodeRollupRow(row, () => ({ checksum: 1, buckets: timelineBuckets }))).toThrow(
      /has checksum 0x1 and \d+ buckets, not 0xdeadbeef and \d+/,
    );
    const shifted = rollupSamples(
      Float64Array.from(ts, (t) => t + 60_000),
      new Float64Array(n),
      n,
      MINUTE_MS,
    );
    expect(() => decodeRollupRow(row, () => ({ checksum: 0xdeadbeef, buckets: shifted }))).toThrow(
      /bucket 0 ends at .*, its timeline's at/,
    );
  });
});
