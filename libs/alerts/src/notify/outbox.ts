// The durable outbox: a flush writes each notification here (one row per receiver
// integration) in the same transaction that updates the notification log, and `tick`
// delivers due rows. A failed attempt is retried with exponential backoff and jitter
// until the row is `maxAge` old, then given up (recorded). Rows of one integration and
// group go out in the order they were queued (a later one waits for an earlier one), so a
// receiver never sees a group's older state after its newer one. Delivery is at least
// once: a crash between a send and its bookkeeping sends the row again after the restart.

import type Database from 'better-sqlite3';
import type { Notification } from '../model.ts';

export interface RetryPolicy {
  /** Delay after the first failure (ms); it doubles with each further failure... */
  initialBackoff: number;
  /** ...up to this (ms). */
  maxBackoff: number;
  /** Each delay is shortened by up to this fraction at random, so retries of many rows spread out. */
  jitter: number;
  /** A row still failing this long (ms) after it was queued is given up. */
  maxAge: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialBackoff: 1000, maxBackoff: 5 * 60_000, jitter: 0.2, maxAge: 60 * 60_000 };

/** The delay before the next attempt, after `failures` failed attempts (1 = the first). */
export function backoffDelay(failures: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.maxBackoff, policy.initialBackoff * 2 ** Math.min(failures - 1, 52));
  return Math.max(1, Math.round(base * (1 - policy.jitter * random())));
}

export type OutboxState = 'pending' | 'delivered' | 'gave_up';

export interface OutboxEntry {
  id: number;
  receiver: string;
  integration: string;
  groupKey: string;
  notification: Notification;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  lastError: string | undefined;
  state: OutboxState;
}

interface Row {
  id: number;
  receiver: string;
  integration: string;
  group_key: string;
  payload: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  last_error: string | null;
  state: OutboxState;
}

export class Outbox {
  private readonly stmt;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      group_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      state TEXT NOT NULL,
      done_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (state, next_attempt_at);
    CREATE INDEX IF NOT EXISTS notify_outbox_stream ON notify_outbox (receiver, integration, group_key, state, id)`);
    this.stmt = {
      insert: db.prepare(
        'INSERT INTO notify_outbox (receiver, integration, group_key, payload, created_at, next_attempt_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      // The head of each stream only: the oldest pending row of its integration and group.
      due: db.prepare<[number], Row>(`SELECT o.* FROM notify_outbox o
        WHERE o.state = 'pending' AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM notify_outbox p WHERE p.state = 'pending' AND p.receiver = o.receiver
            AND p.integration = o.integration AND p.group_key = o.group_key AND p.id < o.id)
        ORDER BY o.next_attempt_at, o.id`),
      get: db.prepare<[number], Row>('SELECT * FROM notify_outbox WHERE id = ?'),
      list: db.prepare<[], Row>('SELECT * FROM notify_outbox ORDER BY id'),
      done: db.prepare('UPDATE notify_outbox SET state = ?, attempts = ?, last_error = ?, done_at = ? WHERE id = ?'),
      retry: db.prepare('UPDATE notify_outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?'),
      pendingInStream: db.prepare<[string, string, string], { n: number }>(
        "SELECT count(*) AS n FROM notify_outbox WHERE state = 'pending' AND receiver = ? AND integration = ? AND group_key = ?",
      ),
      gc: db.prepare("DELETE FROM notify_outbox WHERE state != 'pending' AND done_at < ?"),
    };
  }

  enqueue(e: { receiver: string; integration: string; groupKey: string; notification: Notification }, now: number): number {
    return Number(
      this.stmt.insert.run(e.receiver, e.integration, e.groupKey, JSON.stringify(e.notification), now, now, 'pending').lastInsertRowid,
    );
  }

  /** Rows due at `now`, at most one per integration and group, the longest-waiting first. */
  due(now: number): OutboxEntry[] {
    return this.stmt.due.all(now).map(fromRow);
  }

  get(id: number): OutboxEntry | undefined {
    const r = this.stmt.get.get(id);
    return r && fromRow(r);
  }

  /** Every row still kept (pending, and finished ones not yet garbage-collected). */
  list(): OutboxEntry[] {
    return this.stmt.list.all().map(fromRow);
  }

  delivered(id: number, attempts: number, now: number): void {
    this.stmt.done.run('delivered', attempts, null, now, id);
  }

  gaveUp(id: number, attempts: number, error: string, now: number): void {
    this.stmt.done.run('gave_up', attempts, error, now, id);
  }

  retryAt(id: number, attempts: number, error: string, next: number): void {
    this.stmt.retry.run(attempts, error, next, id);
  }

  hasPending(receiver: string, integration: string, groupKey: string): boolean {
    return this.stmt.pendingInStream.get(receiver, integration, groupKey)!.n > 0;
  }

  /** Forgets finished rows (the history keeps their attempts). */
  gc(before: number): void {
    this.stmt.gc.run(before);
  }
}

function fromRow(r: Row): OutboxEntry {
  return {
    id: r.id,
    receiver: r.receiver,
    integration: r.integration,
    groupKey: r.group_key,
    notification: JSON.parse(r.payload),
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: r.attempts,
    lastError: r.last_error ?? undefined,
    state: r.state,
  };
}
