import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './byte-buffer.ts';
import { ChunkFormatError } from './errors.ts';
import { svarintLength, uvarintLength } from './packed-ints.ts';

const MAX = Number.MAX_SAFE_INTEGER;

function roundTrip(write: (w: ByteWriter) => void, read: (r: ByteReader) => number): { value: number; bytes: Uint8Array } {
  const w = new ByteWriter(1);
  write(w);
  const bytes = w.finish();
  const r = new ByteReader(bytes, 0, bytes.length);
  const value = read(r);
  expect(r.pos).toBe(bytes.length);
  return { value, bytes };
}

describe('varints', () => {
  it('write unsigned LEB128 for every safe integer magnitude', () => {
    expect([
      ...roundTrip(
        (w) => w.uvarint(300),
        (r) => r.uvarint(),
      ).bytes,
    ]).toEqual([0xac, 0x02]);
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 49 + 3, MAX - 1, MAX]) {
      const { value, bytes } = roundTrip(
        (w) => w.uvarint(v),
        (r) => r.uvarint(),
      );
      expect(value).toBe(v);
      expect(bytes.length).toBe(uvarintLength(v));
    }
  });

  it('write zigzag with the same bytes as the usual 64-bit formula, up to +-(2^53 - 1)', () => {
    const zigzagBytes = (v: number) => {
      let z = (BigInt(v) << 1n) ^ (BigInt(v) >> 63n);
      z = BigInt.asUintN(64, z);
      const out: number[] = [];
      while (z >= 128n) {
        out.push(Number(z & 127n) | 128);
        z >>= 7n;
      }
      out.push(Number(z));
      return out;
    };
    for (const v of [0, -1, 1, -64, 63, 64, -65, 1e12, -1e12, 2 ** 52, -(2 ** 52), MAX, -MAX, 1.7e12]) {
      const { value, bytes } = roundTrip(
        (w) => w.svarint(v),
        (r) => r.svarint(),
      );
      expect(value).toBe(v);
      expect([...bytes]).toEqual(zigzagBytes(v));
      expect(bytes.length).toBe(svarintLength(v));
    }
  });

  it('refuse a varint that runs past the end or beyond 2^53', () => {
    const short = new ByteReader(Uint8Array.of(0x80, 0x80), 0, 2);
    expect(() => short.uvarint()).toThrow(ChunkFormatError);
    const long = new ByteReader(new Uint8Array(9).fill(0xff), 0, 9);
    expect(() => long.uvarint()).toThrow(/out of range/);
    const big = new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), 0, 8);
    expect(() => big.uvarint()).toThrow(/out of range/);
  });

  it('grow the writer as needed', () => {
    const w = new ByteWriter(1);
    for (let i = 0; i < 5000; i++) w.u8(i & 0xff);
    const bytes = w.finish();
    expect(bytes.length).toBe(5000);
    expect(bytes[4999]).toBe(4999 & 0xff);
  });
});
