// Reusable work arrays: encoding and decoding run without per-sample allocation, and one
// chunk is processed at a time (JavaScript is single-threaded and nothing here yields).
export class ScratchF64 {
  private a = new Float64Array(1024);

  get(n: number): Float64Array {
    if (this.a.length < n) this.a = new Float64Array(Math.max(n, this.a.length * 2));
    return this.a;
  }
}

export class ScratchI32 {
  private a = new Int32Array(1024);

  get(n: number): Int32Array {
    if (this.a.length < n) this.a = new Int32Array(Math.max(n, this.a.length * 2));
    return this.a;
  }
}
