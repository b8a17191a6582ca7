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
