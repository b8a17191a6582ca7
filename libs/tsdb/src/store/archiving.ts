// Archiving to cold storage: whole UTC days past raw retention move from the store's
// chunks into immutable per-day files (libs/tsdb/src/archive), in the background.

import { ChunkFormatError, formatLabels } from '@metrics-hub/wire';
import type { ChunkRow } from '../chunk-table.ts';
import type { SeriesState } from '../series-state.ts';
import { ColdArchive, dayName } from '../archive/cold-archive.ts';
import type { ArchiveSeriesInput } from '../archive/day-file.ts';
import { StoreError } from '../errors.ts';
import { DAY } from '../options.ts';
import { flushOutOfOrder, sealHead } from './heads.ts';
import { iso } from './read.ts';
import { assertOpen, clockedNewest, type StoreState } from './state.ts';
import type { ArchiveOutcome, ArchiveState } from './types.ts';

/** At open, when cold storage is on. */
export function openColdArchive(st: StoreState): void {
  const options = st.options.archive;
  if (options) {
    const usedBefore = st.db.prepare("SELECT 1 FROM meta WHERE key = 'archived_through'").pluck().get() !== undefined;
    st.archive = new ColdArchive(options.dir, options.log, usedBefore);
  }
}

/** At open: how far the archive reaches (and so which samples are refused). */
export function loadArchiveBoundary(st: StoreState): void {
  if (st.archive) {
    const through = st.db.prepare("SELECT value FROM meta WHERE key = 'archived_through'").pluck().get() as string | undefined;
    if (through !== undefined) st.archivedThrough = st.closedThrough = Number(through);
  }
}

export function archiveSettled(st: StoreState): Promise<ArchiveOutcome> {
  return st.archiving ?? Promise.resolve({ daysArchived: 0 });
}

/**
 * Moves every whole UTC day past raw retention into the archive, oldest first, in the
 * background: appends go on meanwhile (the days being archived refuse late samples from
 * the start, so their chunks cannot change), and a day's file is written a few hundred
 * series at a time. The file is synced before the day's chunks are deleted, so a crash in
 * between leaves the day in both (the next run writes it again as a second part; reads
 * merge them). A day that cannot be written stays in the store; the next run tries again.
 */
export function startArchiving(st: StoreState): void {
  if (st.archiving || lastDayToArchive(st) <= st.archivedThrough) return;
  // Cleared by the run when it ends; until then, later calls leave it to catch up.
  st.archiving = archiveDays(st);
}

function lastDayToArchive(st: StoreState): number {
  return Math.floor((clockedNewest(st) - st.options.retention.rawMs) / DAY) * DAY;
}

async function archiveDays(st: StoreState): Promise<ArchiveOutcome> {
  try {
    // Not inside the append that found days due: after it, and after the appends queued
    // behind it. (Awaited first, so `archiving` is set before this can end.)
    await new Promise((resolve) => setImmediate(resolve));
    return await archiveDueDays(st);
  } finally {
    st.archiving = undefined;
  }
}

async function archiveDueDays(st: StoreState): Promise<ArchiveOutcome> {
  const archive = st.archive!;
  const log = st.options.archive!.log;
  let daysArchived = 0;
  // More days may come due while this runs: go on while that moves the boundary.
  for (
    let lastDayEnd = lastDayToArchive(st), before = NaN;
    !st.closed && lastDayEnd > st.archivedThrough && before !== st.archivedThrough;
    lastDayEnd = lastDayToArchive(st)
  ) {
    before = st.archivedThrough;
    st.closedThrough = lastDayEnd;
    // Samples still in heads or late-sample buffers join their day's chunks first.
    st.db.transaction(() => {
      for (const state of st.states.values()) {
        if (state.head.length && state.head.timestamps[0] <= lastDayEnd) sealHead(st, state);
        if (state.ooo.length && state.ooo.timestamps[0] <= lastDayEnd) flushOutOfOrder(st, state, st.nextSeq - 1);
      }
    })();
    const oldest = st.chunks.oldestWindowEnd();
    for (let dayStart = Math.max(Math.ceil(oldest / DAY) * DAY - DAY, st.archivedThrough); dayStart < lastDayEnd; dayStart += DAY) {
      const dayEnd = dayStart + DAY;
      if (st.chunks.anyEndingIn(dayStart, dayEnd)) {
        const started = Date.now();
        let written;
        try {
          written = await archive.writeDay(dayStart, dayChunks(st, dayStart, dayEnd), started, {
            yieldEvery: 256,
            stopped: () => st.closed,
          });
        } catch (e) {
          st.lastArchiveError = (e as Error).message;
          log(`cold storage: ${st.lastArchiveError}`);
          if (!st.closed) st.closedThrough = st.archivedThrough;
          return { daysArchived, error: st.lastArchiveError };
        }
        // Stopped by close(): the day is still whole in the store.
        if (!written || st.closed) return { daysArchived };
        st.lastArchiveError = undefined;
        daysArchived++;
        log(
          `cold storage: archived ${dayName(dayStart)} (${written.series} series, ${written.samples} samples, ${written.bytes} bytes) in ${Date.now() - started} ms to ${written.path}`,
        );
      }
      closeThrough(st, dayEnd);
    }
  }
  if (st.closed) return { daysArchived };
  // Days before the oldest chunk stay open: history imported later is archived next time.
  st.closedThrough = st.archivedThrough;
  archive.dropThrough(clockedNewest(st) - st.options.archive!.retentionMs);
  return { daysArchived };
}

/** Deletes the chunks of days through `dayEnd` (archived by now) and records how far that is. */
function closeThrough(st: StoreState, dayEnd: number): void {
  if (dayEnd <= st.archivedThrough) return;
  st.db.transaction(() => {
    st.chunks.dropThrough(dayEnd);
    st.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('archived_through', ?)").run(String(dayEnd));
  })();
  st.archivedThrough = dayEnd;
}

function selfContained(st: StoreState, state: SeriesState, row: ChunkRow): Uint8Array | undefined {
  try {
    return st.chunks.selfContained(row);
  } catch (e) {
    if (!(e instanceof ChunkFormatError)) throw e;
    throw new StoreError(
      'store_corrupt',
      `the chunk of ${formatLabels(state.labels)} at ${iso(row.start_ms)} is damaged (${e.message}): restore the database from a snapshot, then archive again`,
      st.options.path,
    );
  }
}

/**
 * The chunks of one day, series by series, as bytes that decode alone: a chunk on a
 * timeline (chunk-table.ts) is written out with its timestamps, since the archive keeps
 * no timelines.
 */
function* dayChunks(st: StoreState, dayStart: number, dayEnd: number): Generator<ArchiveSeriesInput> {
  for (const state of st.states.values()) {
    // The writer awaits between series: the store may have been closed meanwhile.
    if (st.closed) return;
    const rows = st.chunks.inRange(state.id, dayStart + 1, dayEnd);
    if (rows.length === 0) continue;
    yield {
      labels: state.labels,
      chunks: rows.map((r) => {
        const data = selfContained(st, state, r);
        if (!data)
          throw new StoreError(
            'store_corrupt',
            `the chunk of ${formatLabels(state.labels)} at ${iso(r.start_ms)} vanished while archiving`,
            st.options.path,
          );
        return { startMs: r.start_ms, endMs: r.end_ms, count: r.count, data };
      }),
    };
  }
}

export function archiveStatus(st: StoreState): ArchiveState | undefined {
  if (!st.archive) return undefined;
  return {
    ...st.archive.status(),
    archivedThrough: st.archivedThrough === -Infinity ? undefined : st.archivedThrough,
    retentionMs: st.options.archive!.retentionMs,
    lastError: st.lastArchiveError,
  };
}

export function verifyArchive(st: StoreState, onProgress?: (done: number, total: number) => void): { file: string; reason: string }[] {
  assertOpen(st);
  if (!st.archive) throw new StoreError('invalid_option', 'cold storage is off: set store.archive_dir (StoreOptions.archive) to use it');
  return st.archive.verify(onProgress);
}
