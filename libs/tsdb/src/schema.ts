// The SQLite layout (docs/formats/store.md draws it). One writer process holds the file;
// WAL journal mode so that a commit is one append to the journal, and an exclusive lock so
// that a second hub on the same folder fails fast instead of corrupting the head.

import Database from 'better-sqlite3';
import { StoreError } from './errors.ts';

export const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- One row per series. sealed_max_t: every in-order sample at or before it is in a sealed
-- chunk; ooo_sealed_seq: every out-of-order sample from wal rows up to it is sealed.
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  labels TEXT NOT NULL,
  sealed_max_t INTEGER NOT NULL DEFAULT -9007199254740991,
  ooo_sealed_seq INTEGER NOT NULL DEFAULT 0
);

-- Sealed chunks are immutable. The rowid is (window, series, sequence) (row-keys.ts):
-- rows are stored in time order, appends fill pages, and no second index is needed.
CREATE TABLE IF NOT EXISTS chunks (
  key INTEGER PRIMARY KEY,
  -- first and last sample time, as offsets from the window's start
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL
);

-- Downsampled buckets, one row per (resolution, window, series), keyed the same way.
CREATE TABLE IF NOT EXISTS rollups (key INTEGER PRIMARY KEY, data BLOB NOT NULL);

-- The write-ahead table: raw accepted batches not yet sealed into chunks, replayed on open.
CREATE TABLE IF NOT EXISTS wal (seq INTEGER PRIMARY KEY, data BLOB NOT NULL);

CREATE TABLE IF NOT EXISTS metadata (
  metric TEXT PRIMARY KEY, type TEXT NOT NULL, help TEXT NOT NULL, unit TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

export interface OpenedDatabase {
  db: Database.Database;
  created: boolean;
  /** The chunk window the file was created with. */
  chunkWindowMs: number;
}

export function openDatabase(
  path: string,
  options: { pageSize: number; synchronous: 'NORMAL' | 'FULL'; chunkWindowMs: number; windowExplicit: boolean },
): OpenedDatabase {
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 1000 });
  } catch (e) {
    throw translateSqliteError(e, path);
  }
  try {
    const fresh = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'meta'").get() as { n: number }).n === 0;
    if (fresh) {
      // Both must be set before the first table exists.
      db.pragma(`page_size = ${options.pageSize}`);
      db.pragma('auto_vacuum = INCREMENTAL');
    }
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    // Taking the write lock now makes a second process fail here, with a clear message.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
    db.exec(DDL);
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (!stored) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      db.prepare("INSERT INTO meta (key, value) VALUES ('chunk_window_ms', ?)").run(String(options.chunkWindowMs));
    } else if (Number(stored.value) > SCHEMA_VERSION) {
      throw new StoreError(
        'store_version',
        `the database was written by a newer version (schema ${stored.value}, this build reads up to ${SCHEMA_VERSION}): upgrade the hub, or open a copy with the newer version`,
        path,
      );
    }
    const window = Number((db.prepare("SELECT value FROM meta WHERE key = 'chunk_window_ms'").get() as { value: string }).value);
    if (options.windowExplicit && window !== options.chunkWindowMs) {
      throw new StoreError(
        'invalid_option',
        `store option chunkWindowMs is ${options.chunkWindowMs} but this database was created with ${window}: the window cannot change for an existing store, so leave the option out or set it to ${window}`,
        path,
      );
    }
    return { db, created: fresh, chunkWindowMs: window };
  } catch (e) {
    db.close();
    throw translateSqliteError(e, path);
  }
}

/** Turns SQLite's terse codes into messages that say what happened and what to do. */
export function translateSqliteError(e: unknown, path: string): Error {
  if (e instanceof StoreError) return e;
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
    case 'SQLITE_CORRUPT_INDEX':
    case 'SQLITE_CORRUPT_SEQUENCE':
    case 'SQLITE_CORRUPT_VTAB':
      return new StoreError(
        'store_corrupt',
        `the database file is damaged (${err.code}: ${err.message}): restore it from a snapshot, or move it aside to start with an empty store`,
        path,
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError(
        'store_locked',
        'the database is in use by another process (is another hub running on this data directory?): stop it or choose another data directory',
        path,
      );
    case 'SQLITE_CANTOPEN':
      return new StoreError(
        'invalid_option',
        `cannot open the database file (${err.message}): check that the folder exists and is writable`,
        path,
      );
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}
