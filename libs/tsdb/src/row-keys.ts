// Chunks and rollups live in rowid tables whose rowid is built from (time window, series,
// sequence). Rows are then stored in time order without a second index, new windows
// append at the end of the B-tree (SQLite packs such appends into full pages), a series'
// rows in one window are one short rowid range, and retention deletes a prefix.
//
//   chunk rowid:  window index (signed, |i| < 2^21) | series id (25 bits) | sequence (6 bits)
//   rollup rowid: resolution (1 bit) | window index + 2^25 (26 bits) | series id (25 bits)
//
// All keys stay below 2^53 in magnitude, so they are exact JavaScript numbers.

import { StoreError } from './errors.ts';

export const MAX_SERIES_ID = 2 ** 25 - 1;
export const CHUNK_SEQ_LIMIT = 2 ** 6;
const SERIES_SPAN = 2 ** 25;
const ROLLUP_WINDOW_BIAS = 2 ** 25;

export function chunkKey(windowIndex: number, seriesId: number, seq: number): number {
  if (Math.abs(windowIndex) >= 2 ** 21) throw outOfRange();
  return (windowIndex * SERIES_SPAN + seriesId) * CHUNK_SEQ_LIMIT + seq;
}

/** The first chunk key of a window: every key below it belongs to an earlier window. */
export function firstChunkKeyOf(windowIndex: number): number {
  return windowIndex * SERIES_SPAN * CHUNK_SEQ_LIMIT;
}

export function rollupKey(resolutionBit: 0 | 1, windowIndex: number, seriesId: number): number {
  const biased = windowIndex + ROLLUP_WINDOW_BIAS;
  if (biased < 0 || biased >= 2 * ROLLUP_WINDOW_BIAS) throw outOfRange();
  return (resolutionBit * 2 * ROLLUP_WINDOW_BIAS + biased) * SERIES_SPAN + seriesId;
}

/** Splits a rollup key back into its window index and series id. */
export function rollupKeyParts(key: number): { windowIndex: number; seriesId: number } {
  const seriesId = key % SERIES_SPAN;
  const biased = Math.floor(key / SERIES_SPAN) % (2 * ROLLUP_WINDOW_BIAS);
  return { windowIndex: biased - ROLLUP_WINDOW_BIAS, seriesId };
}

/**
 * Selected series ids at most this far apart are read as one key range per window (the
 * rows of the series between them are read and dropped). The ranges of a read go to SQLite
 * in one statement (key-ranges.ts), where one more range costs a seek, less than the rows
 * of a series read for nothing: only neighbours are joined.
 */
const MAX_GAP = 1;

/** Runs [first, last] of ascending series ids, each id at most MAX_GAP after the one before: one scan each. */
export function idRuns(ids: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const id of ids) {
    const run = runs[runs.length - 1];
    if (run && id - run[1] <= MAX_GAP) run[1] = id;
    else runs.push([id, id]);
  }
  return runs;
}

function outOfRange(): StoreError {
  return new StoreError('invalid_append', 'timestamp outside the supported range: keep sample times within two centuries of 1970');
}
