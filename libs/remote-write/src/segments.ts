// What a queue segment is (docs/formats/remote-write-queue.md, "Segment data"): the series
// of one partition from one append, at most segmentSamples samples, as a WriteRequest,
// deflated when the file says so. A series' partition is a hash of its encoded labels.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Labels } from '@metrics-hub/wire';
import { QUEUE_PARTITIONS } from './queue-file.ts';
import { decodeRawSeries, encodeLabels, encodeWriteRequest, type EncodableSeries, type RawSeries } from './write-request.ts';

/** A series' partition and encoded labels, computed once per labels object. */
export class Partitioner {
  private readonly cache = new WeakMap<Labels, { partition: number; bytes: Uint8Array }>();

  of(labels: Labels): { partition: number; bytes: Uint8Array } {
    let info = this.cache.get(labels);
    if (!info) {
      const bytes = encodeLabels(labels);
      // FNV-1a over the encoded (sorted) labels.
      let h = 0x811c9dc5;
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
      info = { partition: (h >>> 0) % QUEUE_PARTITIONS, bytes };
      this.cache.set(labels, info);
    }
    return info;
  }
}

/**
 * Cuts one partition's series into segments of at most `segmentSamples` (a long series may
 * span several), in order, and hands each one's sample count and data to `write`.
 */
export function encodeSegments(
  list: readonly EncodableSeries[],
  segmentSamples: number,
  compressed: boolean,
  write: (samples: number, data: Uint8Array) => void,
): void {
  let parts: EncodableSeries[] = [];
  let count = 0;
  const flush = () => {
    if (!count) return;
    const plain = encodeWriteRequest({ timeseries: parts });
    // Level 1: about as small as level 6 here, and faster (it runs in the store's append).
    write(count, compressed ? deflateRawSync(plain, { level: 1 }) : plain);
    parts = [];
    count = 0;
  };
  for (const s of list) {
    let from = 0;
    const n = s.timestamps.length;
    while (from < n) {
      const take = Math.min(n - from, segmentSamples - count);
      parts.push({ ...s, from, to: from + take });
      count += take;
      from += take;
      if (count >= segmentSamples) flush();
    }
  }
  flush();
}

/** Segments by id, decoded (the last 256 decoded are kept). */
export class SegmentReader {
  private readonly decoded = new Map<number, RawSeries[]>();

  constructor(
    private readonly data: (id: number) => Uint8Array | undefined,
    private readonly compressed: boolean,
  ) {}

  get(id: number): RawSeries[] {
    let s = this.decoded.get(id);
    if (!s) {
      const data = this.data(id);
      if (!data) throw new Error(`remote-write queue: segment ${id} vanished while being read`);
      s = decodeRawSeries(this.compressed ? inflateRawSync(data) : data);
      this.decoded.set(id, s);
      if (this.decoded.size > 256) this.decoded.delete(this.decoded.keys().next().value!);
    }
    return s;
  }
}
