import { readHead, readSingleBody } from './chunk-body.ts';
import { beginChunk, bitWriter, finishChunk, openChunk } from './chunk-frame.ts';
import { writeFloatColumn } from './float-column.ts';
import { KIND_COLUMNS, MAX_SAMPLES, TAG_DECIMAL, TAG_XOR } from './format.ts';
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

function notSingle(): TypeError {
  return new TypeError('this is a multi-column chunk; read it with decodeColumns or columnsHeader');
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
  options: { timesOnly?: boolean } = {},
): DecodedChunk {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.kind === KIND_COLUMNS) throw notSingle();
  const n = head.count;
  const timestamps = out !== undefined && out.timestamps.length >= n ? out.timestamps : new Float64Array(n);
  const values = out !== undefined && out.values.length >= n ? out.values : new Float64Array(n);
  readSingleBody(r, head, timestamps, values, options.timesOnly === true);
  return { count: n, timestamps, values };
}

/** Count, time range and encoding, from the first few bytes (after the checksum is verified). */
export function chunkHeader(bytes: Uint8Array): ChunkHeader {
  const r = openChunk(bytes);
  const head = readHead(r);
  if (head.kind === KIND_COLUMNS) throw notSingle();
  const { minT, maxT } = timestampRange(r, head.count);
  return { count: head.count, minT, maxT, encoding: head.kind === TAG_XOR ? 'xor' : 'decimal' };
}
