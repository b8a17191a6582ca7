import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkHeader, decodeChunk, decodeColumns, encodeChunk, encodeColumns } from './index.ts';
import { T0, expectSameBits, regularTimestamps } from './test-helpers.ts';

function expectRoundTrip(timestamps: Float64Array, values: Float64Array): Uint8Array {
  const bytes = encodeChunk(timestamps, values);
  const d = decodeChunk(bytes);
  expect(d.count).toBe(values.length);
  expect(Array.from(d.timestamps)).toEqual(Array.from(timestamps));
  expectSameBits(d.values, values);
  return bytes;
}

/** Any 64-bit pattern, so NaNs with every payload and sign appear (fc.double gives one NaN). */
const anyBits = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 200 })
  .map((pairs) => {
    const a = new Float64Array(pairs.length);
    const view = new DataView(a.buffer);
    pairs.forEach(([hi, lo], i) => {
      view.setUint32(i * 8, lo, true);
      view.setUint32(i * 8 + 4, hi, true);
    });
    return a;
  });

/** Short decimals like scraped values, with the occasional special value. */
const decimalLike = fc
  .tuple(
    fc.integer({ min: 0, max: 6 }),
    fc.array(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) }, fc.constantFrom(NaN, Infinity, -Infinity, -0)), {
      minLength: 1,
      maxLength: 400,
    }),
  )
  .map(([digits, ns]) => Float64Array.from(ns, (n) => (Number.isInteger(n) && !Object.is(n, -0) ? n / 10 ** digits : n)));

/** Non-decreasing integer timestamps: mostly regular, with jitter, repeats and big jumps. */
const timestampsOf = (n: number) =>
  fc
    .tuple(
      fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      fc.array(
        fc.oneof(
          { weight: 8, arbitrary: fc.constant(10_000) },
          { weight: 4, arbitrary: fc.integer({ min: 9_000, max: 11_000 }) },
          fc.constant(0),
          fc.integer({ min: 0, max: 2 ** 40 }),
        ),
        { minLength: n, maxLength: n },
      ),
    )
    .map(([t0, deltas]) => {
      const ts = new Float64Array(n);
      let t = t0;
      for (let i = 0; i < n; i++) ts[i] = t += i === 0 ? 0 : deltas[i];
      return ts;
    });

describe('round-trip properties', () => {
  it('any float64 bit patterns', () => {
    fc.assert(
      fc.property(anyBits, (values) => void expectRoundTrip(regularTimestamps(values.length), values)),
      { numRuns: 300 },
    );
  });

  it('fc.double values, NaN, infinities and -0 included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double(), { maxLength: 300 }),
        (xs) => void expectRoundTrip(regularTimestamps(xs.length), Float64Array.from(xs)),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 300 }), (values) => void expectRoundTrip(regularTimestamps(values.length), values)),
      {
        numRuns: 300,
      },
    );
  });

  it('short decimals with a few specials, encoded as decimal', () => {
    fc.assert(
      fc.property(decimalLike, (values) => {
        const bytes = expectRoundTrip(regularTimestamps(values.length), values);
        let specials = 0;
        for (const v of values) if (!Number.isFinite(v) || Object.is(v, -0)) specials++;
        if (specials * 16 <= values.length) expect(chunkHeader(bytes).encoding).toBe('decimal');
      }),
      { numRuns: 300 },
    );
  });

  it('decimals summed in floating point, encoded as (near) decimal', () => {
    const arb = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.array(fc.integer({ min: -500, max: 5000 }), { minLength: 1, maxLength: 400 }));
    fc.assert(
      fc.property(arb, ([digits, steps]) => {
        let sum = 0;
        const values = Float64Array.from(steps, (k) => (sum += k / 10 ** digits));
        expect(chunkHeader(expectRoundTrip(regularTimestamps(values.length), values)).encoding).toBe('decimal');
      }),
      { numRuns: 300 },
    );
  });

  it('any non-decreasing integer timestamps', () => {
    const arb = fc.integer({ min: 1, max: 300 }).chain((n) => timestampsOf(n));
    fc.assert(
      fc.property(arb, (ts) => {
        const bytes = expectRoundTrip(
          ts,
          Float64Array.from(ts, (_, i) => i % 7),
        );
        const h = chunkHeader(bytes);
        expect([h.minT, h.maxT]).toEqual([ts[0], ts[ts.length - 1]]);
      }),
      { numRuns: 300 },
    );
  });

  it('sorted safe integers spanning up to 2^53 - 1', () => {
    const arb = fc
      .array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), { minLength: 1, maxLength: 100 })
      .map((a) => Float64Array.from(a.sort((x, y) => x - y)));
    fc.assert(
      fc.property(arb, (ts) => void expectRoundTrip(ts, new Float64Array(ts.length).fill(1))),
      { numRuns: 300 },
    );
  });

  it('encoding is deterministic and independent of what was encoded before', () => {
    fc.assert(
      fc.property(decimalLike, anyBits, (a, b) => {
        const first = encodeChunk(regularTimestamps(a.length), a);
        encodeChunk(regularTimestamps(b.length), b);
        expect(encodeChunk(regularTimestamps(a.length), a)).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it('multi-column chunks of related and unrelated columns', () => {
    const arb = fc.integer({ min: 0, max: 200 }).chain((n) =>
      fc.tuple(
        timestampsOf(n),
        fc.array(
          fc.oneof(
            fc
              .array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: n, maxLength: n })
              .map((xs) => Float64Array.from(xs, (x) => x / 100)),
            fc.array(fc.double(), { minLength: n, maxLength: n }).map((xs) => Float64Array.from(xs)),
            fc
              .array(fc.integer({ min: 0, max: 300 }), { minLength: n, maxLength: n })
              .map((xs) => Float64Array.from(xs, (x, i) => T0 / 1000 + i * 7 + x / 10)),
          ),
          { maxLength: 6 },
        ),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
      ),
    );
    fc.assert(
      fc.property(arb, ([ts, columns, spread]) => {
        // a column that follows an earlier one closely, like max beside min
        if (columns.length > 0)
          columns.push(columns[0].map((v, i) => (Number.isFinite(v) ? Math.round((v + spread[i] / 100) * 100) / 100 : v)));
        const d = decodeColumns(encodeColumns(ts, columns));
        expect(d.count).toBe(ts.length);
        expect(Array.from(d.timestamps)).toEqual(Array.from(ts));
        expect(d.columns.length).toBe(columns.length);
        columns.forEach((c, k) => expectSameBits(d.columns[k], c));
      }),
      { numRuns: 200 },
    );
  });
});
