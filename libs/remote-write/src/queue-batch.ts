// A batch: the samples one request takes from the queue, as pieces of segments (what `ack`
// moves the cursors past) and as series ready to encode (pieces of the same series merged,
// in segment order).

import type { EncodableSeries, RawSeries } from './write-request.ts';

/** One segment's part in a batch. */
export interface Piece {
  id: number;
  partition: number;
  skip: number;
  take: number;
  total: number;
  bytes: number;
}

/** Samples read for one request; acknowledge (or drop) it with `ack`. */
export interface QueueBatch {
  endpoint: string;
  series: EncodableSeries[];
  samples: number;
  /** Newest sample time in the batch. */
  newestMs: number;
  pieces: Piece[];
  dropEpoch: number;
}

/** The series of `pieces` (segments read with `segment`), each series merged into one. */
export function mergePieces(
  pieces: readonly Piece[],
  segment: (id: number) => RawSeries[],
): { series: EncodableSeries[]; newestMs: number } {
  // Merge pieces of the same series, in segment order.
  const merged = new Map<string, { labelBytes: Uint8Array; parts: { s: RawSeries; from: number; to: number }[]; n: number }>();
  let newestMs = -Infinity;
  for (const piece of pieces) {
    let skip = piece.skip;
    let take = piece.take;
    for (const s of segment(piece.id)) {
      const n = s.timestamps.length;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      const to = Math.min(n, skip + take);
      // The encoded labels are the series' identity (sorted, written once per series).
      const lb = s.labelBytes;
      const key = Buffer.from(lb.buffer, lb.byteOffset, lb.length).toString('latin1');
      let m = merged.get(key);
      if (!m) merged.set(key, (m = { labelBytes: lb, parts: [], n: 0 }));
      m.parts.push({ s, from: skip, to });
      m.n += to - skip;
      if (s.timestamps[to - 1] > newestMs) newestMs = s.timestamps[to - 1];
      take -= to - skip;
      skip = 0;
      if (take === 0) break;
    }
  }
  const series: EncodableSeries[] = [];
  for (const m of merged.values()) {
    if (m.parts.length === 1) {
      const { s, from, to } = m.parts[0];
      series.push({ labelBytes: m.labelBytes, timestamps: s.timestamps, values: s.values, from, to });
      continue;
    }
    const timestamps = new Float64Array(m.n);
    const values = new Float64Array(m.n);
    let at = 0;
    for (const { s, from, to } of m.parts) {
      // Same-type typed-array copies move bytes: NaN payloads survive.
      timestamps.set(s.timestamps.subarray(from, to), at);
      values.set(s.values.subarray(from, to), at);
      at += to - from;
    }
    series.push({ labelBytes: m.labelBytes, timestamps, values });
  }
  return { series, newestMs };
}
