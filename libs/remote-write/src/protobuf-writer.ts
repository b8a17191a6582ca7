// The few protobuf encodings a WriteRequest needs, written by hand: varints (tags, lengths,
// int64 timestamps), little-endian fixed64 (doubles, copied as bytes so NaN payloads stay
// exact) and length-delimited fields. Sizes are computed before writing, so nested
// messages never need a second buffer.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;

/** Bytes of `v` as a varint; `v` a non-negative safe integer. */
export function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 4;
  v = Math.floor(v / 0x10000000);
  while (v > 0) {
    n++;
    v = Math.floor(v / 0x80);
  }
  return n;
}

/** Bytes of a signed int64 varint: negative numbers always take 10 (two's complement). */
export function int64Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/** Bytes of a length-delimited field's payload with its tag and length, for field numbers below 16. */
export function delimitedSize(payload: number): number {
  return 1 + varintSize(payload) + payload;
}

export class ProtoWriter {
  private buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes (callers that computed sizes reserve once). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A non-negative safe integer. */
  varint(v: number): void {
    this.reserve(10);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80000000) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** A signed safe integer as protobuf int64 (negative: ten bytes of two's complement). */
  int64(v: number): void {
    if (v >= 0) return this.varint(v);
    let hi = Math.floor(v / TWO_32);
    let lo = v - hi * TWO_32;
    hi >>>= 0;
    this.reserve(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0 || lo >= 0x80) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  /** Eight bytes of a double, copied from `bytes` (a Float64Array's memory) at `offset`, as little-endian. */
  fixed64Bytes(bytes: Uint8Array, offset: number): void {
    this.reserve(8);
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) {
      for (let k = 0; k < 8; k++) b[p + k] = bytes[offset + k];
    } else {
      for (let k = 0; k < 8; k++) b[p + k] = bytes[offset + 7 - k];
    }
    this.pos = p + 8;
  }

  /** Raw bytes, no length (an already encoded part of a message). */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A length-delimited field: tag, length, bytes. */
  delimited(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** What was written (a view; the writer must not be used afterwards). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
