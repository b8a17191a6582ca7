import { describe, expect, it } from 'vitest';
import { STALE_NAN, chunkHeader, columnsHeader, decodeColumns, encodeChunk, encodeColumns, isStaleNaN } from './index.ts';
import { expectSameBits, regularTimestamps } from './test-helpers.ts';
import { seededRandom as random } from '@metrics-hub/testing';

/** 5-minute rollups of a 10 s gauge: count, sum, min, max, first, last per bucket. */
function rollup(buckets: number, seed: number): { timestamps: Float64Array; columns: Float64Array[] } {
  const rnd = random(seed);
  const timestamps = regularTimestamps(buckets, 300_000);
  const [count, sum, min, max, first, last] = Array.from({ length: 6 }, () => new Float64Array(buckets));
  let x = 2;
  for (let b = 0; b < buckets; b++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 30; i++) {
      x = Math.round(Math.min(8, Math.max(0, x + (rnd() - 0.5) * 0.4)) * 100) / 100;
      if (i === 0) first[b] = x;
      s += Math.round(x * 100);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    count[b] = 30;
    sum[b] = s / 100;
    min[b] = lo;
    max[b] = hi;
    last[b] = x;
  }
  return { timestamps, columns: [count, sum, min, max, first, last] };
}

function roundTrip(timestamps: Float64Array, columns: Float64Array[]): Uint8Array {
  const bytes = encodeColumns(timestamps, columns);
  const d = decodeColumns(bytes);
  expect(d.count).toBe(timestamps.length);
  expect(Array.from(d.timestamps)).toEqual(Array.from(timestamps));
  expect(d.columns.length).toBe(columns.length);
  columns.forEach((c, k) => expectSameBits(d.columns[k], c));
  return bytes;
}

describe('multi-column chunks', () => {
  it('round-trip rollup columns', () => {
    const { timestamps, columns } = rollup(288, 1);
    const bytes = roundTrip(timestamps, columns);
    expect(columnsHeader(bytes)).toEqual({ count: 288, minT: timestamps[0], maxT: timestamps[287], columns: 6 });
  });

  it('decode into arrays the caller gives when they have room, relative columns included', () => {
    const { timestamps, columns } = rollup(100, 3);
    const bytes = encodeColumns(timestamps, columns);
    const big = { timestamps: new Float64Array(300), columns: columns.map(() => new Float64Array(300)) };
    const into = { timestamps: big.timestamps.subarray(150), columns: big.columns.map((c) => c.subarray(150)) };
    const d = decodeColumns(bytes, into);
    expect(d.timestamps).toBe(into.timestamps);
    d.columns.forEach((c, k) => expect(c).toBe(into.columns[k]));
    expect(Array.from(big.timestamps.subarray(150, 250))).toEqual(Array.from(timestamps));
    columns.forEach((c, k) => expectSameBits(big.columns[k].subarray(150, 250), c));
    // Too short, or a column missing: new arrays, the given ones untouched.
    const short = { timestamps: new Float64Array(99), columns: columns.map(() => new Float64Array(100)) };
    expect(decodeColumns(bytes, short).timestamps).not.toBe(short.timestamps);
    expect(decodeColumns(bytes, { timestamps: new Float64Array(100), columns: columns.slice(1) }).columns).toHaveLength(columns.length);
  });

  it('store a column as its difference from a related one when that is smaller', () => {
    const rnd = random(2);
    const n = 288;
    const timestamps = regularTimestamps(n, 300_000);
    const min = new Float64Array(n);
    for (let i = 0, x = 500; i < n; i++) min[i] = x = Math.round((x + (rnd() - 0.5) * 20) * 100) / 100;
    const max = min.map((v) => Math.round((v + rnd() * 0.05) * 100) / 100);
    const size = (columns: Float64Array[]) => encodeColumns(timestamps, columns).length;
    const maxAlone = size([max]) - size([]);
    const maxBesideMin = size([min, max]) - size([min]);
    // the spread takes under 3 bits a bucket, the walk itself about 11
    expect(maxBesideMin).toBeLessThan(maxAlone * 0.35);
    roundTrip(timestamps, [min, max]);
  });

  it('keep exceptions exact when the reference column has them and the column does not', () => {
    const n = 200;
    const min = Float64Array.from({ length: n }, (_, i) => 10 + (i % 13) / 10);
    const max = min.map((v, i) => Math.round((v + (i % 3) / 10) * 10) / 10);
    min[20] = NaN;
    min[150] = STALE_NAN;
    max[90] = Infinity;
    const d = decodeColumns(roundTrip(regularTimestamps(n), [min, max]));
    expect(isStaleNaN(d.columns[0][150])).toBe(true);
    expect(d.columns[1][20]).toBe(max[20]);
  });

  it('mix XOR and decimal columns', () => {
    const rnd = random(4);
    const n = 100;
    roundTrip(regularTimestamps(n), [
      Float64Array.from({ length: n }, () => rnd()),
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, () => rnd() * 1e-300),
      Float64Array.from({ length: n }, (_, i) => i + 0.5),
    ]);
  });

  it('handle zero columns, zero samples and one sample', () => {
    roundTrip(regularTimestamps(10), []);
    const empty = roundTrip(new Float64Array(0), [new Float64Array(0), new Float64Array(0)]);
    expect(columnsHeader(empty)).toEqual({ count: 0, minT: Infinity, maxT: -Infinity, columns: 2 });
    roundTrip(Float64Array.of(5), [Float64Array.of(1), Float64Array.of(NaN)]);
  });

  it('read single-series chunks as one column, and refuse the other way round', () => {
    const ts = regularTimestamps(20);
    const vs = Float64Array.from({ length: 20 }, (_, i) => i / 4);
    const d = decodeColumns(encodeChunk(ts, vs));
    expect(d.columns.length).toBe(1);
    expectSameBits(d.columns[0], vs);
    const multi = encodeColumns(ts, [vs, vs]);
    expect(() => chunkHeader(multi)).toThrow('this is a multi-column chunk; read it with decodeColumns or columnsHeader');
  });

  it('reject columns of the wrong length or too many columns', () => {
    const ts = regularTimestamps(10);
    expect(() => encodeColumns(ts, [new Float64Array(10), new Float64Array(9)])).toThrow(
      'arrays differ in length (10, 10, 9); pass the sample count',
    );
    expect(() => encodeColumns(ts, [new Float64Array(10), new Float64Array(9)], 10)).toThrow(RangeError);
    expect(() =>
      encodeColumns(
        ts,
        Array.from({ length: 65 }, () => new Float64Array(10)),
      ),
    ).toThrow('65 columns is above the limit of 64');
    expect(decodeColumns(encodeColumns(ts, [new Float64Array(10), new Float64Array(9)], 9)).count).toBe(9);
  });
});
