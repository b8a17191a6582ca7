import type { ByteWriter } from './byte-buffer.ts';

const TWO32 = 4294967296;

/**
 * Appends a bit stream to a ByteWriter, least significant bit first. Bits gather in one
 * 32-bit word that is stored as four bytes when full, so each field costs a shift, an OR
 * and rarely a store. The stream ends byte-aligned with zero padding.
 */
export class BitWriter {
  private out: ByteWriter;
  private acc = 0;
  private used = 0;

  constructor(out: ByteWriter) {
    this.out = out;
  }

  /** Starts a new stream at the writer's current position. */
  begin(out: ByteWriter): void {
    this.out = out;
    this.acc = 0;
    this.used = 0;
  }

  /** Writes the low `width` bits of v; 0 <= width <= 32 and v < 2^width. */
  bits(v: number, width: number): void {
    this.acc |= v << this.used;
    this.used += width;
    if (this.used >= 32) {
      this.flushWord(this.acc);
      this.used -= 32;
      this.acc = this.used === 0 ? 0 : v >>> (width - this.used);
    }
  }

  /** Writes a non-negative integer below 2^width for any width 0..64 (v below 2^53). */
  wide(v: number, width: number): void {
    if (width <= 32) {
      this.bits(v, width);
    } else {
      this.bits(v >>> 0, 32);
      this.bits(Math.floor(v / TWO32), width - 32);
    }
  }

  /** Writes a 64-bit pattern given as two words, low `width` bits of hi:lo. */
  words(hi: number, lo: number, width: number): void {
    if (width <= 32) {
      this.bits(lo, width);
    } else {
      this.bits(lo, 32);
      this.bits(hi, width - 32);
    }
  }

  /** Flushes the partial word; the stream then ends on a byte boundary. */
  end(): void {
    const out = this.out;
    let n = (this.used + 7) >>> 3;
    out.ensure(n);
    let acc = this.acc;
    while (n-- > 0) {
      out.bytes[out.pos++] = acc;
      acc >>>= 8;
    }
    this.acc = 0;
    this.used = 0;
  }

  private flushWord(w: number): void {
    const out = this.out;
    out.ensure(4);
    const b = out.bytes;
    const p = out.pos;
    b[p] = w;
    b[p + 1] = w >>> 8;
    b[p + 2] = w >>> 16;
    b[p + 3] = w >>> 24;
    out.pos = p + 4;
  }
}
