// Retention: raw chunks, 1 m and 1 h rollups each kept for their own time, counted back
// from the newest sample (or the clock); with cold storage, raw days go to the archive.

import { DAY } from '../options.ts';
import type { SeriesState } from '../series-state.ts';
import { startArchiving } from './archiving.ts';
import { kindOf } from './metadata.ts';
import { assertOpen, clockedNewest, type StoreState } from './state.ts';

export function rawRetentionCutoff(st: StoreState, newestToCome: number): number {
  return Math.min(Math.max(st.newestT, newestToCome), st.options.now()) - st.options.retention.rawMs;
}

export function applyRetention(st: StoreState): { chunksDropped: number; seriesDropped: number; archiveFilesDropped: number } {
  assertOpen(st);
  const { rawMs, rollup1mMs, rollup1hMs } = st.options.retention;
  const newest = clockedNewest(st);
  st.lastRetentionAt = newest;
  if (newest === -Infinity) return { chunksDropped: 0, seriesDropped: 0, archiveFilesDropped: 0 };
  const hourCutoff = newest - rollup1hMs - DAY;
  let chunksDropped = 0;
  let archiveFilesDropped = 0;
  if (st.archive) {
    startArchiving(st);
    archiveFilesDropped = st.archive.dropThrough(newest - st.options.archive!.retentionMs);
  }
  const gone: SeriesState[] = [];
  st.db.transaction(() => {
    // With cold storage, chunks leave the store only once their day is archived.
    if (!st.archive) chunksDropped = st.chunks.dropThrough(newest - rawMs);
    const minuteCutoff = newest - rollup1mMs - st.options.chunkWindowMs;
    st.rollups.dropBefore(minuteCutoff, hourCutoff, (id) => {
      const state = st.states.get(id);
      return state && { state, kind: kindOf(st, state) };
    });
    // 1 m rows are left from window start ceil(minuteCutoff / W) * W on: the chunk window
    // after that index (windows are indexed by their end) is the oldest whose timelines
    // they may name.
    st.chunks.dropTimelinesBefore(Math.ceil(minuteCutoff / st.options.chunkWindowMs) + 1);
    // A series whose newest sample is older than the longest-kept rollup has no data left
    // (with cold storage, once its chunks are in the archive: archiving reads the series here).
    // Not while a journal row still holds samples of it (sealed, the row kept for other
    // series): replay after a crash must find every series its rows name.
    const firstRow = st.wal.firstSeq;
    for (const state of st.states.values()) {
      if (
        state.maxT < hourCutoff &&
        state.head.length === 0 &&
        state.ooo.length === 0 &&
        state.lastSeq < firstRow &&
        (!st.archive || state.maxT <= st.archivedThrough)
      )
        gone.push(state);
    }
    for (const state of gone) st.stmt.deleteSeries.run(state.id);
    // Readers on other connections (replica.ts) rebuild their index when this changes: a
    // deleted id can be given to a new series.
    if (gone.length) st.stmt.countSeriesRemoved.run(gone.length);
  })();
  for (const state of gone) st.states.delete(state.id);
  st.index.remove(gone.map((s) => s.id));
  return { chunksDropped, seriesDropped: gone.length, archiveFilesDropped };
}
