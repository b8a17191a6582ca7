import { BitReader } from './bit-reader.ts';
import type { ByteReader } from './byte-buffer.ts';
import { decimalWithoutExceptions } from './decimal-column.ts';
import { ChunkFormatError, corrupt } from './errors.ts';
import { readFloatColumn } from './float-column.ts';
import {
  FORMAT_VERSION,
  KIND_COLUMNS,
  MAX_COLUMNS,
  MAX_SAMPLES,
  MAX_VALUES,
  TAG_DECIMAL,
  TAG_DECIMAL_RELATIVE,
  KIND_TIMELINE,
  ON_TIMELINE,
  TAG_NEAR_DECIMAL,
  TAG_XOR,
} from './format.ts';
import { readTimestamps } from './timestamp-column.ts';
import { readTimestampsMemo } from './timestamp-memo.ts';

const bitReader = new BitReader();

/**
 * Whether the stream being read when a parse failed had run out of bytes: its reads then
 * returned zero fill, so a structural error is really a symptom of truncation.
 */
export function streamOverran(): boolean {
  return bitReader.overran();
}

/** Which timeline a chunk takes its timestamps from (timeline.ts). */
export interface TimelineRef {
  ref: number;
  /** The timeline's own checksum: a chunk never decodes against another timeline. */
  checksum: number;
}

export interface ChunkHead {
  /** The value tag, KIND_COLUMNS or KIND_TIMELINE (without ON_TIMELINE). */
  kind: number;
  count: number;
  /** Value columns: 1 for single-series chunks, 0 for a timeline. */
  columns: number;
  /** Set when the timestamps are a timeline's rather than the chunk's own. */
  timeline: TimelineRef | null;
}

/** Reads version, kind, count and (for multi-column chunks) the column count. */
export function readHead(r: ByteReader): ChunkHead {
  r.u8(); // version, checked by openChunk
  const byte = r.u8();
  const onTimeline = byte < KIND_COLUMNS && (byte & ON_TIMELINE) !== 0;
  const kind = onTimeline ? byte & ~ON_TIMELINE : byte;
  const count = r.uvarint();
  if (count > MAX_SAMPLES) throw corrupt(`sample count ${count} is above the limit of ${MAX_SAMPLES}`);
  let columns = 1;
  let timeline: TimelineRef | null = null;
  if (onTimeline) timeline = { ref: r.uvarint(), checksum: r.u32le() };
  if (kind === KIND_TIMELINE) {
    columns = 0;
  } else if (kind === KIND_COLUMNS) {
    columns = r.uvarint();
    if (columns > MAX_COLUMNS) throw corrupt(`column count ${columns} is above the limit of ${MAX_COLUMNS}`);
    if (count * (columns + 1) > MAX_VALUES)
      throw corrupt(`${count} samples of ${columns} columns is above the limit of ${MAX_VALUES} numbers`);
  } else if (kind !== TAG_XOR && kind !== TAG_DECIMAL && kind !== TAG_NEAR_DECIMAL) {
    throw new ChunkFormatError(
      'chunk_version',
      `chunk kind ${kind} is not part of chunk format version ${FORMAT_VERSION}; it was written by a newer codec, upgrade @metrics-hub/wire to read it`,
    );
  }
  return { kind, count, columns, timeline };
}

function expectEnd(r: ByteReader): void {
  if (r.pos !== r.end) throw corrupt(`${r.end - r.pos} unexpected bytes after the last column`);
}

/**
 * With `timesOnly`, a value column that cannot hold a NaN (decimal, without exceptions) is
 * not decoded and its values read as 0: for readers that only need the sample times and
 * which samples are staleness markers.
 */
export function readSingleBody(r: ByteReader, head: ChunkHead, timestamps: Float64Array, values: Float64Array, timesOnly = false): void {
  // A chunk on a timeline has no timestamp column: its caller copied the timeline's.
  if (head.timeline === null) readTimestampsMemo(r, bitReader, timestamps, head.count);
  if (timesOnly && head.kind === TAG_DECIMAL && decimalWithoutExceptions(r.bytes, r.pos)) {
    values.fill(0, 0, head.count);
    return;
  }
  readFloatColumn(r, bitReader, head.kind, values, head.count, null);
  expectEnd(r);
}

export function readTimelineBody(r: ByteReader, head: ChunkHead, timestamps: Float64Array): void {
  readTimestamps(r, bitReader, timestamps, head.count);
  expectEnd(r);
}

export function readColumnsBody(r: ByteReader, head: ChunkHead, timestamps: Float64Array, columns: Float64Array[]): void {
  readTimestamps(r, bitReader, timestamps, head.count);
  for (let c = 0; c < head.columns; c++) {
    const tag = r.u8();
    let ref: Float64Array | null = null;
    if (tag === TAG_DECIMAL_RELATIVE) {
      const j = r.uvarint();
      if (j >= c) throw corrupt(`column ${c} refers to column ${j}, which is not before it`);
      ref = columns[j];
    }
    readFloatColumn(r, bitReader, tag, columns[c], head.count, ref);
  }
  expectEnd(r);
}
