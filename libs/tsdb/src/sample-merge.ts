// Reads of a series come from several sources (sealed chunks, out-of-order chunks, the
// open head): non-overlapping runs are passed through as they are; overlapping ones are
// merged by timestamp, keeping the first-written value when two share a timestamp.

export interface SampleBlock {
  timestamps: Float64Array;
  values: Float64Array;
  length: number;
}

/** The part of a block with mint <= t <= maxt, without copying. */
export function clipBlock(block: SampleBlock, mint: number, maxt: number): SampleBlock {
  const ts = block.timestamps;
  let lo = 0;
  let hi = block.length;
  if (ts[0] < mint) lo = lowerBound(ts, mint, 0, hi);
  if (hi > 0 && ts[hi - 1] > maxt) hi = lowerBound(ts, maxt + 1, lo, hi);
  if (lo === 0 && hi === block.length) return block;
  return { timestamps: ts.subarray(lo, hi), values: block.values.subarray(lo, hi), length: Math.max(0, hi - lo) };
}

/** First index in [lo, hi) with ts[i] >= t. */
export function lowerBound(ts: Float64Array, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Blocks listed oldest-written first; returns one ascending block without repeated timestamps. */
export function mergeBlocks(blocks: readonly SampleBlock[]): SampleBlock {
  let total = 0;
  for (const b of blocks) total += b.length;
  const order = new Uint32Array(total);
  const srcT = new Float64Array(total);
  const srcV = new Float64Array(total);
  let k = 0;
  for (const b of blocks) {
    srcT.set(b.timestamps.subarray(0, b.length), k);
    srcV.set(b.values.subarray(0, b.length), k);
    k += b.length;
  }
  for (let i = 0; i < total; i++) order[i] = i;
  // Stable by construction: ties keep the earlier-written sample first.
  const sorted = Array.from(order).sort((a, b) => srcT[a] - srcT[b] || a - b);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  let n = 0;
  for (const i of sorted) {
    const t = srcT[i];
    if (n > 0 && timestamps[n - 1] === t) continue;
    timestamps[n] = t;
    values[n] = srcV[i];
    n++;
  }
  return { timestamps, values, length: n };
}
