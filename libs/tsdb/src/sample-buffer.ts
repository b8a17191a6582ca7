// A growable pair of columns (timestamps, values): the open head chunk of a series and
// the buffer of its out-of-order samples live in these.

export class SampleBuffer {
  timestamps: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get lastT(): number {
    return this.timestamps[this.length - 1];
  }

  get firstT(): number {
    return this.timestamps[0];
  }

  push(t: number, v: number): void {
    if (this.length === this.timestamps.length) this.grow();
    this.timestamps[this.length] = t;
    this.values[this.length] = v;
    this.length++;
  }

  /** Inserts keeping timestamps ascending; returns false if `t` is already present. */
  insertSorted(t: number, v: number): boolean {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.length && this.timestamps[lo] === t) return false;
    if (this.length === this.timestamps.length) this.grow();
    this.timestamps.copyWithin(lo + 1, lo, this.length);
    this.values.copyWithin(lo + 1, lo, this.length);
    this.timestamps[lo] = t;
    this.values[lo] = v;
    this.length++;
    return true;
  }

  /** Index of timestamp `t`, or -1. */
  indexOf(t: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.timestamps[mid];
      if (x === t) return mid;
      if (x < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Drops the first `n` samples (they were sealed). */
  shift(n: number): void {
    this.timestamps.copyWithin(0, n, this.length);
    this.values.copyWithin(0, n, this.length);
    this.length -= n;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const cap = this.timestamps.length * 2;
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    t.set(this.timestamps.subarray(0, this.length));
    v.set(this.values.subarray(0, this.length));
    this.timestamps = t;
    this.values = v;
  }
}

/** Bit-exact float equality: an exact duplicate must repeat the value to the bit (NaN payloads too). */
const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);
export function sameBits(a: number, b: number): boolean {
  if (a === b) return a !== 0 || 1 / a === 1 / b;
  if (a === a || b === b) return false;
  f64[0] = a;
  f64[1] = b;
  return u32[0] === u32[2] && u32[1] === u32[3];
}
