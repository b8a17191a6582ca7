import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';
import { ChunkFormatError, STALE_NAN, chunkHeader, decodeChunk, decodeColumns, encodeChunk, encodeColumns } from './index.ts';
import { regularTimestamps } from './test-helpers.ts';
import { seededRandom as random } from '@metrics-hub/testing';

function withChecksum(body: number[]): Uint8Array {
  const bytes = new Uint8Array(body.length + 4);
  bytes.set(body);
  new DataView(bytes.buffer).setUint32(body.length, crc32c(bytes, 0, body.length), true);
  return bytes;
}

function fixtures(): Record<string, Uint8Array> {
  const rnd = random(21);
  const n = 300;
  const jittered = regularTimestamps(n).map((t) => t + Math.round((rnd() - 0.5) * 1000));
  const counter = new Float64Array(n);
  let c = 100;
  for (let i = 0; i < n; i++) counter[i] = c = Math.round((c + rnd() * 5) * 100) / 100;
  counter[17] = NaN;
  counter[299] = STALE_NAN;
  const withGap = regularTimestamps(n);
  for (let i = 150; i < n; i++) withGap[i] += 3_600_000;
  const reset = counter.map((v, i) => (i >= 200 ? v - 500 : v));
  const randoms = Float64Array.from({ length: 60 }, () => rnd() * 1e6);
  const min = Float64Array.from({ length: 100 }, (_, i) => Math.round(rnd() * 1000) / 10 + i);
  const max = min.map((v) => Math.round((v + rnd() * 3) * 10) / 10);
  return {
    decimal: encodeChunk(jittered, counter),
    patched: encodeChunk(withGap, reset),
    xor: encodeChunk(regularTimestamps(60), randoms),
    constant: encodeChunk(regularTimestamps(720), new Float64Array(720).fill(4096)),
    single: encodeChunk(Float64Array.of(1), Float64Array.of(2)),
    empty: encodeChunk(new Float64Array(0), new Float64Array(0)),
    columns: encodeColumns(regularTimestamps(100), [min, max, Float64Array.from({ length: 100 }, () => rnd())]),
  };
}

/** Every way a store would read the chunk; all must refuse a damaged one. */
function readAll(bytes: Uint8Array, isColumns: boolean): void {
  if (isColumns) {
    decodeColumns(bytes);
  } else {
    decodeChunk(bytes);
    chunkHeader(bytes);
  }
}

function errorOf(fn: () => void): ChunkFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChunkFormatError) return e;
    throw e;
  }
  throw new Error('expected a ChunkFormatError, but the damaged chunk decoded');
}

describe('damaged chunks', () => {
  for (const [name, bytes] of Object.entries(fixtures())) {
    const isColumns = name === 'columns';

    it(`${name}: every single-byte change is detected`, () => {
      for (let i = 0; i < bytes.length; i++) {
        for (const mask of [0x01, 0x10, 0x80, 0xff]) {
          const damaged = bytes.slice();
          damaged[i] ^= mask;
          const e = errorOf(() => readAll(damaged, isColumns));
          expect(['chunk_corrupt', 'chunk_truncated']).toContain(e.code);
        }
      }
    });

    it(`${name}: truncation at every length is reported as truncation`, () => {
      for (let len = 0; len < bytes.length; len++) {
        expect(errorOf(() => readAll(bytes.subarray(0, len), isColumns)).code).toBe('chunk_truncated');
      }
    });

    it(`${name}: appended bytes are detected`, () => {
      const longer = new Uint8Array(bytes.length + 3);
      longer.set(bytes);
      expect(errorOf(() => readAll(longer, isColumns)).code).toBe('chunk_corrupt');
    });
  }

  it('explains a checksum mismatch', () => {
    const bytes = encodeChunk(regularTimestamps(3), Float64Array.of(1, 2, 3));
    bytes[5] ^= 0x40;
    const stored = new DataView(bytes.buffer)
      .getUint32(bytes.length - 4, true)
      .toString(16)
      .padStart(8, '0');
    const computed = crc32c(bytes, 0, bytes.length - 4)
      .toString(16)
      .padStart(8, '0');
    expect(() => decodeChunk(bytes)).toThrow(
      `chunk is corrupt: checksum mismatch (stored 0x${stored}, computed 0x${computed} over ${bytes.length - 4} bytes); the stored bytes were damaged, restore the chunk from a copy or drop it`,
    );
  });

  it('explains a chunk too short to be one', () => {
    expect(() => decodeChunk(Uint8Array.of(1, 2, 0))).toThrow(
      'chunk is truncated: 3 bytes is shorter than the smallest chunk (7 bytes); it was cut short when written or read, restore it from a copy or drop it',
    );
  });

  it('explains a chunk cut short', () => {
    const bytes = encodeChunk(
      regularTimestamps(100),
      Float64Array.from({ length: 100 }, (_, i) => i * i),
    );
    expect(() => decodeChunk(bytes.subarray(0, 20))).toThrow(
      'chunk is truncated: its 20 bytes end before the data it describes; it was cut short when written or read, restore it from a copy or drop it',
    );
  });

  it('refuses intact chunks from a newer format version or with an unknown kind', () => {
    const newer = errorOf(() => decodeChunk(withChecksum([2, 2, 0])));
    expect(newer.code).toBe('chunk_version');
    expect(newer.message).toBe('chunk format version 2 is not supported: this codec reads version 1; upgrade @metrics-hub/wire to read it');
    const kind = errorOf(() => decodeChunk(withChecksum([1, 9, 0])));
    expect(kind.code).toBe('chunk_version');
    expect(kind.message).toBe(
      'chunk kind 9 is not part of chunk format version 1; it was written by a newer codec, upgrade @metrics-hub/wire to read it',
    );
  });

  it('refuses a hostile sample count before allocating anything', () => {
    const e = errorOf(() => decodeChunk(withChecksum([1, 2, 0x80, 0x80, 0x80, 0x80, 0x04])));
    expect(e.code).toBe('chunk_corrupt');
    expect(e.message).toBe(
      'chunk is corrupt: sample count 1073741824 is above the limit of 1048576; the stored bytes were damaged, restore the chunk from a copy or drop it',
    );
    expect(errorOf(() => decodeColumns(withChecksum([1, 0x80, 0x80, 0x80, 0x20, 40]))).message).toMatch(
      /above the limit of 4194304 numbers/,
    );
  });

  it('never fails other than with ChunkFormatError on arbitrary bytes with a valid checksum', () => {
    const body = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
      fc
        .tuple(
          fc.constantFrom(1, 2, 3, 0x80),
          fc.integer({ min: 0, max: 40 }),
          fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
        )
        .map(([kind, count, rest]) => [1, kind, count, ...(kind === 0x80 ? [count % 4] : []), ...rest]),
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          decodeColumns(withChecksum(b));
        } catch (e) {
          if (!(e instanceof ChunkFormatError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
