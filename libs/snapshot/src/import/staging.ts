// Samples held between reading an import and committing it, on disk: a SQLite file of its
// own in the staging folder (or an in-memory database when the caller gives none), so an
// all-or-nothing import of any size holds in memory only its series' labels and a few
// thousand samples per series being read. Samples are written as rows of up to ROW_SAMPLES
// raw float64 times and values per series (copied as bytes: NaN payloads survive).
//
// The file is also the import's redo log. `markCommitting` makes it durable and says so in
// the file before the first sample reaches the store; a hub that stops mid-commit finds it
// on its next start and commits it again (stored samples come back as duplicates), so an
// import is either wholly stored or not at all. A file still staging is an import nobody
// was told about: it is deleted.

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AppendSeries } from '@metrics-hub/tsdb';
import { labelsKey, type Labels } from '@metrics-hub/wire';

/**
 * What one staged series costs in memory besides its buffer, on top of twice its key's
 * length: the key string and its Map entry, the labels object, its slots in the lists.
 * Measured on V8 (Node 24) with one and five labels: 150 to 300 bytes; the estimate errs high.
 */
const SERIES_OVERHEAD_BYTES = 200;
/** Samples of one series per row. */
const ROW_SAMPLES = 4096;
/** Samples held in buffers across all series before they are all written out. */
const MAX_BUFFERED = 1 << 18;
const FIRST_BUFFER = 64;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS series (slot INTEGER PRIMARY KEY, labels TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS samples (
    slot INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL, min_t REAL NOT NULL, max_t REAL NOT NULL,
    ts BLOB NOT NULL, vs BLOB NOT NULL,
    PRIMARY KEY (slot, seq)
  ) WITHOUT ROWID;
`;

export type StagingPhase = 'staging' | 'committing';

export class Staging {
  private readonly db: Database.Database;
  private readonly slots = new Map<string, number>();
  private readonly bufTimes: (Float64Array | undefined)[] = [];
  private readonly bufValues: (Float64Array | undefined)[] = [];
  private readonly bufCount: number[] = [];
  private readonly rows: number[] = [];
  private buffered = 0;
  private seriesBytes = 0;
  private readonly insertSeries: Database.Statement;
  private readonly insertRow: Database.Statement;
  /** Samples staged. */
  size = 0;
  private newestT = Number.NEGATIVE_INFINITY;
  /** Series staged. */
  seriesCount = 0;

  /** A new staging file in `dir` (created if missing), or an in-memory one without a dir. */
  static create(dir?: string): Staging {
    if (dir === undefined) return new Staging(':memory:', undefined);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `import-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.db`);
    return new Staging(path, path);
  }

  /** A staging file left by an earlier run (see `pendingImports`). */
  static reopen(path: string): Staging {
    return new Staging(path, path);
  }

  private constructor(
    location: string,
    /** The file, when on disk. */
    readonly path: string | undefined,
  ) {
    this.db = new Database(location);
    // Nothing here needs to survive a crash until markCommitting, which syncs the file: no
    // journal file (OFF would be the same, but SQLite's defensive mode refuses it).
    this.db.pragma('journal_mode = MEMORY');
    this.db.pragma('synchronous = OFF');
    this.db.exec(SCHEMA);
    this.db.prepare(`INSERT OR IGNORE INTO meta VALUES ('phase', 'staging')`).run();
    this.insertSeries = this.db.prepare('INSERT INTO series VALUES (?, ?)');
    this.insertRow = this.db.prepare('INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.exec('BEGIN');
  }

  get phase(): StagingPhase {
    return (this.db.prepare(`SELECT value FROM meta WHERE key = 'phase'`).pluck().get() as StagingPhase) ?? 'staging';
  }

  /** Estimated bytes held in memory: the series (their labels, kept to find them), the buffers, and in memory the samples. */
  get bytes(): number {
    return this.seriesBytes + 16 * (this.path === undefined ? this.size : this.buffered);
  }

  /** The series' number in the staging, added when new. */
  slot(labels: Labels): number {
    const key = labelsKey(labels);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.seriesCount++;
      this.slots.set(key, slot);
      this.insertSeries.run(slot, JSON.stringify(labels));
      this.bufCount.push(0);
      this.bufTimes.push(undefined);
      this.bufValues.push(undefined);
      this.rows.push(0);
      this.seriesBytes += SERIES_OVERHEAD_BYTES + 2 * key.length;
    }
    return slot;
  }

  add(labels: Labels, t: number, v: number): void {
    this.addTo(this.slot(labels), t, v);
  }

  /** `add` for a series already given its slot. */
  addTo(slot: number, t: number, v: number): void {
    let times = this.bufTimes[slot];
    let n = this.bufCount[slot];
    if (times === undefined || n === times.length) {
      if (n === ROW_SAMPLES) {
        this.writeRow(slot);
        n = 0;
      } else this.grow(slot);
      times = this.bufTimes[slot]!;
    }
    times[n] = t;
    this.bufValues[slot]![n] = v;
    this.bufCount[slot] = n + 1;
    this.size++;
    if (++this.buffered > MAX_BUFFERED) this.flush();
  }

  /** Stages a block of one series; typed-array copies keep NaN payloads. */
  addBlock(labels: Labels, timestamps: Float64Array, values: Float64Array): void {
    const slot = this.slot(labels);
    this.writeRow(slot);
    for (let from = 0; from < timestamps.length; from += ROW_SAMPLES) {
      const to = Math.min(from + ROW_SAMPLES, timestamps.length);
      this.insert(slot, timestamps.subarray(from, to), values.subarray(from, to));
    }
    this.size += timestamps.length;
  }

  /** Writes every buffered sample to the file. */
  flush(): void {
    for (let slot = 0; slot < this.seriesCount; slot++) if (this.bufCount[slot] > 0) this.writeRow(slot);
    this.db.exec('COMMIT; BEGIN');
  }

  /** Keeps a value (metadata, options) with the staged samples, for whoever commits them. */
  setMeta(key: string, value: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)').run(key, JSON.stringify(value));
  }

  meta<T>(key: string): T | undefined {
    const text = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /**
   * Writes everything out, records that committing begins and syncs the file to disk: from
   * here on a crash means the import is committed again on the next start, not lost.
   */
  markCommitting(): void {
    this.flush();
    this.db.prepare(`UPDATE meta SET value = 'committing' WHERE key = 'phase'`).run();
    this.db.exec('COMMIT');
    if (this.path !== undefined) {
      const fd = openSync(this.path, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    this.db.exec('BEGIN');
  }

  /**
   * The staged series in append batches of at most `maxSeries` series and about
   * `maxSamples` samples (a bigger series comes in pieces, in the order it was read),
   * each series' samples sorted by time.
   */
  *batches(maxSamples: number, maxSeries: number): Generator<AppendSeries[]> {
    this.flush();
    let batch: AppendSeries[] = [];
    let inBatch = 0;
    let labels: Labels | undefined;
    let slot = -1;
    let pieces: { ts: Uint8Array; vs: Uint8Array; n: number }[] = [];
    let pieceSamples = 0;
    const emit = () => {
      if (pieces.length === 0) return;
      batch.push({ labels: labels!, ...sortByTime(concat(pieces, pieceSamples, 'ts'), concat(pieces, pieceSamples, 'vs')) });
      inBatch += pieceSamples;
      pieces = [];
      pieceSamples = 0;
    };
    const rows = this.db
      .prepare(
        'SELECT x.slot AS slot, s.labels AS labels, x.n AS n, x.ts AS ts, x.vs AS vs FROM samples x JOIN series s USING (slot) ORDER BY x.slot, x.seq',
      )
      .iterate() as IterableIterator<{ slot: number; labels: string; n: number; ts: Uint8Array; vs: Uint8Array }>;
    for (const row of rows) {
      if (row.slot !== slot) {
        emit();
        if (batch.length >= maxSeries) {
          yield batch;
          batch = [];
          inBatch = 0;
        }
        labels = JSON.parse(row.labels) as Labels;
        slot = row.slot;
      }
      if (inBatch + pieceSamples + row.n > maxSamples) {
        // The series goes whole into the next batch; one bigger than a batch, in pieces.
        if (inBatch > 0) {
          yield batch;
          batch = [];
          inBatch = 0;
        }
        if (pieceSamples + row.n > maxSamples) {
          emit();
          yield batch;
          batch = [];
          inBatch = 0;
        }
      }
      pieces.push(row);
      pieceSamples += row.n;
    }
    emit();
    if (batch.length > 0) yield batch;
  }

  /** Closes the staging, keeping its file (for resumeImports). */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Closes the staging and deletes its file. */
  discard(): void {
    if (this.db.open) this.db.close();
    if (this.path !== undefined) Staging.remove(this.path);
  }

  /** Deletes a staging file (one that could not be opened, too). */
  static remove(path: string): void {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }

  private grow(slot: number): void {
    const old = this.bufTimes[slot];
    const cap = old === undefined ? FIRST_BUFFER : Math.min(ROW_SAMPLES, old.length * 4);
    const times = new Float64Array(cap);
    const values = new Float64Array(cap);
    if (old !== undefined) {
      times.set(old);
      values.set(this.bufValues[slot]!);
    }
    this.bufTimes[slot] = times;
    this.bufValues[slot] = values;
  }

  private writeRow(slot: number): void {
    const n = this.bufCount[slot];
    if (n === 0) return;
    this.insert(slot, this.bufTimes[slot]!.subarray(0, n), this.bufValues[slot]!.subarray(0, n));
    this.buffered -= n;
    this.bufCount[slot] = 0;
    // A series read once is done with: its buffer goes; one still arriving keeps it.
    if (n < ROW_SAMPLES) {
      this.bufTimes[slot] = undefined;
      this.bufValues[slot] = undefined;
    }
  }

  private insert(slot: number, times: Float64Array, values: Float64Array): void {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (max > this.newestT) this.newestT = max;
    this.insertRow.run(slot, this.rows[slot]++, times.length, min, max, bytesOf(times), bytesOf(values));
  }

  /** The newest sample time staged. */
  newest(): number {
    this.flush();
    return this.newestT;
  }

  /** Samples staged with times at or before `t`. */
  countAtOrBefore(t: number): number {
    this.flush();
    let n = (this.db.prepare('SELECT total(n) FROM samples WHERE max_t <= ?').pluck().get(t) as number) ?? 0;
    const straddling = this.db.prepare('SELECT n, ts FROM samples WHERE min_t <= ? AND max_t > ?').iterate(t, t) as IterableIterator<{
      n: number;
      ts: Uint8Array;
    }>;
    for (const row of straddling) {
      const times = concat([{ ts: row.ts, vs: row.ts, n: row.n }], row.n, 'ts');
      for (let i = 0; i < row.n; i++) if (times[i] <= t) n++;
    }
    return n;
  }
}

/** Staging files in `dir` left by imports that did not finish (see `Staging.phase`). */
export function pendingImports(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^import-.*\.db$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

function bytesOf(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function concat(pieces: { ts: Uint8Array; vs: Uint8Array; n: number }[], n: number, column: 'ts' | 'vs'): Float64Array {
  const out = new Float64Array(n);
  const bytes = new Uint8Array(out.buffer);
  let at = 0;
  for (const p of pieces) {
    bytes.set(p[column].subarray(0, p.n * 8), at);
    at += p.n * 8;
  }
  return out;
}

function sortByTime(ts: Float64Array, vs: Float64Array): { timestamps: Float64Array; values: Float64Array } {
  let sorted = true;
  for (let i = 1; i < ts.length && sorted; i++) sorted = ts[i - 1] <= ts[i];
  if (sorted) return { timestamps: ts, values: vs };
  // Stable sort of indices, then copy values array-to-array so NaN bits survive.
  const order = Array.from(ts.keys()).sort((a, b) => ts[a] - ts[b] || a - b);
  const outT = new Float64Array(ts.length);
  const outV = new Float64Array(ts.length);
  for (let i = 0; i < order.length; i++) {
    outT[i] = ts[order[i]];
    outV.set(vs.subarray(order[i], order[i] + 1), i);
  }
  return { timestamps: outT, values: outV };
}
