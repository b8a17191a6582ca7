// The write-ahead table: every append's accepted samples are written as one row before it
// commits; at open the rows are replayed into the heads, and rows no head needs any more
// are deleted after each append.

import type { Labels } from '@metrics-hub/wire';
import { StoreError } from '../errors.ts';
import { SeriesIndex } from '../series-index.ts';
import { SeriesState } from '../series-state.ts';
import { decodeWalRecord } from '../wal-record.ts';
import { loadArchiveBoundary } from './archiving.ts';
import { appendInOrder } from './heads.ts';
import { loadFamilyTypes } from './metadata.ts';
import type { StoreState } from './state.ts';
import { loadCounters } from './stats.ts';

/** At open: the series, metadata, archive boundary and counters, then the write-ahead rows replayed. */
export function loadStore(st: StoreState): void {
  const rows = st.db.prepare('SELECT id, labels, sealed_max_t, ooo_sealed_seq FROM series ORDER BY id').all() as {
    id: number;
    labels: string;
    sealed_max_t: number;
    ooo_sealed_seq: number;
  }[];
  let maxSeq = 0;
  for (const r of rows) {
    let labels: Labels;
    try {
      labels = JSON.parse(r.labels) as Labels;
    } catch {
      throw new StoreError('store_corrupt', `series ${r.id} has unreadable labels: restore from a snapshot`, st.options.path);
    }
    const state = new SeriesState(r.id, labels, r.sealed_max_t, r.ooo_sealed_seq);
    st.states.set(r.id, state);
    st.index.add(r.id, labels);
    if (r.ooo_sealed_seq > maxSeq) maxSeq = r.ooo_sealed_seq;
    if (r.sealed_max_t > st.newestT) st.newestT = r.sealed_max_t;
  }
  loadFamilyTypes(st);
  loadArchiveBoundary(st);
  loadCounters(st);
  // Replay: put back every accepted sample that no sealed chunk holds yet.
  const replay = st.db.transaction(() => {
    for (const row of st.db.prepare('SELECT seq, data FROM wal ORDER BY seq').iterate() as Iterable<{
      seq: number;
      data: Uint8Array;
    }>) {
      maxSeq = Math.max(maxSeq, row.seq);
      st.wal.add(row.seq, row.data.byteLength);
      replayRow(st, row.seq, row.data);
    }
  });
  replay();
  st.nextSeq = maxSeq + 1;
}

function replayRow(st: StoreState, seq: number, data: Uint8Array): void {
  const rec = decodeWalRecord(data, seq);
  let k = 0;
  for (let e = 0; e < rec.seriesIds.length; e++) {
    const state = st.states.get(rec.seriesIds[e]);
    const n = rec.counts[e];
    // Rows written before empty entries were left out name series whose samples were all
    // refused; retention may have forgotten those series since.
    if (!state && n === 0) continue;
    if (!state)
      throw new StoreError(
        'store_corrupt',
        `write-ahead row ${seq} names series ${rec.seriesIds[e]}, which does not exist: restore from a snapshot`,
      );
    if (n > 0) state.lastSeq = seq;
    for (let i = 0; i < n; i++, k++) {
      const t = rec.timestamps[k];
      const v = rec.values[k];
      if (t > st.newestT) st.newestT = t;
      if (rec.outOfOrder[k]) {
        if (seq > state.oooSealedSeq && state.ooo.insertSorted(t, v) && state.ooo.length === 1) state.oooFirstSeq = seq;
      } else if (t > state.maxT) {
        appendInOrder(st, state, t, v, seq);
      }
    }
  }
}

/** After a failed write the heads may disagree with the file: rebuild them from it. */
export function reloadAfterFailure(st: StoreState): void {
  st.states.clear();
  // Unjournaled samples were only in memory: their caller's redo log has them still.
  st.unjournaled.clear();
  st.index = new SeriesIndex();
  st.chunks.reload();
  st.rollups.reload();
  st.wal.clear();
  st.newestT = -Infinity;
  st.lastIdleScanAt = -Infinity;
  st.sealedSinceTruncate = true;
  loadStore(st);
}

/** Writes an append's row (inside its transaction). */
export function writeWalRow(st: StoreState, seq: number, data: Uint8Array): void {
  st.stmt.insertWal.run(seq, data);
  st.wal.add(seq, data.byteLength);
}

function minPinnedSeq(st: StoreState): number {
  let min = st.nextSeq + 1;
  for (const state of st.states.values()) {
    const p = state.pinnedSeq;
    if (p < min) min = p;
  }
  return min;
}

/** Deletes journal rows no head needs any more; only a seal can free some. */
export function truncateWal(st: StoreState): void {
  if (!st.sealedSinceTruncate) return;
  st.sealedSinceTruncate = false;
  const keepFrom = minPinnedSeq(st);
  if (!st.wal.anyBefore(keepFrom)) return;
  st.stmt.truncateWal.run(keepFrom);
  st.wal.dropBefore(keepFrom);
}
