import { truncatedAt } from './errors.ts';

const TWO32 = 4294967296;

/**
 * Reads a least-significant-bit-first stream written by BitWriter. Up to 32 unread bits wait
 * in `cur`; a refill loads the next four bytes at once. Reads past the end return zero bits
 * and are reported by `end()`, which keeps the hot paths free of per-field bounds checks.
 */
export class BitReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private limit = 0;
  private cur = 0;
  private avail = 0;

  /** Starts reading at bytes[pos]; nothing at or after `limit` belongs to the stream's container. */
  begin(bytes: Uint8Array, pos: number, limit: number): void {
    this.bytes = bytes;
    this.pos = pos;
    this.limit = limit;
    this.cur = 0;
    this.avail = 0;
  }

  /** Reads `width` bits, 1 <= width <= 32, as an unsigned number. */
  bits(width: number): number {
    const avail = this.avail;
    if (width <= avail) {
      const cur = this.cur;
      if (width === 32) {
        this.cur = 0;
        this.avail = 0;
        return cur >>> 0;
      }
      this.cur = cur >>> width;
      this.avail = avail - width;
      return cur & ((1 << width) - 1);
    }
    const next = this.load();
    const need = width - avail;
    const r = (this.cur | (next << avail)) & (-1 >>> (32 - width));
    this.cur = need === 32 ? 0 : next >>> need;
    this.avail = 32 - need;
    return r >>> 0;
  }

  bit(): number {
    if (this.avail === 0) {
      this.cur = this.load();
      this.avail = 32;
    }
    const b = this.cur & 1;
    this.cur >>>= 1;
    this.avail--;
    return b;
  }

  /** Reads a field of 0..64 bits as a number (exact up to 53 bits). */
  wide(width: number): number {
    if (width === 0) return 0;
    if (width <= 32) return this.bits(width);
    const lo = this.bits(32);
    return this.bits(width - 32) * TWO32 + lo;
  }

  /**
   * out[i] = lo + the next packed value, for i in [s, e): plain `width`-bit fields when
   * `short` is 0, else truncated binary codes (width - 1 bits, one more when the first
   * width - 1 read at least `short`; see packed-ints.ts). 1 <= width <= 31. The loop keeps
   * the bit buffer in locals and decides the extra bit without a branch: the hot loop of
   * every chunk read.
   */
  unpack(out: Float64Array, s: number, e: number, lo: number, width: number, short: number): void {
    if (short === 0) {
      this.unpackPlain(out, s, e, lo, width);
      return;
    }
    const bytes = this.bytes;
    const limit = this.limit;
    let cur = this.cur;
    let avail = this.avail;
    let pos = this.pos;
    const k = width - 1;
    const mask = (1 << k) - 1;
    for (let i = s; i < e; i++) {
      let x: number;
      if (avail >= k) {
        x = cur & mask;
        cur >>>= k;
        avail -= k;
      } else {
        const next =
          pos + 4 <= limit ? bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24) : tail(bytes, pos, limit);
        pos += 4;
        x = (cur | (next << avail)) & mask;
        cur = next >>> (k - avail);
        avail += 32 - k;
      }
      // 1 when x >= short: then one more bit follows and the value is 2x - short + bit.
      const ext = (short - 1 - x) >>> 31;
      if (avail === 0) {
        cur =
          pos + 4 <= limit ? bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24) : tail(bytes, pos, limit);
        pos += 4;
        avail = 32;
      }
      x += ext * (x - short + (cur & 1));
      cur >>>= ext;
      avail -= ext;
      out[i] = lo + x;
    }
    this.cur = cur;
    this.avail = avail;
    this.pos = pos;
  }

  /** unpack of plain `width`-bit fields (no truncated binary codes). */
  private unpackPlain(out: Float64Array, s: number, e: number, lo: number, width: number): void {
    const bytes = this.bytes;
    const limit = this.limit;
    let cur = this.cur;
    let avail = this.avail;
    let pos = this.pos;
    const mask = (1 << width) - 1;
    for (let i = s; i < e; i++) {
      if (avail >= width) {
        out[i] = lo + (cur & mask);
        cur >>>= width;
        avail -= width;
      } else {
        const next =
          pos + 4 <= limit ? bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24) : tail(bytes, pos, limit);
        pos += 4;
        out[i] = lo + ((cur | (next << avail)) & mask);
        cur = next >>> (width - avail);
        avail += 32 - width;
      }
    }
    this.cur = cur;
    this.avail = avail;
    this.pos = pos;
  }

  /** Whether more bits were consumed than there are before `limit` (the rest read as zeros). */
  overran(): boolean {
    return this.pos * 8 - this.avail > this.limit * 8;
  }

  /** Byte position just after the stream; throws if the stream ran past `limit`. */
  end(): number {
    if (this.overran()) throw truncatedAt(this.bytes.length);
    return Math.ceil((this.pos * 8 - this.avail) / 8);
  }

  private load(): number {
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    if (p + 4 <= this.limit) return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    return tail(b, p, this.limit);
  }
}

/** The word at p when fewer than four bytes are left before `limit`: the missing ones read as zeros. */
function tail(b: Uint8Array, p: number, limit: number): number {
  let w = 0;
  for (let i = 0; i < 4; i++) if (p + i < limit) w |= b[p + i] << (8 * i);
  return w;
}
