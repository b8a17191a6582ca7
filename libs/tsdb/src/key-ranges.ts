// Reads of many short rowid ranges (a query's series in each time window) in one
// statement: the ranges go to SQLite as one JSON array that the statement joins against
// the table, so SQLite seeks range after range itself. One JavaScript call per range
// (better-sqlite3 binds, steps and resets each) used to cost more than the rows it found
// when series are few or far apart. CROSS JOIN keeps SQLite from reordering the loops: the
// ranges outside, one rowid seek each inside, whatever statistics the file may gather.

import type Database from 'better-sqlite3';

/** Ranges per statement: bounds the JSON text of a read over a long time span. */
const BATCH = 4096;

/**
 * A statement over `table` that returns `columns` of the rows whose rowid lies in any
 * [lo, hi) of a JSON array of [lo, hi] pairs, in the order of the pairs.
 */
export function prepareRangeScan(db: Database.Database, table: string, columns: readonly string[]): Database.Statement {
  const list = columns.map((c) => `t.${c}`).join(', ');
  return db
    .prepare(`SELECT ${list} FROM json_each(?) AS r CROSS JOIN ${table} AS t ON t.rowid >= r.value ->> 0 AND t.rowid < r.value ->> 1`)
    .raw(true);
}

/** Rows of `stmt` (from prepareRangeScan) over the ranges [lo[k], hi[k]), handed to `visit` in the order of the ranges. */
export function scanRanges<Row extends unknown[]>(
  stmt: Database.Statement,
  lo: readonly number[],
  hi: readonly number[],
  visit: (row: Row) => void,
): void {
  for (let from = 0; from < lo.length; from += BATCH) {
    const to = Math.min(lo.length, from + BATCH);
    let json = '[';
    for (let k = from; k < to; k++) json += `${k > from ? ',' : ''}[${lo[k]},${hi[k]}]`;
    json += ']';
    // Streamed, so that a visitor that stops the read (a query past its deadline) stops it at once.
    for (const row of stmt.iterate(json) as IterableIterator<Row>) visit(row);
  }
}
