// Many rowid ranges read in one statement: every row of every range, in range order, and
// nothing between them, past the batch size and with keys far above 2^32.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { prepareRangeScan, scanRanges } from './key-ranges.ts';

describe('scanRanges', () => {
  it('reads the rows of each range in the order of the ranges', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (key INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const base = 2 ** 50;
    const insert = db.prepare('INSERT INTO t (key, v) VALUES (?, ?)');
    db.transaction(() => {
      for (let k = 0; k < 30_000; k++) insert.run(base + k, `v${k}`);
    })();
    // 9,000 ranges of two keys each (several statements), every third pair, listed from the last to the first.
    const lo: number[] = [];
    const hi: number[] = [];
    for (let k = 26_997; k >= 0; k -= 3) {
      lo.push(base + k);
      hi.push(base + k + 2);
    }
    const seen: [number, string][] = [];
    scanRanges<[number, string]>(
      prepareRangeScan(db, 't', ['key', 'v']),
      lo,
      hi,
      lo.map(() => 2),
      (row) => seen.push(row),
    );
    const expected = lo.flatMap((l) => [l, l + 1]).map((key) => [key, `v${key - base}`]);
    expect(seen).toEqual(expected);
    db.close();
  });

  it('reads nothing for no ranges', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (key INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    db.prepare('INSERT INTO t (key, v) VALUES (1, ?)').run('x');
    const seen: unknown[] = [];
    scanRanges(prepareRangeScan(db, 't', ['key', 'v']), [], [], [], (row) => seen.push(row));
    expect(seen).toEqual([]);
    db.close();
  });
});
