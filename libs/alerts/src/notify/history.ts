// What happened, for people asking "why did (or didn't) I get paged?": every alert
// transition the notifier sees (firing, resolved, silenced, inhibited, acked, snoozed and
// their ends), every notification queued and every delivery attempt with its outcome.
// An event lists the alerts it concerns (one for a transition, all of a notification's for
// a delivery) in a side table, so searching by alert finds its deliveries too.

import type Database from 'better-sqlite3';
import type { HistoryEvent, HistoryKind } from '@metrics-hub/hub-api';
import type { Labels } from '../model.ts';
import { compileMatchers, matchesAll, parseMatchers, type LabelMatcher } from './matchers.ts';

export type HistoryAlert = HistoryEvent['alerts'][number];

// The API's shapes are the history's own: what the hub serves is what is stored.
export type { HistoryEvent, HistoryKind };

export type NewHistoryEvent = Omit<HistoryEvent, 'id'>;

export interface HistoryQuery {
  alertname?: string;
  fingerprint?: string;
  /** Matchers an alert of the event must all satisfy (`severity="critical"` strings or objects). */
  labelMatchers?: (string | LabelMatcher)[];
  receiver?: string;
  /** Inclusive bounds on the event time. */
  from?: number;
  to?: number;
  kind?: HistoryKind | HistoryKind[];
  /** Default 100. */
  limit?: number;
}

interface Row {
  id: number;
  at: number;
  kind: HistoryKind;
  receiver: string | null;
  integration: string | null;
  group_key: string | null;
  ok: number | null;
  error: string | null;
  detail: string | null;
}

export class History {
  private readonly stmt;
  private readonly searches = new Map<string, Database.Statement<unknown[], Row>>();

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      receiver TEXT,
      integration TEXT,
      group_key TEXT,
      ok INTEGER,
      error TEXT,
      detail TEXT
    );
    CREATE INDEX IF NOT EXISTS notify_history_at ON notify_history (at);
    CREATE TABLE IF NOT EXISTS notify_history_alerts (
      event_id INTEGER NOT NULL,
      fp TEXT NOT NULL,
      alertname TEXT,
      labels TEXT NOT NULL,
      PRIMARY KEY (event_id, fp)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS notify_history_alerts_fp ON notify_history_alerts (fp);
    CREATE INDEX IF NOT EXISTS notify_history_alerts_name ON notify_history_alerts (alertname)`);
    this.stmt = {
      insert: db.prepare(
        'INSERT INTO notify_history (at, kind, receiver, integration, group_key, ok, error, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertAlert: db.prepare('INSERT OR IGNORE INTO notify_history_alerts (event_id, fp, alertname, labels) VALUES (?, ?, ?, ?)'),
      alertsOf: db.prepare<[number], { fp: string; labels: string }>(
        'SELECT fp, labels FROM notify_history_alerts WHERE event_id = ? ORDER BY fp',
      ),
      gcAlerts: db.prepare('DELETE FROM notify_history_alerts WHERE event_id IN (SELECT id FROM notify_history WHERE at < ?)'),
      gc: db.prepare('DELETE FROM notify_history WHERE at < ?'),
    };
  }

  record(e: NewHistoryEvent): number {
    const ok = e.ok === undefined ? null : e.ok ? 1 : 0;
    const id = Number(
      this.stmt.insert.run(
        e.at,
        e.kind,
        e.receiver ?? null,
        e.integration ?? null,
        e.groupKey ?? null,
        ok,
        e.error ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      ).lastInsertRowid,
    );
    for (const a of e.alerts) this.stmt.insertAlert.run(id, a.fingerprint, a.labels.alertname ?? null, JSON.stringify(a.labels));
    return id;
  }

  /** Events matching every given criterion, newest first. */
  search(q: HistoryQuery = {}): HistoryEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const kinds = q.kind === undefined ? [] : Array.isArray(q.kind) ? q.kind : [q.kind];
    if (kinds.length) {
      where.push(`h.kind IN (${kinds.map(() => '?').join(', ')})`);
      args.push(...kinds);
    }
    const filter = (clause: string, value: unknown) => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    filter('h.receiver = ?', q.receiver);
    filter('h.at >= ?', q.from);
    filter('h.at <= ?', q.to);
    filter('EXISTS (SELECT 1 FROM notify_history_alerts a WHERE a.event_id = h.id AND a.fp = ?)', q.fingerprint);
    filter('EXISTS (SELECT 1 FROM notify_history_alerts a WHERE a.event_id = h.id AND a.alertname = ?)', q.alertname);
    const sql = `SELECT h.* FROM notify_history h ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.at DESC, h.id DESC`;
    let stmt = this.searches.get(sql);
    if (!stmt) this.searches.set(sql, (stmt = this.db.prepare<unknown[], Row>(sql)));
    const matchers = q.labelMatchers?.length
      ? compileMatchers(q.labelMatchers.flatMap((m) => (typeof m === 'string' ? parseMatchers(m) : [m])))
      : undefined;
    const limit = q.limit ?? 100;
    const out: HistoryEvent[] = [];
    if (limit <= 0) return out;
    for (const row of stmt.iterate(...args)) {
      const alerts = this.stmt.alertsOf.all(row.id).map((a) => ({ fingerprint: a.fp, labels: JSON.parse(a.labels) as Labels }));
      if (matchers && !alerts.some((a) => matchesAll(matchers, a.labels))) continue;
      out.push(fromRow(row, alerts));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Forgets events older than `before`. */
  gc(before: number): void {
    this.stmt.gcAlerts.run(before);
    this.stmt.gc.run(before);
  }
}

function fromRow(r: Row, alerts: HistoryAlert[]): HistoryEvent {
  const e: HistoryEvent = { id: r.id, at: r.at, kind: r.kind, alerts };
  if (r.receiver !== null) e.receiver = r.receiver;
  if (r.integration !== null) e.integration = r.integration;
  if (r.group_key !== null) e.groupKey = r.group_key;
  if (r.ok !== null) e.ok = r.ok === 1;
  if (r.error !== null) e.error = r.error;
  if (r.detail !== null) e.detail = JSON.parse(r.detail);
  return e;
}
