// One row of the write-ahead table: the samples of one append that were accepted, each
// tagged in-order (goes to the head chunk) or out-of-order (goes to the series' OOO buffer),
// so that replay puts every sample back exactly where the append had put it.
//
//   u32 version | u32 entries | u32 samples | u32 seriesId[entries] | u32 count[entries]
//   | u8 outOfOrder[samples] | zero padding to 8 | f64 timestamp[samples] | f64 value[samples]
//
// Native byte order through typed arrays: the row never leaves this machine.

import { StoreError } from './errors.ts';

const VERSION = 1;

export class WalRecordBuilder {
  private ids: number[] = [];
  private counts: number[] = [];
  private flags = new Uint8Array(256);
  // Typed arrays, not JS arrays: V8 quiets NaN payloads stored in plain arrays.
  private ts = new Float64Array(256);
  private vs = new Float64Array(256);
  private n = 0;

  get sampleCount(): number {
    return this.n;
  }

  beginSeries(id: number): void {
    this.ids.push(id);
    this.counts.push(0);
  }

  add(t: number, v: number, outOfOrder: boolean): void {
    if (this.n === this.ts.length) this.grow();
    this.counts[this.counts.length - 1]++;
    this.flags[this.n] = outOfOrder ? 1 : 0;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }

  encode(): Uint8Array {
    // A series whose samples were all refused has no entry: retention may forget such a
    // series while the row is still kept, and replay must not meet its id then.
    const ids: number[] = [];
    const counts: number[] = [];
    for (let e = 0; e < this.ids.length; e++) {
      if (this.counts[e] === 0) continue;
      ids.push(this.ids[e]);
      counts.push(this.counts[e]);
    }
    const entries = ids.length;
    const samples = this.n;
    const headerBytes = 12 + entries * 8 + samples;
    const floatsAt = Math.ceil(headerBytes / 8) * 8;
    const buf = new ArrayBuffer(floatsAt + samples * 16);
    const u32 = new Uint32Array(buf, 0, 3 + entries * 2);
    u32[0] = VERSION;
    u32[1] = entries;
    u32[2] = samples;
    u32.set(ids, 3);
    u32.set(counts, 3 + entries);
    new Uint8Array(buf, 12 + entries * 8, samples).set(this.flags.subarray(0, samples));
    new Float64Array(buf, floatsAt, samples).set(this.ts.subarray(0, samples));
    new Float64Array(buf, floatsAt + samples * 8, samples).set(this.vs.subarray(0, samples));
    return new Uint8Array(buf);
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const flags = new Uint8Array(cap);
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    flags.set(this.flags);
    ts.set(this.ts);
    vs.set(this.vs);
    this.flags = flags;
    this.ts = ts;
    this.vs = vs;
  }
}

export interface WalRecord {
  seriesIds: Uint32Array;
  counts: Uint32Array;
  outOfOrder: Uint8Array;
  timestamps: Float64Array;
  values: Float64Array;
}

export function decodeWalRecord(bytes: Uint8Array, seq: number): WalRecord {
  // Copy to an aligned buffer: SQLite hands back blobs at arbitrary offsets.
  const buf = new Uint8Array(bytes).buffer;
  const fail = (why: string) =>
    new StoreError(
      'store_corrupt',
      `write-ahead row ${seq} is damaged (${why}): restore from a snapshot, or delete that row to lose only its samples`,
    );
  if (buf.byteLength < 12) throw fail('too short');
  const head = new Uint32Array(buf, 0, 3);
  if (head[0] !== VERSION) throw fail(`unknown version ${head[0]}`);
  const entries = head[1];
  const samples = head[2];
  const headerBytes = 12 + entries * 8 + samples;
  const floatsAt = Math.ceil(headerBytes / 8) * 8;
  if (buf.byteLength !== floatsAt + samples * 16) throw fail('length does not match its header');
  const seriesIds = new Uint32Array(buf, 12, entries);
  const counts = new Uint32Array(buf, 12 + entries * 4, entries);
  let total = 0;
  for (let i = 0; i < entries; i++) total += counts[i];
  if (total !== samples) throw fail('sample counts do not add up');
  return {
    seriesIds,
    counts,
    outOfOrder: new Uint8Array(buf, 12 + entries * 8, samples),
    timestamps: new Float64Array(buf, floatsAt, samples),
    values: new Float64Array(buf, floatsAt + samples * 8, samples),
  };
}
