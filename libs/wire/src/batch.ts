// The message an agent publishes: a batch of samples for many series, self-contained
// (it carries its series' labels) and checksummed, so the hub can validate it alone.
//
//   magic "MHB" | version <1> | flags <1>
//   | agent id <uvarint length, UTF-8> | first seq <uvarint> | last seq <uvarint> | created ms <svarint>
//   | strings <uvarint count> then each <uvarint length, UTF-8>
//   | series <uvarint count> then each: labels <uvarint pairs> (name index, value index)...,
//   |                                   chunk <uvarint length> <chunk bytes, docs: FORMAT.md>
//   | crc32c <4, LE> of everything before it
//
// A batch covers the agent's sequence numbers [first, last]: one interval's batch has
// first == last; a batch merged from a backlog covers a range. The hub uses them to
// recognise a batch it has already stored. Labels include `__name__`. Strings are interned
// so a label value shared by many series is stored once.

import { ByteReader, ByteWriter } from './byte-buffer.ts';
import { decodeChunk, encodeChunk } from './chunk.ts';
import { crc32c } from './crc32c.ts';
import { ChunkFormatError } from './errors.ts';
import type { Labels } from './labels.ts';

export const BATCH_VERSION = 1;
const MAGIC = [0x4d, 0x48, 0x42]; // "MHB"

export interface BatchSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface Batch {
  agentId: string;
  firstSeq: number;
  lastSeq: number;
  createdMs: number;
  series: BatchSeries[];
}

/** Caps against hostile or damaged input: a batch beyond them is refused, not allocated. */
export const BATCH_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxSeries: 1_000_000,
  maxStrings: 4_000_000,
  maxLabels: 64,
  maxStringBytes: 4096,
} as const;

export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFormatError';
  }
}

declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (label?: string, options?: { fatal?: boolean }): { decode(b: Uint8Array): string } };
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeBatch(batch: Batch): Uint8Array {
  const strings = new Map<string, number>();
  const intern = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const refs = batch.series.map((s) => Object.entries(s.labels).map(([n, v]) => [intern(n), intern(v)] as const));
  const w = new ByteWriter(1024 + batch.series.length * 64);
  for (const b of MAGIC) w.u8(b);
  w.u8(BATCH_VERSION);
  w.u8(0);
  writeString(w, batch.agentId);
  w.uvarint(batch.firstSeq);
  w.uvarint(batch.lastSeq);
  w.svarint(batch.createdMs);
  w.uvarint(strings.size);
  for (const s of strings.keys()) writeString(w, s);
  w.uvarint(batch.series.length);
  batch.series.forEach((s, k) => {
    w.uvarint(refs[k].length);
    for (const [n, v] of refs[k]) {
      w.uvarint(n);
      w.uvarint(v);
    }
    const chunk = encodeChunk(s.timestamps, s.values, s.timestamps.length);
    w.uvarint(chunk.length);
    w.raw(chunk);
  });
  w.u32le(crc32c(w.bytes, 0, w.pos));
  return w.finish();
}

function writeString(w: ByteWriter, s: string): void {
  const bytes = utf8.encode(s);
  w.uvarint(bytes.length);
  w.raw(bytes);
}

/** Decodes and checks a batch; any damage is a BatchFormatError saying what and where. */
export function decodeBatch(bytes: Uint8Array): Batch {
  if (bytes.length > BATCH_LIMITS.maxBytes)
    throw new BatchFormatError(`batch of ${bytes.length} bytes is larger than the ${BATCH_LIMITS.maxBytes}-byte limit`);
  if (bytes.length < MAGIC.length + 6 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new BatchFormatError('not a metrics batch (bad magic bytes)');
  if (bytes[3] !== BATCH_VERSION)
    throw new BatchFormatError(
      `batch format version ${bytes[3]} is not supported (this build reads version ${BATCH_VERSION}): upgrade the hub`,
    );
  const end = bytes.length - 4;
  const r = new ByteReader(bytes, 0, end);
  const stored = new ByteReader(bytes, end, bytes.length).u32le();
  const computed = crc32c(bytes, 0, end);
  if (stored !== computed)
    throw new BatchFormatError(
      `batch checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}): the message was damaged`,
    );
  try {
    r.pos = 5;
    const agentId = readString(r);
    const firstSeq = r.uvarint();
    const lastSeq = r.uvarint();
    if (lastSeq < firstSeq) throw new BatchFormatError(`batch sequence range ${firstSeq}..${lastSeq} is reversed`);
    const createdMs = r.svarint();
    const stringCount = r.uvarint();
    if (stringCount > BATCH_LIMITS.maxStrings || stringCount > end) throw new BatchFormatError(`batch claims ${stringCount} strings`);
    const strings: string[] = [];
    for (let i = 0; i < stringCount; i++) strings.push(readString(r));
    const seriesCount = r.uvarint();
    if (seriesCount > BATCH_LIMITS.maxSeries || seriesCount > end) throw new BatchFormatError(`batch claims ${seriesCount} series`);
    const series: BatchSeries[] = [];
    for (let k = 0; k < seriesCount; k++) {
      const pairs = r.uvarint();
      if (pairs > BATCH_LIMITS.maxLabels)
        throw new BatchFormatError(`series #${k} claims ${pairs} labels (limit ${BATCH_LIMITS.maxLabels})`);
      const labels: Record<string, string> = {};
      for (let p = 0; p < pairs; p++) {
        const n = r.uvarint();
        const v = r.uvarint();
        if (n >= strings.length || v >= strings.length)
          throw new BatchFormatError(`series #${k} refers to string ${Math.max(n, v)} of ${strings.length}`);
        if (strings[n] in labels) throw new BatchFormatError(`series #${k} repeats label ${JSON.stringify(strings[n])}`);
        labels[strings[n]] = strings[v];
      }
      const length = r.uvarint();
      const chunk = decodeChunk(r.raw(length));
      series.push({ labels, timestamps: chunk.timestamps.subarray(0, chunk.count), values: chunk.values.subarray(0, chunk.count) });
    }
    if (r.pos !== end) throw new BatchFormatError(`${end - r.pos} unexpected bytes after the last series`);
    return { agentId, firstSeq, lastSeq, createdMs, series };
  } catch (e) {
    if (e instanceof BatchFormatError) throw e;
    if (e instanceof ChunkFormatError) throw new BatchFormatError(`batch is damaged: ${e.message}`);
    throw new BatchFormatError(`batch is damaged: ${(e as Error).message}`);
  }
}

function readString(r: ByteReader): string {
  const n = r.uvarint();
  if (n > BATCH_LIMITS.maxStringBytes)
    throw new BatchFormatError(`string of ${n} bytes is longer than the ${BATCH_LIMITS.maxStringBytes}-byte limit`);
  try {
    return fromUtf8.decode(r.raw(n));
  } catch (e) {
    if (e instanceof ChunkFormatError) throw e;
    throw new BatchFormatError('a string is not valid UTF-8');
  }
}

/**
 * The agent id and sequence range from a batch's header, without checking or decoding the
 * rest: for the hub's acknowledgement of a batch it has already validated and stored, and
 * for the agent matching that acknowledgement to its own batch.
 */
export function batchRange(bytes: Uint8Array): { agentId: string; firstSeq: number; lastSeq: number } | undefined {
  if (bytes.length < MAGIC.length + 6 || MAGIC.some((b, i) => bytes[i] !== b) || bytes[3] !== BATCH_VERSION) return undefined;
  try {
    const r = new ByteReader(bytes, 0, bytes.length);
    r.pos = 5;
    const agentId = readString(r);
    const firstSeq = r.uvarint();
    const lastSeq = r.uvarint();
    return lastSeq >= firstSeq ? { agentId, firstSeq, lastSeq } : undefined;
  } catch {
    return undefined;
  }
}

/** Number of samples in a batch. */
export function batchSamples(batch: Batch): number {
  let n = 0;
  for (const s of batch.series) n += s.timestamps.length;
  return n;
}

/**
 * One batch from several (a backlog): samples of the same series are concatenated in time
 * order, the sequence range spans them all. Inputs must be in sequence order.
 */
export function mergeBatches(batches: readonly Batch[]): Batch {
  if (batches.length === 0) throw new Error('nothing to merge');
  const bySeries = new Map<string, { labels: Labels; parts: { ts: Float64Array; vs: Float64Array }[] }>();
  for (const b of batches) {
    for (const s of b.series) {
      const key = seriesKey(s.labels);
      let m = bySeries.get(key);
      if (!m) bySeries.set(key, (m = { labels: s.labels, parts: [] }));
      m.parts.push({ ts: s.timestamps, vs: s.values });
    }
  }
  const series: BatchSeries[] = [];
  for (const m of bySeries.values()) {
    let n = 0;
    for (const p of m.parts) n += p.ts.length;
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    let k = 0;
    for (const p of m.parts) {
      timestamps.set(p.ts, k);
      values.set(p.vs, k);
      k += p.ts.length;
    }
    sortByTime(timestamps, values);
    series.push({ labels: m.labels, timestamps, values });
  }
  return {
    agentId: batches[0].agentId,
    firstSeq: Math.min(...batches.map((b) => b.firstSeq)),
    lastSeq: Math.max(...batches.map((b) => b.lastSeq)),
    createdMs: batches[batches.length - 1].createdMs,
    series,
  };
}

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** Sorts parallel arrays by timestamp (stable), in place; usually already sorted. */
function sortByTime(ts: Float64Array, vs: Float64Array): void {
  let sorted = true;
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) sorted = false;
  if (sorted) return;
  const order = Array.from(ts.keys()).sort((a, b) => ts[a] - ts[b] || a - b);
  const t2 = Float64Array.from(order, (i) => ts[i]);
  const v2 = Float64Array.from(order, (i) => vs[i]);
  ts.set(t2);
  vs.set(v2);
}
