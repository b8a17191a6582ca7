// The in-memory heads and their sealing: a head is sealed into a compressed chunk (with
// its window's rollups rebuilt) when it fills, crosses a window, sits idle or pins too much
// of the write-ahead table; late samples are flushed as chunks of the windows they touch.

import type { TimelineRef } from '@metrics-hub/wire';
import type { ChunkRow } from '../chunk-table.ts';
import { MINUTE_MS } from '../rollup.ts';
import { clipBlock, mergeBlocks, type SampleBlock } from '../sample-merge.ts';
import type { SeriesState } from '../series-state.ts';
import { kindOf } from './metadata.ts';
import { decodeStored } from './read.ts';
import { clockedNewest, type StoreState } from './state.ts';

const IDLE_SEAL_GRACE_MS = 5 * MINUTE_MS;

export function appendInOrder(st: StoreState, state: SeriesState, t: number, v: number, seq: number): void {
  const windowEnd = Math.ceil(t / st.options.chunkWindowMs) * st.options.chunkWindowMs;
  if (state.head.length && windowEnd !== state.headWindowEnd) sealHead(st, state);
  if (state.head.length === 0) {
    state.headWindowEnd = windowEnd;
    state.headFirstSeq = seq;
  }
  state.head.push(t, v);
  if (state.head.length >= st.options.chunkMaxSamples) sealHead(st, state);
}

export function sealHead(st: StoreState, state: SeriesState): void {
  const head = state.head;
  const n = head.length;
  if (n === 0) return;
  st.sealedSinceTruncate = true;
  const ts = head.timestamps.subarray(0, n);
  const vs = head.values.subarray(0, n);
  const timeline = st.chunks.insert(state.id, ts, vs, n);
  state.sealedMaxT = ts[n - 1];
  st.stmt.updateSealed.run(state.sealedMaxT, state.id);
  rebuildRollups(st, state, state.headWindowEnd, { timestamps: ts, values: vs, length: n }, timeline);
  head.clear();
}

/** Writes the out-of-order buffer as chunks, one per window it touches. */
export function flushOutOfOrder(st: StoreState, state: SeriesState, seq: number): void {
  st.sealedSinceTruncate = true;
  const ooo = state.ooo;
  const w = st.options.chunkWindowMs;
  let from = 0;
  while (from < ooo.length) {
    const windowEnd = Math.ceil(ooo.timestamps[from] / w) * w;
    let to = from;
    while (to < ooo.length && ooo.timestamps[to] <= windowEnd) to++;
    const ts = ooo.timestamps.subarray(from, to);
    const vs = ooo.values.subarray(from, to);
    st.chunks.insert(state.id, ts, vs, to - from);
    rebuildRollups(st, state, windowEnd, undefined);
    from = to;
  }
  ooo.clear();
  state.oooSealedSeq = seq;
  st.stmt.updateOooSealed.run(seq, state.id);
}

/** Seals every head and late-sample buffer (inside the caller's transaction). */
export function sealAll(st: StoreState): void {
  for (const state of st.states.values()) {
    sealHead(st, state);
    if (state.ooo.length) flushOutOfOrder(st, state, st.nextSeq - 1);
  }
}

/**
 * Recomputes the rollups of one chunk window from all sealed samples in it, so that
 * partial seals and late samples can never leave a rollup that disagrees with raw data.
 */
function rebuildRollups(
  st: StoreState,
  state: SeriesState,
  windowEnd: number,
  justSealed: SampleBlock | undefined,
  timeline?: TimelineRef,
): void {
  const windowStart = windowEnd - st.options.chunkWindowMs;
  const rows = st.chunks.inRange(state.id, windowStart + 1, windowEnd);
  const alone = justSealed !== undefined && rows.length === 1;
  const samples = alone ? justSealed : mergeRows(st, state, rows, windowStart, windowEnd);
  // The window's one chunk is on a timeline: the rollup row can take its sample times from it too.
  st.rollups.windowSealed(state, kindOf(st, state), windowEnd, samples, alone ? timeline : undefined);
}

/** Sealed samples of a series in (fromExclusive, to], merged. */
export function readSealed(st: StoreState, state: SeriesState, fromExclusive: number, to: number): SampleBlock {
  return mergeRows(st, state, st.chunks.inRange(state.id, fromExclusive + 1, to), fromExclusive, to);
}

/** readSealed of each series, their chunks fetched (with their bytes) in one read. */
export function readSealedMany(st: StoreState, states: readonly SeriesState[], fromExclusive: number, to: number): SampleBlock[] {
  if (states.length === 1) return [readSealed(st, states[0], fromExclusive, to)];
  const ids = states.map((s) => s.id).sort((a, b) => a - b);
  const rows = st.chunks.inRangeMany(ids, fromExclusive + 1, to, true);
  return states.map((state) => mergeRows(st, state, rows.get(state.id)!, fromExclusive, to));
}

function mergeRows(st: StoreState, state: SeriesState, rows: ChunkRow[], fromExclusive: number, to: number): SampleBlock {
  const blocks = rows.map((r) => clipBlock(decodeStored(st, r, state), fromExclusive + 1, to));
  return blocks.length === 1 ? blocks[0] : mergeBlocks(blocks);
}

/**
 * Heads whose window ended a while ago would pin the write-ahead table: seal them. The
 * scan visits every series, so it runs once per minute of data, not on every append.
 */
export function sealIdleHeads(st: StoreState): void {
  const newest = clockedNewest(st);
  if (newest - st.lastIdleScanAt >= MINUTE_MS) {
    st.lastIdleScanAt = newest;
    const cutoff = newest - IDLE_SEAL_GRACE_MS;
    for (const state of st.states.values()) {
      if (state.head.length && state.headWindowEnd < cutoff) sealHead(st, state);
    }
  }
  if (st.wal.bytes <= st.options.walMaxBytes) return;
  // Seal the heads that pin the oldest rows until the unsealed journal fits its budget;
  // sealing them in pin order, the next one's pin is where the journal would start.
  const pinned = [...st.states.values()].filter((s) => s.pinnedSeq !== Infinity).sort((a, b) => a.pinnedSeq - b.pinnedSeq);
  for (let k = 0; k < pinned.length; k++) {
    if (st.wal.bytesFrom(pinned[k].pinnedSeq) <= st.options.walMaxBytes / 2) break;
    sealHead(st, pinned[k]);
    if (pinned[k].ooo.length) flushOutOfOrder(st, pinned[k], st.nextSeq);
  }
}
