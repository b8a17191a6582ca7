// Byte-exact vectors: any change to these bytes is a format change and needs a new version.
import { describe, expect, it } from 'vitest';
import { STALE_NAN, decodeChunk, encodeChunk } from './index.ts';
import { expectSameBits } from './test-helpers.ts';

/** The leading two-digit hex tokens of each line; the rest of a line is commentary. */
function hex(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const line of text.split('\n')) {
    for (const token of line.trim().split(/\s+/)) {
      if (!/^[0-9a-f]{2}$/.test(token)) break;
      bytes.push(parseInt(token, 16));
    }
  }
  return Uint8Array.from(bytes);
}

function checkVector(timestamps: Float64Array, values: Float64Array, expected: Uint8Array): void {
  expect([...encodeChunk(timestamps, values)]).toEqual([...expected]);
  const d = decodeChunk(expected);
  expect(Array.from(d.timestamps)).toEqual(Array.from(timestamps));
  expectSameBits(d.values, values);
}

describe('chunk byte vectors', () => {
  it('regular timestamps, decimal values with a common factor', () => {
    const bytes = hex(`
      01          format version 1
      02          kind: decimal
      04          count 4
      00          timestamps: regular
      d0 0f       t0 = 1000 (zigzag varint 2000)
      e8 07       delta 1000
      41          decimal flags: exponent 1, mode 0 (deltas), common factor (0x40)
      05          factor 5: the scaled values 15 20 25 30 step by 5
      1e          n0 = 15 (zigzag)
      00 00       packed deltas/5: miniblocks of 16, range and offset fields 0 bits wide
      02          base 1: every delta/5 is 1, so no bits follow
      b6 ab 58 4c CRC-32C of the bytes above, little-endian
    `);
    checkVector(Float64Array.of(1000, 2000, 3000, 4000), Float64Array.of(1.5, 2, 2.5, 3), bytes);
  });

  it('irregular timestamps as truncated-binary deltas', () => {
    const bytes = hex(`
      01 02 05    version 1, decimal, 5 samples
      01          timestamps: deltas
      09          t0 = -5
      69          span 105 ms
      70 00       packed: miniblocks of 16, range fields 7 bits, offset fields 0 bits
      00          base 0
      e1 62 00 fe bits, LSB first: range 97 (7 bits); deltas 5, 3, 0 in 6 bits (below
                  2^7 - 98 = 30); 97 as 63 in 6 bits plus a 1 bit (30 + 2 * 33 + 1 = 97)
      00          decimal flags: exponent 0, mode 0 (deltas)
      0e          n0 = 7
      10 00 00    packed deltas 0 1 0 1: range fields 1 bit, base 0
      15          bits: range 1, then 0 1 0 1
      b0 fc e2 47 CRC-32C
    `);
    checkVector(Float64Array.of(-5, 0, 3, 3, 100), Float64Array.of(7, 7, 8, 8, 9), bytes);
  });

  it('XOR values: 1.5 then the staleness marker', () => {
    const bytes = hex(`
      01 01 02    version 1, kind XOR, 2 samples
      00 00 0a    timestamps: regular, t0 = 0, delta 10
      00 00 00 00 first value, low word of 0x3ff8000000000000
      00 00 f8 3f first value, high word
      07 3f       control 1 1, leading zeros 1 (5 bits), width 62 (6 bits), then the XOR
      00 00 00 00 0x40080000_00000002 shifted right by its 1 trailing zero, 62 bits
      00 80 00 04
      98 20 87 20 CRC-32C
    `);
    const values = new Float64Array(2);
    values[0] = 1.5;
    values[1] = STALE_NAN;
    checkVector(Float64Array.of(0, 10), values, bytes);
  });
});
