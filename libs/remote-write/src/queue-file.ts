// The queue's SQLite file (docs/formats/remote-write-queue.md): opened on its own or
// attached to the store's connection, its tables made, its format checked, and the
// statements the queue runs prepared once.

import Database from 'better-sqlite3';

export const QUEUE_PARTITIONS = 32;
const FORMAT_VERSION = '1';
const ATTACHED_SCHEMA = 'remote_write';

export interface QueueFileOptions {
  /** The queue file. */
  path: string;
  /**
   * A connection to share (the store's): the file is attached to it, so that `enqueue`
   * inside the caller's transaction commits with it. Without it, the queue opens its own.
   */
  attachTo?: Database.Database;
  /** NORMAL: survives the process being killed; FULL: also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

export interface QueueTotals {
  segments: number;
  samples: number;
  bytes: number;
}

export class QueueFile {
  readonly path: string;
  readonly db: Database.Database;
  /** `main`, or the attached schema's name on a shared connection. */
  readonly schema: string;
  /**
   * Segments are deflated (files made since this was added; older ones say nothing and
   * are read as they are): labels repeat from segment to segment, and a segment of one
   * sample per series shrinks about six times, so a byte limit holds that much more outage.
   */
  readonly compressed: boolean;
  readonly stmt: ReturnType<QueueFile['prepare']>;
  /** What the file held when opened. */
  readonly totalsAtOpen: QueueTotals;
  private readonly own: boolean;

  constructor(o: QueueFileOptions) {
    this.path = o.path;
    const sync = o.synchronous ?? 'NORMAL';
    if (o.attachTo) {
      this.db = o.attachTo;
      this.own = false;
      this.schema = ATTACHED_SCHEMA;
      this.db.prepare(`ATTACH DATABASE ? AS ${ATTACHED_SCHEMA}`).run(o.path);
    } else {
      this.db = new Database(o.path);
      this.own = true;
      this.schema = 'main';
    }
    try {
      const s = this.schema;
      this.db.pragma(`${s}.auto_vacuum = INCREMENTAL`);
      this.db.pragma(`${s}.locking_mode = EXCLUSIVE`);
      this.db.pragma(`${s}.journal_mode = WAL`);
      this.db.pragma(`${s}.synchronous = ${sync}`);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ${s}.segments (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          partition INTEGER NOT NULL,
          samples INTEGER NOT NULL,
          created_ms INTEGER NOT NULL,
          data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ${s}.segments_partition ON segments (partition, id);
        CREATE TABLE IF NOT EXISTS ${s}.cursors (
          endpoint TEXT NOT NULL,
          partition INTEGER NOT NULL,
          next_id INTEGER NOT NULL,
          done INTEGER NOT NULL,
          PRIMARY KEY (endpoint, partition)
        ) WITHOUT ROWID;
      `);
      const meta = new Map(
        (this.db.prepare(`SELECT key, value FROM ${s}.meta`).all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
      );
      if (meta.size === 0) {
        const put = this.db.prepare(`INSERT INTO ${s}.meta (key, value) VALUES (?, ?)`);
        put.run('format', FORMAT_VERSION);
        put.run('partitions', String(QUEUE_PARTITIONS));
        put.run('compression', 'deflate-raw');
        meta.set('compression', 'deflate-raw');
      } else if (meta.get('format') !== FORMAT_VERSION || meta.get('partitions') !== String(QUEUE_PARTITIONS)) {
        throw new Error(
          `${o.path}: remote-write queue format ${meta.get('format')} with ${meta.get('partitions')} partitions is not this version's (${FORMAT_VERSION}, ${QUEUE_PARTITIONS}): move the file away (its unsent samples are lost) and restart`,
        );
      }
      const compression = meta.get('compression');
      if (compression !== undefined && compression !== 'deflate-raw')
        throw new Error(
          `${o.path}: remote-write queue compression ${compression} is not one this version reads: move the file away (its unsent samples are lost) and restart`,
        );
      this.compressed = compression === 'deflate-raw';
      this.stmt = this.prepare();
      this.totalsAtOpen = this.db
        .prepare(
          `SELECT count(*) AS segments, coalesce(sum(samples), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM ${s}.segments`,
        )
        .get() as QueueTotals;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private prepare() {
    const s = this.schema;
    return {
      insert: this.db.prepare(`INSERT INTO ${s}.segments (partition, samples, created_ms, data) VALUES (?, ?, ?, ?)`),
      scan: this.db.prepare(
        `SELECT id, partition, samples, length(data) AS bytes FROM ${s}.segments WHERE id >= ? AND partition % ? = ? ORDER BY id`,
      ),
      scanAll: this.db.prepare(`SELECT id, partition, samples, length(data) AS bytes FROM ${s}.segments WHERE id >= ? ORDER BY id`),
      data: this.db.prepare(`SELECT data FROM ${s}.segments WHERE id = ?`).pluck(),
      putCursor: this.db.prepare(`INSERT OR REPLACE INTO ${s}.cursors (endpoint, partition, next_id, done) VALUES (?, ?, ?, ?)`),
      deleteBelow: this.db.prepare(`DELETE FROM ${s}.segments WHERE partition = ? AND id < ? RETURNING samples, length(data) AS bytes`),
      oldest: this.db.prepare(`SELECT created_ms FROM ${s}.segments WHERE partition = ? AND id >= ? ORDER BY id LIMIT 1`).pluck(),
      pendingFrom: this.db.prepare(
        `SELECT coalesce(sum(samples), 0) AS samples, coalesce(sum(length(data)), 0) AS bytes FROM ${s}.segments WHERE partition = ? AND id >= ?`,
      ),
      lastId: this.db.prepare(`SELECT coalesce((SELECT seq FROM ${s}.sqlite_sequence WHERE name = 'segments'), 0)`).pluck(),
    };
  }

  /** Gives free pages back to the file system when many have piled up. */
  compact(): void {
    const free = this.db.pragma(`${this.schema}.freelist_count`, { simple: true }) as number;
    if (free > 256) this.db.pragma(`${this.schema}.incremental_vacuum`);
  }

  close(): void {
    if (this.own) {
      if (this.db.open) this.db.close();
    } else if (this.db.open) {
      try {
        this.db.pragma(`${ATTACHED_SCHEMA}.wal_checkpoint(TRUNCATE)`);
        this.db.prepare(`DETACH DATABASE ${ATTACHED_SCHEMA}`).run();
      } catch {
        // Detaching fails inside a transaction; the connection's close detaches it anyway.
      }
    }
  }
}
