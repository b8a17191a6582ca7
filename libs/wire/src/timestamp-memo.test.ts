// Chunks whose timestamp columns are byte for byte the same share one decoding; any
// difference, however late in the column, and the column is decoded on its own.
import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk, isStaleNaN, STALE_NAN } from './index.ts';
import { expectSameBits } from './test-helpers.ts';
import { seededRandom as random } from '@metrics-hub/testing';

function jittered(n: number, seed: number, from = 1_767_225_600_000): Float64Array {
  const rnd = random(seed);
  return Float64Array.from({ length: n }, (_, i) => from + i * 10_000 + Math.round((rnd() - 0.5) * 500));
}

describe('timestamps decoded once for series scraped together', () => {
  it('give every chunk its own timestamps and values, shared or not', () => {
    const ts = jittered(720, 1);
    const other = ts.slice();
    other[700] += 1; // the same until near the end of the column
    const later = jittered(720, 1, 1_767_225_600_000 + 7_200_000);
    const chunks = [0, 1, 2, 3].flatMap((k) => {
      const values = Float64Array.from({ length: 720 }, (_, i) => i * (k + 1) + 0.5);
      return [
        { ts, values, bytes: encodeChunk(ts, values) },
        { ts: other, values, bytes: encodeChunk(other, values) },
        { ts: later, values, bytes: encodeChunk(later, values) },
      ];
    });
    for (let round = 0; round < 2; round++) {
      for (const c of chunks) {
        const out = { timestamps: new Float64Array(1000).fill(-1), values: new Float64Array(1000) };
        const d = decodeChunk(c.bytes, round ? out : undefined);
        expect(d.count).toBe(720);
        expect(Array.from(d.timestamps.subarray(0, 720))).toEqual(Array.from(c.ts));
        expectSameBits(d.values.subarray(0, 720), c.values);
        if (round) expect(d.timestamps[720]).toBe(-1);
      }
    }
  });

  it('tell columns of the same bytes but another sample count apart', () => {
    const ts = jittered(300, 2);
    const values = new Float64Array(300).fill(1);
    const whole = decodeChunk(encodeChunk(ts, values));
    const part = decodeChunk(encodeChunk(ts, values, 299));
    expect(whole.count).toBe(300);
    expect(part.count).toBe(299);
    expect(Array.from(part.timestamps)).toEqual(Array.from(ts.subarray(0, 299)));
    expect(Array.from(whole.timestamps)).toEqual(Array.from(ts));
  });
});

describe('decoding sample times only', () => {
  it('leaves out values that cannot be staleness markers, and decodes those that can', () => {
    const ts = jittered(500, 3);
    const plain = Float64Array.from({ length: 500 }, (_, i) => i * 0.25);
    const stale = plain.slice();
    stale[77] = STALE_NAN;
    const arbitrary = Float64Array.from({ length: 500 }, (_, i) => Math.sqrt(i + 0.1));
    for (const [values, skipped] of [
      [plain, true],
      [stale, false],
      [arbitrary, false],
    ] as const) {
      const d = decodeChunk(encodeChunk(ts, values), undefined, { timesOnly: true });
      expect(Array.from(d.timestamps)).toEqual(Array.from(ts));
      if (skipped) expect(Array.from(d.values)).toEqual(new Array(500).fill(0));
      else expectSameBits(d.values, values);
    }
    expect(isStaleNaN(decodeChunk(encodeChunk(ts, stale), undefined, { timesOnly: true }).values[77])).toBe(true);
  });
});
