// Where the bytes of a store file go, per table (SQLite's dbstat): payload, unused space
// in pages, free pages. For tuning the layout; prints only.
//
//   npx tsx libs/tsdb/bench/file-breakdown.ts path/to/hub.db
import Database from 'better-sqlite3';

const path = process.argv[2];
if (!path) {
  console.error('usage: file-breakdown.ts <store.db>');
  process.exit(2);
}
const db = new Database(path, { readonly: true });
const rows = db
  .prepare(
    'SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(unused) AS unused, sum(payload) AS payload FROM dbstat GROUP BY name ORDER BY bytes DESC',
  )
  .all() as { name: string; pages: number; bytes: number; unused: number; payload: number }[];
console.table(rows);
console.log(`free pages: ${db.pragma('freelist_count', { simple: true })}, page size: ${db.pragma('page_size', { simple: true })}`);
