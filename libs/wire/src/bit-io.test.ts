import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BitReader } from './bit-reader.ts';
import { BitWriter } from './bit-writer.ts';
import { ByteWriter } from './byte-buffer.ts';
import { ChunkFormatError } from './errors.ts';

function write(fields: [number, number][]): Uint8Array {
  const w = new ByteWriter(4);
  const bw = new BitWriter(w);
  bw.begin(w);
  for (const [v, width] of fields) bw.wide(v, width);
  bw.end();
  return w.finish();
}

describe('bit writer and reader', () => {
  it('pack least significant bit first', () => {
    // byte 0: 0xc (low bits of 0xabc) | 11 | 0 | 1; byte 1: the rest of 0xabc
    expect([
      ...write([
        [1, 1],
        [0, 1],
        [3, 2],
        [0xabc, 12],
      ]),
    ]).toEqual([0b1100_1101, 0xab]);
  });

  it('round-trip fields of every width from 0 to 53, across word boundaries', () => {
    const fields: [number, number][] = [];
    for (let width = 0; width <= 53; width++) {
      const max = 2 ** width - 1;
      for (const v of [0, max, Math.floor(max / 3), 1 % (max + 1)]) fields.push([v, width]);
    }
    const bytes = write(fields);
    const r = new BitReader();
    r.begin(bytes, 0, bytes.length);
    for (const [v, width] of fields) expect(r.wide(width)).toBe(v);
    expect(r.end()).toBe(bytes.length);
  });

  it('round-trip random field sequences', () => {
    const field = fc
      .integer({ min: 0, max: 53 })
      .chain((width) => fc.tuple(fc.integer({ min: 0, max: 2 ** Math.min(width, 31) - 1 }), fc.constant(width)));
    fc.assert(
      fc.property(fc.array(field, { maxLength: 200 }), (fields) => {
        const bytes = write(fields as [number, number][]);
        const r = new BitReader();
        r.begin(bytes, 0, bytes.length);
        for (const [v, width] of fields) expect(r.wide(width)).toBe(v);
        expect(r.end()).toBe(bytes.length);
      }),
    );
  });

  it('report reading past the end of the stream', () => {
    const r = new BitReader();
    r.begin(Uint8Array.of(0xff, 0xff), 0, 2);
    expect(r.bits(16)).toBe(0xffff);
    expect(r.bits(3)).toBe(0);
    expect(() => r.end()).toThrow(ChunkFormatError);
  });
});

/** unpack's answer read a field at a time: truncated binary codes (or plain fields) per value. */
function unpackByBits(r: BitReader, out: Float64Array, s: number, e: number, lo: number, width: number, short: number): void {
  for (let i = s; i < e; i++) {
    if (short === 0) {
      out[i] = lo + r.bits(width);
      continue;
    }
    const x = width === 1 ? 0 : r.bits(width - 1);
    out[i] = lo + (x < short ? x : x + x - short + r.bit());
  }
}

describe('unpack', () => {
  it('reads what field-at-a-time reads do, anywhere in the bytes and up to and past their limit', () => {
    const run = fc.record({
      bytes: fc.integer({ min: 0, max: 400 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      start: fc.integer({ min: 0, max: 40 }),
      lead: fc.integer({ min: 0, max: 31 }),
      limitCut: fc.integer({ min: 0, max: 12 }),
      lo: fc.integer({ min: -1000, max: 1000 }),
      blocks: fc.array(
        fc.record({
          width: fc.integer({ min: 1, max: 31 }),
          range: fc.double({ min: 0, max: 1, noNaN: true }),
          n: fc.integer({ min: 0, max: 140 }),
        }),
        { maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(run, ({ bytes, start, lead, limitCut, lo, blocks }) => {
        const at = Math.min(start, bytes.length);
        const limit = Math.max(at, bytes.length - limitCut);
        const a = new BitReader();
        const b = new BitReader();
        const got = new Float64Array(900);
        const want = new Float64Array(900);
        a.begin(bytes, at, limit);
        b.begin(bytes, at, limit);
        // Start the blocks at any bit, as a column's miniblock headers leave them.
        if (lead > 0) expect(a.bits(lead)).toBe(b.bits(lead));
        let i = 0;
        for (const { width, range, n } of blocks) {
          // range + 1 values in `width` bits: short = 2^width - range - 1 codes take width - 1.
          const max = 2 ** width - 1;
          const r = Math.max(2 ** (width - 1), Math.round(range * max));
          const short = width === 1 ? 0 : 2 ** width - r - 1;
          a.unpack(got, i, i + n, lo, width, short);
          unpackByBits(b, want, i, i + n, lo, width, short);
          i += n;
        }
        expect([...got.subarray(0, i)]).toEqual([...want.subarray(0, i)]);
        expect(a.overran()).toBe(b.overran());
        if (!b.overran()) expect(a.end()).toBe(b.end());
        // The reader goes on where the reference does.
        expect(a.bits(13)).toBe(b.bits(13));
      }),
      { numRuns: 400 },
    );
  });
});
