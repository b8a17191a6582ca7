// The SQLite layout (docs/formats/store.md draws it). One writer process holds the file;
// WAL journal mode so that a commit is one append to the journal and readers on their own
// connections (the hub's query workers, see replica.ts) read a consistent snapshot beside
// it. One writer at a time: the writer holds an exclusive lock on a companion file
// (`<file>-lock`) for as long as it is open, so that a second hub on the same folder fails
// fast instead of corrupting the heads; the database itself keeps SQLite's normal locking,
// which readers need.

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

-- Timestamp columns that chunks of one window share, keyed (window, index in the window)
-- the way chunks are; a chunk on one names it and its checksum (chunk-table.ts).
CREATE TABLE IF NOT EXISTS timelines (key INTEGER PRIMARY KEY, data BLOB NOT NULL);

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
  /** The writer's lock (see the top of this file): closed with `db`. */
  lock: Database.Database;
  created: boolean;
  /** The chunk window the file was created with. */
  chunkWindowMs: number;
}

export function openDatabase(
  path: string,
  options: { pageSize: number; synchronous: 'NORMAL' | 'FULL'; chunkWindowMs: number; windowExplicit: boolean },
): OpenedDatabase {
  const lock = takeWriterLock(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 1000 });
  } catch (e) {
    lock.close();
    throw translateSqliteError(e, path);
  }
  try {
    const fresh = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'meta'").get() as { n: number }).n === 0;
    if (fresh) {
      // Both must be set before the first table exists.
      db.pragma(`page_size = ${options.pageSize}`);
      db.pragma('auto_vacuum = INCREMENTAL');
    }
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    // 16 MB: the writer reads little (queries run on replicas, each with its own cache); 64 MB
    // added ~50 MB to the hub while an import committed, and no speed beyond run-to-run noise.
    db.pragma('cache_size = -16384');
    db.pragma('temp_store = MEMORY');
    // A writer of an older version holds the file itself exclusively: fail here, with a clear message.
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
    return { db, lock, created: fresh, chunkWindowMs: window };
  } catch (e) {
    db.close();
    lock.close();
    throw translateSqliteError(e, path);
  }
}

/**
 * The companion file `<path>-lock`, locked exclusively for as long as the returned
 * connection is open. The operating system drops the lock when the process dies, kill -9
 * included, so a stale file never keeps a hub out.
 */
function takeWriterLock(path: string): Database.Database {
  let lock: Database.Database | undefined;
  try {
    lock = new Database(`${path}-lock`, { timeout: 1000 });
    lock.pragma('locking_mode = EXCLUSIVE');
    // In exclusive locking mode the lock taken here is kept after the (empty) transaction.
    lock.exec('BEGIN EXCLUSIVE; COMMIT;');
    return lock;
  } catch (e) {
    lock?.close();
    throw translateSqliteError(e, path);
  }
}

/**
 * A read-only connection beside the writer (its own snapshot per read transaction). The
 * file must exist: readers never create a store.
 */
export function openReadOnly(path: string): { db: Database.Database; chunkWindowMs: number } {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 1000 });
  } catch (e) {
    throw translateSqliteError(e, path);
  }
  try {
    db.pragma('cache_size = -16384');
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as string | undefined;
    if (stored === undefined || Number(stored) > SCHEMA_VERSION) {
      throw new StoreError(
        'store_version',
        `the database has no schema this build reads (schema ${stored ?? 'none'}, this build reads up to ${SCHEMA_VERSION}): open it with the hub that wrote it`,
        path,
      );
    }
    const window = Number(db.prepare("SELECT value FROM meta WHERE key = 'chunk_window_ms'").pluck().get() as string);
    return { db, chunkWindowMs: window };
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
