import { corrupt, truncatedAt } from './errors.ts';

// Varints carry integers up to 2^53 - 1 using plain number arithmetic (division and
// remainder by powers of two are exact for safe integers), so no BigInt is needed.

/** Growable little-endian byte writer. */
export class ByteWriter {
  bytes: Uint8Array;
  pos = 0;

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  u32le(v: number): void {
    this.ensure(4);
    const b = this.bytes;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  /** Unsigned LEB128 of a safe non-negative integer. */
  uvarint(v: number): void {
    this.ensure(8);
    const b = this.bytes;
    let p = this.pos;
    while (v >= 128) {
      b[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  /**
   * Zigzag varint of a safe integer. The zigzag value 2|v| - 1 may exceed 2^53 and so is
   * never formed: the sign goes into the low bit of the first byte directly, which gives the
   * same bytes as the usual (v << 1) ^ (v >> 63).
   */
  svarint(v: number): void {
    const neg = v < 0 ? 1 : 0;
    const m = neg ? -v - 1 : v;
    const low6 = m % 64;
    if (m < 64) {
      this.u8((low6 << 1) | neg);
      return;
    }
    this.u8(128 | (low6 << 1) | neg);
    this.uvarint(Math.floor(m / 64));
  }

  /** A float64 as 8 little-endian bytes, from its two 32-bit words. */
  float64Words(hi: number, lo: number): void {
    this.u32le(lo);
    this.u32le(hi);
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }

  /** A copy of everything written. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.pos);
  }
}

/** Reader over bytes[pos, end) that throws ChunkFormatError rather than reading past end. */
export class ByteReader {
  bytes: Uint8Array;
  pos: number;
  end: number;

  constructor(bytes: Uint8Array, pos: number, end: number) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  u8(): number {
    if (this.pos >= this.end) throw truncatedAt(this.bytes.length);
    return this.bytes[this.pos++];
  }

  /** The next n bytes, without copying. */
  raw(n: number): Uint8Array {
    if (n < 0 || this.end - this.pos < n) throw truncatedAt(this.bytes.length);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u32le(): number {
    if (this.end - this.pos < 4) throw truncatedAt(this.bytes.length);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    // 8 groups of 7 bits cover 53 bits; a longer varint cannot hold a safe integer.
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 127) * scale;
      if (b < 128) {
        if (result > Number.MAX_SAFE_INTEGER) break;
        return result;
      }
      scale *= 128;
    }
    throw corrupt(`a length or integer field at byte ${this.pos} is out of range`);
  }

  svarint(): number {
    const first = this.u8();
    let m = (first >>> 1) & 63;
    if (first >= 128) {
      const rest = this.uvarint();
      if (rest > (Number.MAX_SAFE_INTEGER - 63) / 64) throw corrupt(`an integer field at byte ${this.pos} is out of range`);
      m += rest * 64;
    }
    return first & 1 ? -m - 1 : m;
  }
}
