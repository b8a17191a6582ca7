// Reads of many short rowid ranges (a query's series in each time window) in one
// statement: the ranges go to SQLite as one JSON array that the statement joins against
// the table, so SQLite seeks range after range itself. One JavaScript call per range
// (better-sqlite3 binds, steps and resets each) used to cost more than the rows it found
// when series are few or far apart. CROSS JOIN keeps SQLite from reordering the loops: the
// ranges outside, one rowid seek each inside, whatever statistics the file may gather.

import type Database from 'better-sqlite3';

/**
 * Rows (as the callers estimate them) per statement: a statement's rows are fetched at once
 * (faster than one call per row), so this bounds how long a read runs before its visitor
 * sees a row and may stop it (a query past its deadline), and the JSON text of the ranges.
 */
const BATCH_ROWS = 4096;

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

/**
 * Rows of `stmt` (from prepareRangeScan) over the ranges [lo[k], hi[k]), handed to `visit`
 * in the order of the ranges; `rows[k]` is about how many rows range k holds (one per
 * series, for the callers' ranges), which sizes the batches.
 */
export function scanRanges<Row extends unknown[]>(
  stmt: Database.Statement,
  lo: readonly number[],
  hi: readonly number[],
  rows: readonly number[],
  visit: (row: Row) => void,
): void {
  let from = 0;
  while (from < lo.length) {
    let json = '[';
    let batch = 0;
    let k = from;
    for (; k < lo.length && (k === from || batch + rows[k] <= BATCH_ROWS); k++) {
      json += `${k > from ? ',' : ''}[${lo[k]},${hi[k]}]`;
      batch += rows[k];
    }
    json += ']';
    for (const row of stmt.all(json) as Row[]) visit(row);
    from = k;
  }
}
