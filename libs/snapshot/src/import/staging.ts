// Samples held in memory until they are committed. Columnar (a series number, a time and
// a value per sample, in blocks of typed arrays added as it fills: plain JS arrays would
// let V8 quieten the staleness NaN's payload), so a sample costs 20 bytes however many
// series there are, and a series costs its labels once. `bytes` estimates what the
// staging holds as samples and series arrive, so that the import can stop before it
// exhausts memory rather than after. `take` groups the samples by series into one copy
// (16 bytes a sample), after which the blocks are let go of.

import type { AppendSeries } from '@metrics-hub/tsdb';
import { labelsKey, type Labels } from '@metrics-hub/wire';

/**
 * What one staged series costs besides its samples, on top of twice its key's length: the
 * key string and its Map entry, the labels object, its slot in the list. Measured on V8
 * (Node 24) with one and five labels: 150 to 300 bytes; the estimate errs high.
 */
const SERIES_OVERHEAD_BYTES = 200;
/** A sample: series number (4), time (8), value (8). */
const SAMPLE_BYTES = 20;
/** Samples per block: staging grows a block at a time, never copying what it holds. */
const BLOCK = 65_536;

interface Block {
  series: Int32Array;
  times: Float64Array;
  values: Float64Array;
  /** `values` as 32-bit words: copied as integers, NaN payloads survive. */
  valueWords: Uint32Array;
}

export class Staging {
  private readonly slots = new Map<string, number>();
  private labels: Labels[] = [];
  private readonly blocks: Block[] = [];
  private seriesBytes = 0;
  /** Samples currently staged. */
  size = 0;
  /** Counts the times the staging was emptied (which renumbers its slots). */
  generation = 0;
  /** Series in the batches taken so far plus those staged (a series split across batches counts once per batch). */
  seriesCount = 0;

  /** Estimated bytes the staged samples and series take (the blocks as allocated). */
  get bytes(): number {
    return this.blocks.length * BLOCK * SAMPLE_BYTES + this.seriesBytes;
  }

  add(labels: Labels, t: number, v: number): void {
    this.addTo(this.slot(labels), t, v);
  }

  /** `add` for a series already given its slot. */
  addTo(slot: number, t: number, v: number): void {
    const at = this.size % BLOCK;
    if (at === 0 && this.size / BLOCK === this.blocks.length) this.grow();
    const b = this.blocks[(this.size - at) / BLOCK];
    b.series[at] = slot;
    b.times[at] = t;
    b.values[at] = v;
    this.size++;
  }

  /** Copies a block; typed-array to typed-array copies keep NaN payloads. */
  addBlock(labels: Labels, timestamps: Float64Array, values: Float64Array): void {
    const slot = this.slot(labels);
    let from = 0;
    while (from < timestamps.length) {
      const at = this.size % BLOCK;
      if (at === 0 && this.size / BLOCK === this.blocks.length) this.grow();
      const b = this.blocks[(this.size - at) / BLOCK];
      const n = Math.min(BLOCK - at, timestamps.length - from);
      b.series.fill(slot, at, at + n);
      b.times.set(timestamps.subarray(from, from + n), at);
      b.values.set(values.subarray(from, from + n), at);
      this.size += n;
      from += n;
    }
  }

  /**
   * Empties the staging into append batches of at most `seriesPerBatch` series (each
   * series' samples sorted by time), so the caller can append them one at a time and let
   * other work run between them. The batches are made as they are iterated: only the one
   * being appended holds its per-series arrays.
   */
  take(seriesPerBatch = Number.POSITIVE_INFINITY): Iterable<AppendSeries[]> {
    const seriesN = this.labels.length;
    const n = this.size;
    // Group by series with a counting sort: one pass to count, one to place.
    const start = new Int32Array(seriesN + 1);
    this.forEach((slot) => start[slot + 1]++);
    for (let s = 0; s < seriesN; s++) start[s + 1] += start[s];
    const next = start.slice(0, seriesN);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    const vsWords = new Uint32Array(vs.buffer);
    this.forEach((slot, b, i) => {
      const to = next[slot]++;
      ts[to] = b.times[i];
      vsWords[2 * to] = b.valueWords[2 * i];
      vsWords[2 * to + 1] = b.valueWords[2 * i + 1];
    });
    const labels = this.labels;
    this.clear();
    return batchesOf(labels, start, ts, vs, seriesPerBatch);
  }

  /** Drops everything staged. */
  clear(): void {
    this.generation++;
    this.slots.clear();
    this.labels = [];
    this.blocks.length = 0;
    this.seriesBytes = 0;
    this.size = 0;
  }

  private forEach(f: (slot: number, block: Block, i: number) => void): void {
    for (let k = 0; k < this.blocks.length; k++) {
      const b = this.blocks[k];
      const n = Math.min(BLOCK, this.size - k * BLOCK);
      for (let i = 0; i < n; i++) f(b.series[i], b, i);
    }
  }

  private grow(): void {
    const values = new Float64Array(BLOCK);
    this.blocks.push({ series: new Int32Array(BLOCK), times: new Float64Array(BLOCK), values, valueWords: new Uint32Array(values.buffer) });
  }

  /** The series' number in the staging (added when new). A `take` or `clear` renumbers. */
  slot(labels: Labels): number {
    const key = labelsKey(labels);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.labels.length;
      this.slots.set(key, slot);
      this.labels.push(labels);
      this.seriesCount++;
      this.seriesBytes += SERIES_OVERHEAD_BYTES + 2 * key.length;
    }
    return slot;
  }
}

function* batchesOf(
  labels: Labels[],
  start: Int32Array,
  ts: Float64Array,
  vs: Float64Array,
  seriesPerBatch: number,
): Generator<AppendSeries[]> {
  let batch: AppendSeries[] = [];
  for (let s = 0; s < labels.length; s++) {
    const sorted = sortByTime(ts.subarray(start[s], start[s + 1]), vs.subarray(start[s], start[s + 1]));
    batch.push({ labels: labels[s], timestamps: sorted.timestamps, values: sorted.values });
    if (batch.length >= seriesPerBatch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function sortByTime(ts: Float64Array, vs: Float64Array): { timestamps: Float64Array; values: Float64Array } {
  let sorted = true;
  for (let i = 1; i < ts.length && sorted; i++) sorted = ts[i - 1] <= ts[i];
  if (sorted) return { timestamps: ts, values: vs };
  // Stable sort of indices, then copy values array-to-array so NaN bits survive.
  const order = Array.from(ts.keys()).sort((a, b) => ts[a] - ts[b] || a - b);
  const outT = new Float64Array(ts.length);
  const outV = new Float64Array(ts.length);
  for (let i = 0; i < order.length; i++) {
    outT[i] = ts[order[i]];
    outV.set(vs.subarray(order[i], order[i] + 1), i);
  }
  return { timestamps: outT, values: outV };
}
