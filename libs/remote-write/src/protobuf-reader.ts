// Reading protobuf by hand, defensively: every read checks the end of its message and
// throws a RemoteWriteFormatError saying what ran out or was wrong and at which byte, so
// hostile or damaged input is refused with a reason instead of a RangeError.

import { RemoteWriteFormatError } from './errors.ts';
import { LITTLE_ENDIAN, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from './protobuf-writer.ts';

const TWO_32 = 4294967296;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32', 'invalid (6)', 'invalid (7)'];

export function wireTypeName(wire: number): string {
  return WIRE_NAMES[wire] ?? `invalid (${wire})`;
}

/** A position in a buffer; `end` is the end of the message being read. */
export class ProtoReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  /** An unsigned varint up to 2^53 (tags, lengths, enums, counts). */
  varint(what: string): number {
    const b = this.buf;
    const start = this.pos;
    let p = start;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end)
        throw new RemoteWriteFormatError(
          'truncated',
          `${what}: varint at byte ${start} runs past the end of its message (byte ${this.end})`,
        );
      const byte = b[p++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER)
          throw new RemoteWriteFormatError('bad_varint', `${what}: varint at byte ${start} is larger than 2^53`);
        this.pos = p;
        return result;
      }
      scale *= 128;
    }
    throw new RemoteWriteFormatError('bad_varint', `${what}: varint at byte ${start} is longer than 10 bytes`);
  }

  /** A protobuf int64 (two's complement in ten bytes when negative), refused beyond ±2^53. */
  int64(what: string): number {
    const b = this.buf;
    const start = this.pos;
    let p = start;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (; ; i++) {
      if (i === 10) throw new RemoteWriteFormatError('bad_varint', `${what}: varint at byte ${start} is longer than 10 bytes`);
      if (p >= this.end)
        throw new RemoteWriteFormatError(
          'truncated',
          `${what}: varint at byte ${start} runs past the end of its message (byte ${this.end})`,
        );
      const byte = b[p++];
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) break;
    }
    this.pos = p;
    lo >>>= 0;
    hi >>>= 0;
    if (hi & 0x80000000) {
      // Negative: the magnitude is the two's complement.
      lo = (~lo + 1) >>> 0;
      hi = ~hi >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
      if (hi >= 0x200000) throw new RemoteWriteFormatError('bad_varint', `${what}: value at byte ${start} is below -2^53`);
      return -(hi * TWO_32 + lo);
    }
    if (hi >= 0x200000) throw new RemoteWriteFormatError('bad_varint', `${what}: value at byte ${start} is above 2^53`);
    return hi * TWO_32 + lo;
  }

  /** The length of a length-delimited field; the reader stays before its payload. */
  length(what: string): number {
    const at = this.pos;
    const n = this.varint(what);
    if (n > this.end - this.pos) {
      throw new RemoteWriteFormatError(
        'truncated',
        `${what}: length ${n} at byte ${at} runs past the end of its message (${this.end - this.pos} bytes left)`,
      );
    }
    return n;
  }

  /** Copies a little-endian double's eight bytes into `into` (a Float64Array's memory) at `offset`. */
  fixed64Into(into: Uint8Array, offset: number, what: string): void {
    const p = this.pos;
    if (this.end - p < 8)
      throw new RemoteWriteFormatError(
        'truncated',
        `${what}: 8-byte value at byte ${p} runs past the end of its message (byte ${this.end})`,
      );
    const b = this.buf;
    if (LITTLE_ENDIAN) for (let k = 0; k < 8; k++) into[offset + k] = b[p + k];
    else for (let k = 0; k < 8; k++) into[offset + k] = b[p + 7 - k];
    this.pos = p + 8;
  }

  /** Skips a field this decoder does not use (newer fields, exemplars, histograms). */
  skip(wire: number, what: string): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(what);
        return;
      case WIRE_FIXED64:
      case WIRE_FIXED32: {
        const n = wire === WIRE_FIXED64 ? 8 : 4;
        if (this.end - this.pos < n)
          throw new RemoteWriteFormatError(
            'truncated',
            `${what}: ${n}-byte value at byte ${this.pos} runs past the end of its message (byte ${this.end})`,
          );
        this.pos += n;
        return;
      }
      case WIRE_BYTES: {
        const n = this.length(what);
        this.pos += n;
        return;
      }
      default:
        throw new RemoteWriteFormatError(
          'wire_type',
          `${what}: wire type ${wireTypeName(wire)} at byte ${this.pos} cannot be read (groups are not used by remote write)`,
        );
    }
  }

  /** Reads a tag: [field number, wire type]; field 0 is refused. */
  tag(what: string): [number, number] {
    const at = this.pos;
    const t = this.varint(what);
    const field = Math.floor(t / 8);
    if (field === 0) throw new RemoteWriteFormatError('wire_type', `${what}: field number 0 at byte ${at} is not valid protobuf`);
    return [field, t & 7];
  }
}

/** Refuses a known field sent with another wire type than the schema's. */
export function expectWire(got: number, want: number, what: string, at: number): void {
  if (got !== want)
    throw new RemoteWriteFormatError(
      'wire_type',
      `${what} has wire type ${wireTypeName(got)} at byte ${at}, expected ${wireTypeName(want)}`,
    );
}
