// The product's two per-alert mutes, beside silences: an acknowledgement (someone is on
// it: no more repeats until the alert resolves or its annotations change) and a snooze
// (quiet until a given time). Both are keyed by fingerprint and kept apart from the alert
// rows, so that a snooze outlives a flapping alert's resolved-and-garbage-collected rows.

import type Database from 'better-sqlite3';
import type { Ack, Snooze } from '@metrics-hub/hub-api';

// The API's shapes are the records' own: what the hub serves is what is stored.
export type { Ack, Snooze } from '@metrics-hub/hub-api';

export class Acks {
  private readonly stmt;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_acks (fp TEXT PRIMARY KEY, by TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS notify_snoozes (fp TEXT PRIMARY KEY, until INTEGER NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID`);
    this.stmt = {
      ack: db.prepare('INSERT OR REPLACE INTO notify_acks (fp, by, at) VALUES (?, ?, ?)'),
      unack: db.prepare('DELETE FROM notify_acks WHERE fp = ?'),
      acks: db.prepare<[], { fp: string; by: string; at: number }>('SELECT fp, by, at FROM notify_acks'),
      snooze: db.prepare('INSERT OR REPLACE INTO notify_snoozes (fp, until, by, at) VALUES (?, ?, ?, ?)'),
      unsnooze: db.prepare('DELETE FROM notify_snoozes WHERE fp = ?'),
      snoozes: db.prepare<[], { fp: string; until: number; by: string; at: number }>('SELECT fp, until, by, at FROM notify_snoozes'),
      gcSnoozes: db.prepare('DELETE FROM notify_snoozes WHERE until <= ?'),
    };
  }

  ack(fp: string, by: string, at: number): void {
    this.stmt.ack.run(fp, by, at);
  }

  /** Returns whether there was an acknowledgement to remove. */
  unack(fp: string): boolean {
    return this.stmt.unack.run(fp).changes > 0;
  }

  acks(): Map<string, Ack> {
    return new Map(this.stmt.acks.all().map((r) => [r.fp, { fingerprint: r.fp, by: r.by, at: r.at }]));
  }

  snooze(fp: string, until: number, by: string, at: number): void {
    this.stmt.snooze.run(fp, until, by, at);
  }

  unsnooze(fp: string): boolean {
    return this.stmt.unsnooze.run(fp).changes > 0;
  }

  /** Snoozes still running at `now`. */
  snoozes(now: number): Map<string, Snooze> {
    return new Map(
      this.stmt.snoozes
        .all()
        .filter((r) => r.until > now)
        .map((r) => [r.fp, { fingerprint: r.fp, until: r.until, by: r.by, at: r.at }]),
    );
  }

  gcSnoozes(now: number): void {
    this.stmt.gcSnoozes.run(now);
  }
}
