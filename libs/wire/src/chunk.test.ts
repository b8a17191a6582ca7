import { describe, expect, it } from 'vitest';
import { STALE_NAN, chunkHeader, decodeChunk, encodeChunk, isStaleNaN, type ChunkEncoding } from './index.ts';
import { T0, bitsOf, expectSameBits, floatsFromBits, regularTimestamps } from './test-helpers.ts';
import { seededRandom as random } from '@metrics-hub/testing';

function roundTrip(timestamps: Float64Array, values: Float64Array, encoding?: ChunkEncoding): Uint8Array {
  const bytes = encodeChunk(timestamps, values);
  const decoded = decodeChunk(bytes);
  expect(decoded.count).toBe(timestamps.length);
  expect(Array.from(decoded.timestamps)).toEqual(Array.from(timestamps));
  expectSameBits(decoded.values, values);
  const header = chunkHeader(bytes);
  expect(header.count).toBe(timestamps.length);
  if (timestamps.length > 0) {
    expect(header.minT).toBe(timestamps[0]);
    expect(header.maxT).toBe(timestamps[timestamps.length - 1]);
  }
  if (encoding !== undefined) expect(header.encoding).toBe(encoding);
  return bytes;
}

const values = (xs: number[]) => Float64Array.from(xs);

describe('encodeChunk / decodeChunk round trips', () => {
  it('keeps special floats bit for bit', () => {
    const specials = values([
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      0,
      5e-324,
      -5e-324,
      1.7976931348623157e308,
      -1.7976931348623157e308,
      2.2250738585072014e-308,
      1e-300,
      1e300,
      2 ** 50,
      2 ** 53 - 1,
      2 ** 53,
      2 ** 53 + 2,
      -(2 ** 53),
      0.1 + 0.2,
    ]);
    specials[3] = STALE_NAN;
    const bytes = roundTrip(regularTimestamps(specials.length), specials);
    expect(isStaleNaN(decodeChunk(bytes).values[3])).toBe(true);
    expect(bitsOf(decodeChunk(bytes).values)[3]).toBe('7ff0000000000002');
  });

  it('keeps NaN payloads and signs exactly, in both encodings', () => {
    const nans = ['7ff8deadbeef0001', 'fff0000000000001', '7ff0000000000002', 'fff8000000000000', '7fffffffffffffff'];
    roundTrip(regularTimestamps(nans.length), floatsFromBits(nans), 'xor');
    // among decimals, a few NaNs are exceptions of a decimal chunk
    const mixed = Float64Array.from({ length: 160 }, (_, i) => i / 4);
    const nanValues = floatsFromBits(nans);
    nanValues.forEach((_, k) => (mixed[k * 30 + 7] = nanValues[k]));
    const bytes = roundTrip(regularTimestamps(mixed.length), mixed, 'decimal');
    expect(isStaleNaN(decodeChunk(bytes).values[2 * 30 + 7])).toBe(true);
  });

  it('keeps -0 in a decimal chunk as an exception', () => {
    const xs = Array.from({ length: 64 }, (_, i) => (i % 5) - 2);
    xs[10] = -0;
    const bytes = roundTrip(regularTimestamps(xs.length), values(xs), 'decimal');
    expect(Object.is(decodeChunk(bytes).values[10], -0)).toBe(true);
  });

  it('handles the empty chunk and a single sample', () => {
    const empty = encodeChunk(new Float64Array(0), new Float64Array(0));
    expect(decodeChunk(empty).count).toBe(0);
    expect(chunkHeader(empty)).toEqual({ count: 0, minT: Infinity, maxT: -Infinity, encoding: 'decimal' });
    roundTrip(values([T0]), values([42.5]), 'decimal');
    const stale = new Float64Array(1);
    stale[0] = STALE_NAN;
    expect(isStaleNaN(decodeChunk(roundTrip(values([-7]), stale, 'xor')).values[0])).toBe(true);
    roundTrip(values([0]), values([-0]), 'xor');
  });

  it('handles equal, negative and irregular timestamps', () => {
    roundTrip(values([5, 5, 5, 5]), values([1, 2, 3, 4]));
    roundTrip(values([-9_000, -9_000, -10, 0, 0, 7, 1e12]), values([1, 2, 3, 4, 5, 6, 7]));
    roundTrip(values([-(2 ** 52), 0, 2 ** 52 - 1]), values([1, 2, 3]));
    roundTrip(values([Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER]), values([1, 2]));
    roundTrip(values([-Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER + 3]), values([1, 2]));
  });

  it('encodes short decimals (1 to 10 fraction digits) as decimal and smaller than XOR', () => {
    const rnd = random(7);
    for (let digits = 1; digits <= 10; digits++) {
      const xs = Array.from({ length: 300 }, () => Math.round(rnd() * 2e5) / 10 ** digits);
      const bytes = roundTrip(regularTimestamps(xs.length), values(xs), 'decimal');
      // the integers span about 18 bits, whatever the exponent
      expect(bytes.length / xs.length).toBeLessThan(2.6);
    }
  });

  it('divides out a common factor such as a 4096-byte page', () => {
    const rnd = random(11);
    const pages: number[] = [];
    let p = 2_000_000;
    for (let i = 0; i < 720; i++) pages.push((p += Math.round((rnd() - 0.5) * 2000)));
    const inPages = roundTrip(regularTimestamps(720), values(pages), 'decimal');
    const inBytes = roundTrip(regularTimestamps(720), values(pages.map((x) => x * 4096)), 'decimal');
    expect(inBytes.length).toBeLessThanOrEqual(inPages.length + 4);
  });

  it('keeps integers near 2^50 and 2^53', () => {
    const near50 = Array.from({ length: 40 }, (_, i) => 2 ** 50 - 40 + i);
    roundTrip(regularTimestamps(40), values(near50), 'decimal');
    const near53 = Array.from({ length: 40 }, (_, i) => 2 ** 53 - 80 + 2 * i);
    roundTrip(regularTimestamps(40), values(near53));
    roundTrip(regularTimestamps(40), values(near53.map((x) => -x)));
  });

  it('falls back to XOR for random doubles and still round-trips', () => {
    const rnd = random(3);
    const xs = Array.from({ length: 500 }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
    roundTrip(regularTimestamps(xs.length), values(xs), 'xor');
  });

  it('uses exceptions for a few non-decimal values and XOR when they are many', () => {
    const base = Array.from({ length: 320 }, (_, i) => 1000 + i * 0.25);
    const few = Float64Array.from(base);
    [3, 50, 100, 200, 319].forEach((i, k) => (few[i] = [NaN, 0, Infinity, -Infinity, Math.PI][k]));
    few[50] = STALE_NAN;
    const fewBytes = roundTrip(regularTimestamps(320), few, 'decimal');
    const plainBytes = roundTrip(regularTimestamps(320), values(base), 'decimal');
    expect(fewBytes.length - plainBytes.length).toBeLessThan(5 * 11);

    const many = base.map((v, i) => (i % 8 === 0 ? v * 1e300 : v));
    roundTrip(regularTimestamps(320), values(many), 'xor');
  });

  it('keeps values summed in floating point near their decimals (near decimals)', () => {
    // 0.1 added up drifts off the decimals: 0.30000000000000004, 0.7999999999999999, ...
    const sums = new Float64Array(720);
    for (let i = 0, s = 0; i < 720; i++) sums[i] = s += 0.1;
    const rnd = random(8);
    const counter = Float64Array.from({ length: 721 }, (_, i) => Math.round((1e5 + i * 7.8 + rnd()) * 100) / 100);
    const increases = Float64Array.from({ length: 720 }, (_, i) => counter[i + 1] - counter[i]);
    // As XOR such values take about 7 bytes each.
    expect(roundTrip(regularTimestamps(720), sums, 'decimal').length / 720).toBeLessThan(0.6);
    // A difference keeps the rounding error of its large operands: some 13 bits of residual.
    expect(roundTrip(regularTimestamps(720), increases, 'decimal').length / 720).toBeLessThan(3.2);
  });

  it('prefers the exponent most values need, making rare long fractions exceptions', () => {
    const xs = Array.from({ length: 720 }, (_, i) => i * 0.5);
    xs[100] = 1.234567891;
    const bytes = roundTrip(regularTimestamps(720), values(xs), 'decimal');
    expect(bytes.length).toBeLessThan(60);
  });

  it('round-trips counters with resets and constant series cheaply', () => {
    const rnd = random(5);
    const counter: number[] = [];
    let c = 1234.56;
    for (let i = 0; i < 720; i++) {
      if (i === 400) c = 0;
      c = Math.round((c + 7.8 * (0.5 + rnd())) * 100) / 100;
      counter.push(c);
    }
    const bytes = roundTrip(regularTimestamps(720), values(counter), 'decimal');
    // increments span 781 hundredths: 10 bits, plus the reset and the headers
    expect(bytes.length).toBeLessThan((720 * 10) / 8 + 60);

    const constant = roundTrip(regularTimestamps(720), new Float64Array(720).fill(8589934592), 'decimal');
    expect(constant.length).toBeLessThan(30);
  });

  it('packs smooth lines as delta-of-deltas', () => {
    const xs = Array.from({ length: 720 }, (_, i) => 5 + i * i * 0.01 + i * 0.37);
    const rounded = xs.map((v) => Math.round(v * 100) / 100);
    const bytes = roundTrip(regularTimestamps(720), values(rounded), 'decimal');
    expect(bytes.length).toBeLessThan(50);
  });
});

describe('large chunks', () => {
  it('round-trip when the encoder must grow its buffer mid-chunk', () => {
    const rnd = random(12);
    const xs = Float64Array.from({ length: 60_000 }, () => rnd() * 1e6);
    roundTrip(regularTimestamps(xs.length), xs, 'xor');
  });
});

describe('timestamp column cost', () => {
  const flat = new Float64Array(720).fill(1);

  it('costs a few bytes for regular scrapes', () => {
    expect(roundTrip(regularTimestamps(720), flat).length).toBeLessThan(25);
  });

  it('costs about the entropy of the jitter: 10 bits for +-500 ms, 4 bits for +-5 ms', () => {
    for (const [jitter, bits] of [
      [500, 10.4],
      [5, 4.4],
    ]) {
      const rnd = random(9);
      const ts = regularTimestamps(720).map((t) => t + Math.round((rnd() - 0.5) * 2 * jitter));
      const bytes = roundTrip(ts, flat);
      expect((bytes.length * 8) / 720).toBeLessThan(bits);
    }
  });

  it('lets one gap widen only its own miniblock', () => {
    const ts = regularTimestamps(720);
    for (let i = 300; i < 720; i++) ts[i] += 3_600_000;
    const regularBytes = roundTrip(regularTimestamps(720), flat).length;
    expect(roundTrip(ts, flat).length).toBeLessThan(regularBytes + 24);
  });
});

describe('decodeChunk output arrays', () => {
  const ts = regularTimestamps(100);
  const vs = Float64Array.from({ length: 100 }, (_, i) => i * 1.5);
  const bytes = encodeChunk(ts, vs);

  it('fills caller arrays that are big enough and returns them', () => {
    const out = { timestamps: new Float64Array(720), values: new Float64Array(720) };
    const d = decodeChunk(bytes, out);
    expect(d.timestamps).toBe(out.timestamps);
    expect(d.values).toBe(out.values);
    expect(d.count).toBe(100);
    expect(Array.from(d.values.subarray(0, 100))).toEqual(Array.from(vs));
  });

  it('allocates arrays of exactly count when the caller arrays are too small', () => {
    const out = { timestamps: new Float64Array(10), values: new Float64Array(10) };
    const d = decodeChunk(bytes, out);
    expect(d.timestamps).not.toBe(out.timestamps);
    expect(d.timestamps.length).toBe(100);
    expect(d.values.length).toBe(100);
  });
});

describe('encodeChunk input checks', () => {
  it('encodes only the first count samples', () => {
    const d = decodeChunk(encodeChunk(regularTimestamps(10), new Float64Array(10).fill(3), 4));
    expect(d.count).toBe(4);
  });

  it('rejects timestamps that are not non-decreasing integer milliseconds', () => {
    expect(() => encodeChunk(values([1, 2.5]), values([1, 2]))).toThrow(
      'timestamps[1] = 2.5 is not an integer millisecond timestamp below 2^53',
    );
    expect(() => encodeChunk(values([10, 5]), values([1, 2]))).toThrow(
      'timestamps[1] = 5 is before timestamps[0] = 10; timestamps must not decrease',
    );
    expect(() => encodeChunk(values([NaN]), values([1]))).toThrow(RangeError);
    expect(() => encodeChunk(values([2 ** 53]), values([1]))).toThrow(RangeError);
    expect(() => encodeChunk(values([-(2 ** 52) - 1, 2 ** 52]), values([1, 2]))).toThrow(/more than one chunk can hold/);
  });

  it('rejects mismatched lengths and bad counts', () => {
    expect(() => encodeChunk(new Float64Array(3), new Float64Array(2))).toThrow('arrays differ in length (3, 2); pass the sample count');
    expect(() => encodeChunk(new Float64Array(3), new Float64Array(3), 4)).toThrow(RangeError);
    expect(() => encodeChunk(new Float64Array(3), new Float64Array(3), 1.5)).toThrow(RangeError);
  });
});
