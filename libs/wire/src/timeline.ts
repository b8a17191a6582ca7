// Timelines. Every series of one scrape (one agent's collection, one host's exporter)
// carries the very same timestamps, and with real jitter a timestamp column costs about
// as much as the values beside it. A store keeps such a column once, as a timeline, and
// writes each series' chunk on it: the chunk names the timeline (a reference the store
// resolves, and the timeline's checksum) instead of repeating the column.
//
//   timeline: version <1> | 0x81 <1> | count <uvarint> | timestamps <column> | crc32c <4>

import { readHead, readTimelineBody, type TimelineRef } from './chunk-body.ts';
import { beginChunk, bitWriter, finishChunk, openChunk, storedChecksum } from './chunk-frame.ts';
import { sampleCount } from './chunk.ts';
import { KIND_TIMELINE } from './format.ts';
import { writeTimestamps } from './timestamp-column.ts';

export type { TimelineRef };

export interface Timeline {
  count: number;
  timestamps: Float64Array;
  /** The checksum chunks on this timeline carry. */
  checksum: number;
}

/** Encodes count timestamps (default: all) as a timeline; rules as for encodeChunk's. */
export function encodeTimeline(timestamps: Float64Array, count?: number): Uint8Array {
  const n = sampleCount([timestamps.length], count);
  const w = beginChunk(KIND_TIMELINE, n);
  writeTimestamps(w, bitWriter, timestamps, n);
  return finishChunk(w);
}

/** The checksum of an encoded timeline, as chunks on it name it. */
export function timelineChecksum(encoded: Uint8Array): number {
  return storedChecksum(encoded);
}

/** Decodes a timeline; ChunkFormatError when damaged, TypeError when the bytes are a chunk. */
export function decodeTimeline(bytes: Uint8Array): Timeline {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.kind !== KIND_TIMELINE) throw new TypeError('these bytes are a chunk, not a timeline; read them with decodeChunk');
  const timestamps = new Float64Array(head.count);
  readTimelineBody(r, head, timestamps);
  return { count: head.count, timestamps, checksum: storedChecksum(bytes) };
}
