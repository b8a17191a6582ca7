// Reads: series by label matchers, their samples merged from archived days, sealed chunks,
// late-sample buffers and heads; downsampled buckets; label names and values.

import {
  ChunkFormatError,
  type DecodedChunk,
  formatLabels,
  shardOf,
  type LabelMatcher,
  type Labels,
  type ShardSpec,
} from '@metrics-hub/wire';
import type { ArchiveHit, ArchiveReadNotes } from '../archive/cold-archive.ts';
import type { ChunkRow } from '../chunk-table.ts';
import { StoreError } from '../errors.ts';
import { HOUR_MS, MINUTE_MS } from '../rollup.ts';
import { clipBlock, mergeBlocks, type SampleBlock } from '../sample-merge.ts';
import type { SeriesState } from '../series-state.ts';
import { kindOf } from './metadata.ts';
import { assertOpen, clockedNewest, translate, type StoreState } from './state.ts';
import type { BucketHints, BucketSeries, SelectHints, StoredSeries } from './types.ts';

export function select(st: StoreState, matchers: readonly LabelMatcher[], mint: number, maxt: number, hints?: SelectHints): StoredSeries[] {
  assertOpen(st);
  const archived = archiveHits(st, matchers, mint, maxt, hints);
  const out: StoredSeries[] = [];
  const ids = inShard(st, st.index.select(matchers), hints?.shard);
  const chunkRows = st.chunks.inRangeMany(ids, mint, maxt, hints?.readsAll === true, hints?.tick);
  for (const id of ids) {
    hints?.tick?.(1);
    const state = st.states.get(id)!;
    st.prepareRead?.(state);
    const rows = chunkRows.get(id)!;
    const head = snapshot(state.head, mint, maxt);
    const ooo = snapshot(state.ooo, mint, maxt);
    const old = archived?.byId.get(id) ?? [];
    if (rows.length === 0 && !head && !ooo && old.length === 0) continue;
    // Archived days first, then sealed chunks, late samples and the head.
    const sources: BlockSource[] = old.map(archiveSource);
    for (const r of rows) {
      sources.push({
        start: r.start_ms,
        end: r.end_ms,
        count: r.count,
        load: (into, timesOnly) => {
          const block = decodeStored(st, r, state, into, timesOnly);
          r.data = undefined; // read once: the chunk's bytes need not outlive its samples
          return block;
        },
      });
    }
    for (const block of [ooo, head]) {
      if (block)
        sources.push({ start: block.timestamps[0], end: block.timestamps[block.length - 1], count: block.length, load: copyTo(block) });
    }
    out.push({
      ref: id,
      labels: state.labels,
      blocks: () => readSources(sources, mint, maxt),
      samples: (scratch, options) => readWhole(sources, mint, maxt, scratch, options?.timesOnly),
    });
  }
  for (const hits of archived?.only.values() ?? []) {
    if (hints?.shard && !isInShard(hits[0].labels, hints.shard)) continue;
    const sources = hits.map(archiveSource);
    out.push({
      ref: -1,
      labels: hits[0].labels,
      blocks: () => readSources(sources, mint, maxt),
      samples: (scratch, options) => readWhole(sources, mint, maxt, scratch, options?.timesOnly),
    });
  }
  return out;
}

/** The ids whose series belong to the shard (all without one). */
function inShard(st: StoreState, ids: number[], shard: ShardSpec | undefined): number[] {
  return shard ? ids.filter((id) => isInShard(st.states.get(id)!.labels, shard)) : ids;
}

function isInShard(labels: Labels, shard: ShardSpec): boolean {
  return shardOf(labels, shard.count, shard.key) === shard.index;
}

/** Archive hits over [mint, maxt], split into series the store still has (by id) and series only the archive has. */
function archiveHits(st: StoreState, matchers: readonly LabelMatcher[], mint: number, maxt: number, hints: SelectHints | undefined) {
  if (!st.archive || mint > st.archivedThrough) return undefined;
  const archive = st.archive;
  const notes: ArchiveReadNotes = {
    days: [],
    damaged: (e) =>
      hints?.annotate?.(
        'warning',
        `${e.message}: samples from it are left out of this result; restore the file from a backup or move it out of ${archive.dir}`,
      ),
  };
  const byId = new Map<number, ArchiveHit[]>();
  const only = new Map<string, ArchiveHit[]>();
  for (const hit of archive.select(matchers, mint, Math.min(maxt, st.archivedThrough), notes)) {
    const id = st.index.idOfKey(hit.key);
    if (id !== undefined) pushTo(byId, id, hit);
    else pushTo(only, hit.key, hit);
  }
  if (notes.days.length) {
    const days = notes.days.sort();
    const span = days.length === 1 ? days[0] : `${days[0]} to ${days[days.length - 1]}`;
    hints?.annotate?.('info', `samples for ${span} were read from the cold archive (${archive.dir})`);
  }
  return { byId, only };
}

/**
 * A stored chunk's samples; into `into` at its start when given (it must have room for
 * row.count); with `timesOnly`, values that cannot be staleness markers may read as 0.
 */
export function decodeStored(st: StoreState, row: ChunkRow, state: SeriesState, into?: SampleBlock, timesOnly = false): SampleBlock {
  let d: DecodedChunk | undefined;
  try {
    d = st.chunks.decode(row, into, timesOnly);
  } catch (e) {
    throw chunkError(st, e, `the chunk of ${formatLabels(state.labels)} covering ${iso(row.start_ms)}..${iso(row.end_ms)}`);
  }
  if (!d)
    throw new StoreError(
      'store_corrupt',
      `the chunk of ${formatLabels(state.labels)} at ${iso(row.start_ms)} vanished while reading`,
      st.options.path,
    );
  return { timestamps: d.timestamps, values: d.values, length: d.count };
}

function chunkError(st: StoreState, e: unknown, what: string): Error {
  if (e instanceof ChunkFormatError) {
    return new StoreError('store_corrupt', `${what} is damaged (${e.message}): restore the database from a snapshot`, st.options.path);
  }
  return translate(st, e);
}

export function resolutionFor(stepMs: number): 0 | typeof MINUTE_MS | typeof HOUR_MS {
  if (stepMs >= HOUR_MS) return HOUR_MS;
  if (stepMs >= MINUTE_MS) return MINUTE_MS;
  return 0;
}

export function selectBuckets(
  st: StoreState,
  matchers: readonly LabelMatcher[],
  mint: number,
  maxt: number,
  resolution: typeof MINUTE_MS | typeof HOUR_MS,
  hints?: BucketHints,
): Iterable<BucketSeries> | undefined {
  assertOpen(st);
  // Archived days past the rollups' retention have only the archive's raw samples: the caller reads those.
  if (st.archive && mint <= st.archivedThrough) {
    const kept = resolution === HOUR_MS ? st.options.retention.rollup1hMs : st.options.retention.rollup1mMs;
    if (mint < clockedNewest(st) - kept) return undefined;
  }
  // Rollups cover every sealed sample; the open head is rolled up on the fly.
  const series = inShard(st, st.index.select(matchers), hints?.shard).map((id) => {
    const state = st.states.get(id)!;
    st.prepareRead?.(state);
    return { state, kind: kindOf(st, state), head: snapshot(state.head, -Infinity, Infinity) };
  });
  const streaming = hints?.streaming === true;
  const buckets = st.rollups.readMany(series, mint, maxt, resolution, streaming);
  const found = (function* () {
    let k = 0;
    for (const b of buckets) {
      const { state, kind } = series[k++];
      if (b.length) yield { ref: state.id, labels: state.labels, kind, buckets: b };
    }
  })();
  return streaming ? found : [...found];
}

export function labelNames(st: StoreState, matchers?: readonly LabelMatcher[]): string[] {
  assertOpen(st);
  return st.index.labelNames(matchers?.length ? st.index.select(matchers) : undefined);
}

export function labelValues(st: StoreState, name: string, matchers?: readonly LabelMatcher[]): string[] {
  assertOpen(st);
  return st.index.labelValues(name, matchers?.length ? st.index.select(matchers) : undefined);
}

export function series(st: StoreState, matchers: readonly LabelMatcher[], mint?: number, maxt?: number): Labels[] {
  assertOpen(st);
  if (mint === undefined || maxt === undefined) return st.index.select(matchers).map((id) => st.states.get(id)!.labels);
  return select(st, matchers, mint, maxt).map((s) => s.labels);
}

function snapshot(
  buf: { timestamps: Float64Array; values: Float64Array; length: number },
  mint: number,
  maxt: number,
): SampleBlock | undefined {
  if (buf.length === 0) return undefined;
  const clipped = clipBlock(buf, mint, maxt);
  if (clipped.length === 0) return undefined;
  // Copies: the head keeps changing while a reader iterates.
  return {
    timestamps: clipped.timestamps.slice(0, clipped.length),
    values: clipped.values.slice(0, clipped.length),
    length: clipped.length,
  };
}

type BlockSource = {
  start: number;
  end: number;
  /** Samples it holds, when known before loading (a stored chunk's row says). */
  count?: number;
  /** Its samples; a source with a count writes them into `into` when given. */
  load: (into?: SampleBlock, timesOnly?: boolean) => SampleBlock;
};

type Scratch = { timestamps: Float64Array; values: Float64Array };

/**
 * The sources' samples in [mint, maxt] as one block, in `scratch` when it has room. When none overlap and each knows its
 * count (stored chunks, the usual case), they are decoded straight into one buffer, which
 * spares a copy and an allocation per chunk; otherwise the blocks are joined.
 */
function readWhole(list: readonly BlockSource[], mint: number, maxt: number, scratch?: Scratch, timesOnly = false): SampleBlock {
  const sources = [...list].sort((a, b) => a.start - b.start);
  let total = 0;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (s.count === undefined || (i > 0 && s.start <= sources[i - 1].end)) return joinBlocks([...readSources(list, mint, maxt)]);
    total += s.count;
  }
  const room = scratch !== undefined && scratch.timestamps.length >= total && scratch.values.length >= total;
  const whole: SampleBlock = room
    ? { timestamps: scratch.timestamps, values: scratch.values, length: 0 }
    : { timestamps: new Float64Array(total), values: new Float64Array(total), length: 0 };
  for (const s of sources) {
    const at = whole.length;
    const block = s.load({ timestamps: whole.timestamps.subarray(at), values: whole.values.subarray(at), length: 0 }, timesOnly);
    // A chunk holding more than its row said would not fit: read the blocks one by one instead.
    if (block.timestamps.buffer !== whole.timestamps.buffer) return joinBlocks([...readSources(list, mint, maxt)]);
    whole.length += block.length;
  }
  return whole.length ? clipBlock(whole, mint, maxt) : whole;
}

/** A block already in memory as a source: copied into `into` when asked to. */
function copyTo(block: SampleBlock): BlockSource['load'] {
  return (into) => {
    if (!into) return block;
    into.timestamps.set(block.timestamps.subarray(0, block.length));
    into.values.set(block.values.subarray(0, block.length));
    return { timestamps: into.timestamps, values: into.values, length: block.length };
  };
}

function joinBlocks(blocks: SampleBlock[]): SampleBlock {
  if (blocks.length === 1) return blocks[0];
  let total = 0;
  for (const b of blocks) total += b.length;
  const out: SampleBlock = { timestamps: new Float64Array(total), values: new Float64Array(total), length: total };
  let at = 0;
  for (const b of blocks) {
    out.timestamps.set(b.timestamps.subarray(0, b.length), at);
    out.values.set(b.values.subarray(0, b.length), at);
    at += b.length;
  }
  return out;
}

/**
 * The sources' samples in [mint, maxt], ascending: sources that do not overlap are passed
 * through one by one, overlapping ones merged (the earlier-listed source wins a repeated
 * timestamp; appends never store one twice, so the order only has to be stable).
 */
function* readSources(list: readonly BlockSource[], mint: number, maxt: number): Generator<SampleBlock> {
  const sources = [...list].sort((a, b) => a.start - b.start);
  let i = 0;
  while (i < sources.length) {
    let j = i + 1;
    let end = sources[i].end;
    while (j < sources.length && sources[j].start <= end) end = Math.max(end, sources[j++].end);
    const block = j === i + 1 ? sources[i].load() : mergeBlocks(sources.slice(i, j).map((s) => s.load()));
    const clipped = block.length ? clipBlock(block, mint, maxt) : block;
    if (clipped.length) yield clipped;
    i = j;
  }
}

/** One archive file's part of a series as a source: its chunks joined (merged where late samples overlap). */
function archiveSource(hit: ArchiveHit): BlockSource {
  return {
    start: hit.minT,
    end: hit.maxT,
    load: () => {
      const blocks = hit.load();
      if (blocks.length === 1) return blocks[0];
      let total = 0;
      for (let k = 0; k < blocks.length; k++) {
        if (k > 0 && blocks[k].timestamps[0] <= blocks[k - 1].timestamps[blocks[k - 1].length - 1]) return mergeBlocks(blocks);
        total += blocks[k].length;
      }
      const joined = { timestamps: new Float64Array(total), values: new Float64Array(total), length: total };
      let at = 0;
      for (const block of blocks) {
        joined.timestamps.set(block.timestamps.subarray(0, block.length), at);
        joined.values.set(block.values.subarray(0, block.length), at);
        at += block.length;
      }
      return joined;
    },
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
