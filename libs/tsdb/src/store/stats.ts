// What the store holds and what it refused: sizes for the status page, and the rejection
// and repeat counters, which outlive restarts in the `counters` table.

import { statSync } from 'node:fs';
import { assertOpen, type StoreState } from './state.ts';
import type { AppendResult, StoreStats, StoreTotals } from './types.ts';

/** At open: the counters as the last flush left them. */
export function loadCounters(st: StoreState): void {
  for (const c of st.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]) {
    if (c.name in st.counters) st.counters[c.name as keyof typeof st.counters] = c.value;
  }
}

/** Writes the counters (inside the caller's transaction). */
export function saveCounters(st: StoreState): void {
  for (const [name, value] of Object.entries(st.counters)) st.stmt.putCounter.run(name, value);
}

/** Adds what one append refused or repeated (series refused as a whole are counted as they are found). */
export function countAppend(st: StoreState, result: AppendResult): void {
  st.counters.duplicates += result.duplicates;
  st.counters.conflicts += result.conflicts;
  st.counters.tooOld += result.tooOld;
  st.counters.tooFarAhead += result.tooFarAhead;
  st.counters.outOfOrder += result.outOfOrder;
}

/**
 * What the store's sealed data adds up to: a scan of the chunk and rollup tables, which
 * grows with the store (tens of milliseconds for twenty million samples), so a caller that
 * asks often (the hub's own metrics) computes it off its main thread (StoreReplica.totals).
 */
export function storeTotals(db: StoreState['db']): StoreTotals {
  const chunks = db
    .prepare('SELECT count(*) AS chunks, coalesce(sum(count), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM chunks')
    .get() as { chunks: number; samples: number; bytes: number };
  const rollupBytes = (db.prepare('SELECT coalesce(sum(length(data)), 0) FROM rollups').pluck().get() as number) ?? 0;
  // Timestamps shared by a window's chunks are part of what the chunks take.
  const timelineBytes = db.prepare('SELECT coalesce(sum(length(data)), 0) FROM timelines').pluck().get() as number;
  return { chunks: chunks.chunks, sealedSamples: chunks.samples, chunkBytes: chunks.bytes + timelineBytes, rollupBytes };
}

/** The store's figures; `totals` as computed elsewhere (storeTotals), else scanned now. */
export function stats(st: StoreState, totals?: StoreTotals): StoreStats {
  assertOpen(st);
  const sealed = totals ?? storeTotals(st.db);
  let headSamples = 0;
  for (const s of st.states.values()) headSamples += s.head.length + s.ooo.length;
  const pageSize = st.db.pragma('page_size', { simple: true }) as number;
  const pages = st.db.pragma('page_count', { simple: true }) as number;
  const samples = sealed.sealedSamples + headSamples;
  const fileBytes = pageSize * pages;
  let walFileBytes = 0;
  try {
    walFileBytes = statSync(`${st.options.path}-wal`).size;
  } catch {
    walFileBytes = 0;
  }
  return {
    series: st.index.size,
    samples,
    headSamples,
    chunks: sealed.chunks,
    chunkBytes: sealed.chunkBytes,
    rollupBytes: sealed.rollupBytes,
    fileBytes,
    walFileBytes,
    bytesPerSample: samples ? fileBytes / samples : 0,
    rejected: {
      tooOld: st.counters.tooOld,
      tooFarAhead: st.counters.tooFarAhead,
      conflicts: st.counters.conflicts,
      cardinality: st.counters.cardinality,
      invalid: st.counters.invalid,
    },
    duplicates: st.counters.duplicates,
    outOfOrder: st.counters.outOfOrder,
  };
}
