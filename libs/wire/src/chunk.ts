import { type ChunkHead, readHead, readSingleBody, type TimelineRef } from './chunk-body.ts';
import { beginChunk, bitWriter, finishChunk, openChunk } from './chunk-frame.ts';
import { corrupt } from './errors.ts';
import { writeFloatColumn } from './float-column.ts';
import { KIND_COLUMNS, KIND_TIMELINE, MAX_SAMPLES, ON_TIMELINE, TAG_DECIMAL, TAG_XOR } from './format.ts';
import type { Timeline } from './timeline.ts';
import { timestampRange, writeTimestamps } from './timestamp-column.ts';

/** Which value encoding a chunk uses ('decimal' includes near decimals with ulp residuals). */
export type ChunkEncoding = 'xor' | 'decimal';

export interface DecodedChunk {
  count: number;
  /** Integer milliseconds, non-decreasing; only the first `count` entries are samples. */
  timestamps: Float64Array;
  values: Float64Array;
}

export interface ChunkHeader {
  count: number;
  /** First and last timestamp; an empty chunk covers no time: minT = Infinity, maxT = -Infinity. */
  minT: number;
  maxT: number;
  encoding: ChunkEncoding;
}

/** Checks a caller-supplied sample count against the arrays (RangeError on misuse). */
export function sampleCount(lengths: number[], count: number | undefined): number {
  if (count === undefined) {
    if (lengths.some((n) => n !== lengths[0])) {
      throw new RangeError(`arrays differ in length (${lengths.join(', ')}); pass the sample count`);
    }
    count = lengths.length === 0 ? 0 : lengths[0];
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`sample count ${count} is not a non-negative integer`);
  if (lengths.some((n) => n < count)) throw new RangeError(`sample count ${count} is more than the arrays hold (${lengths.join(', ')})`);
  if (count > MAX_SAMPLES) throw new RangeError(`sample count ${count} is above the chunk limit of ${MAX_SAMPLES}`);
  return count;
}

/**
 * Encodes count samples (default: all) into a self-checking chunk. Timestamps must be integer
 * milliseconds, non-decreasing, below 2^53 in magnitude. Every value, NaN payloads included,
 * decodes bit for bit.
 */
export function encodeChunk(timestamps: Float64Array, values: Float64Array, count?: number): Uint8Array {
  const n = sampleCount([timestamps.length, values.length], count);
  const w = beginChunk(TAG_DECIMAL, n);
  writeTimestamps(w, bitWriter, timestamps, n);
  // the writer may grow while the values are written, so index its buffer afterwards
  const tag = writeFloatColumn(w, bitWriter, values, n);
  w.bytes[1] = tag;
  return finishChunk(w);
}

/**
 * encodeChunk for samples whose timestamps are those of a timeline (timeline.ts): the chunk
 * keeps the values and the timeline's reference and checksum, and decodes only with it.
 */
export function encodeChunkOnTimeline(values: Float64Array, count: number, timeline: TimelineRef): Uint8Array {
  const n = sampleCount([values.length], count);
  const w = beginChunk(TAG_DECIMAL | ON_TIMELINE, n);
  w.uvarint(timeline.ref);
  w.u32le(timeline.checksum);
  const tag = writeFloatColumn(w, bitWriter, values, n);
  w.bytes[1] = tag | ON_TIMELINE;
  return finishChunk(w);
}

/** Finds the timeline a chunk names, by reference and checksum (the store's lookup). */
export type TimelineLookup = (ref: TimelineRef) => Timeline;

function notSingle(head: ChunkHead): TypeError {
  return new TypeError(
    head.kind === KIND_TIMELINE
      ? 'these bytes are a timeline, not a chunk; read them with decodeTimeline'
      : 'this is a multi-column chunk; read it with decodeColumns or columnsHeader',
  );
}

/** The timeline a chunk on one names, checked against the reference and the sample count. */
function timelineOf(head: ChunkHead, lookup: TimelineLookup | undefined): Timeline {
  const ref = head.timeline!;
  if (lookup === undefined)
    throw new TypeError(`this chunk takes its timestamps from timeline ${ref.ref}; pass options.timeline to read it`);
  const timeline = lookup(ref);
  if (timeline.checksum !== ref.checksum || timeline.count !== head.count) {
    throw corrupt(
      `it names timeline ${ref.ref} with checksum 0x${ref.checksum.toString(16)} and ${head.count} samples, but that timeline has checksum 0x${timeline.checksum.toString(16)} and ${timeline.count}`,
    );
  }
  return timeline;
}

/**
 * Decodes a chunk. When `out` arrays hold at least `count` elements they are filled and
 * returned (reuse them on hot paths); otherwise new arrays of exactly `count` are allocated.
 * Throws ChunkFormatError for any damaged chunk; never returns data that differs. With
 * `timesOnly`, values that cannot be NaN are left out (read as 0): for a reader that only
 * needs which samples exist and which are staleness markers.
 */
export function decodeChunk(
  bytes: Uint8Array,
  out?: { timestamps: Float64Array; values: Float64Array },
  options: { timesOnly?: boolean; timeline?: TimelineLookup } = {},
): DecodedChunk {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.columns !== 1 || head.kind === KIND_COLUMNS) throw notSingle(head);
  const n = head.count;
  const timestamps = out !== undefined && out.timestamps.length >= n ? out.timestamps : new Float64Array(n);
  const values = out !== undefined && out.values.length >= n ? out.values : new Float64Array(n);
  if (head.timeline !== null) timestamps.set(timelineOf(head, options.timeline).timestamps);
  readSingleBody(r, head, timestamps, values, options.timesOnly === true);
  return { count: n, timestamps, values };
}

/**
 * Count, time range and encoding, from the first few bytes (after the checksum is
 * verified); a chunk on a timeline takes its range from the timeline.
 */
export function chunkHeader(bytes: Uint8Array, options: { timeline?: TimelineLookup } = {}): ChunkHeader {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.columns !== 1 || head.kind === KIND_COLUMNS) throw notSingle(head);
  let range: { minT: number; maxT: number };
  if (head.timeline === null) range = timestampRange(r, head.count);
  else {
    const ts = timelineOf(head, options.timeline).timestamps;
    range = head.count === 0 ? { minT: Infinity, maxT: -Infinity } : { minT: ts[0], maxT: ts[head.count - 1] };
  }
  const { minT, maxT } = range;
  return { count: head.count, minT, maxT, encoding: head.kind === TAG_XOR ? 'xor' : 'decimal' };
}
