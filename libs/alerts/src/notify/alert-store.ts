// Alerts by fingerprint, as the evaluator last sent them, merged the way Alertmanager's
// store merges repeats of an alert (the earliest start wins; a newer report replaces
// endsAt and annotations). Besides the alert itself each row remembers what the history
// last recorded for it (status and mute state), so transitions are recorded once, also
// across restarts.

import type Database from 'better-sqlite3';
import { fingerprint, type Alert, type AlertStatus } from '../model.ts';

export interface StoredAlert extends Alert {
  fingerprint: string;
  /** When the notifier last received it. */
  updatedAt: number;
  /** Status and mute state as last recorded in the history (undefined: never recorded). */
  seenStatus: AlertStatus | undefined;
  seenMute: string | undefined;
}

interface Row {
  fp: string;
  labels: string;
  annotations: string;
  starts_at: number;
  ends_at: number;
  generator_url: string;
  updated_at: number;
  seen_status: string | null;
  seen_mute: string | null;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why an alert cannot be taken, or undefined (Alertmanager's Alert.Validate). */
export function alertProblem(a: Alert): string | undefined {
  if (!a || typeof a !== 'object' || !a.labels || typeof a.labels !== 'object') return 'an alert needs labels';
  const names = Object.keys(a.labels);
  if (names.length === 0) return 'an alert needs at least one label';
  for (const n of names) {
    if (!LABEL_NAME.test(n)) return `label name ${JSON.stringify(n)} is invalid`;
    if (typeof a.labels[n] !== 'string') return `label ${n} must have a text value`;
  }
  if (!Number.isFinite(a.startsAt) || !Number.isFinite(a.endsAt)) return 'startsAt and endsAt must be times in Unix milliseconds';
  if (a.endsAt < a.startsAt) return 'endsAt is before startsAt';
  return undefined;
}

/**
 * Alertmanager's merge of a repeat into the stored alert, applied only when their activity
 * ranges overlap (otherwise the repeat is a new instance and replaces the old one).
 */
export function mergeAlert(old: Alert | undefined, incoming: Alert, now: number): Alert {
  if (!old) return incoming;
  const overlaps =
    (incoming.endsAt > old.startsAt && incoming.endsAt < old.endsAt) ||
    (incoming.startsAt > old.startsAt && incoming.startsAt < old.endsAt);
  if (!overlaps) return incoming;
  const merged: Alert = { ...incoming, startsAt: Math.min(old.startsAt, incoming.startsAt) };
  if (incoming.endsAt <= now) {
    // Both resolved: the later explicit resolution stands.
    if (old.endsAt <= now && old.endsAt > incoming.endsAt) merged.endsAt = old.endsAt;
  } else if (old.endsAt > incoming.endsAt) {
    // A later end already announced stays (Prometheus always sets endsAt, never a timeout).
    merged.endsAt = old.endsAt;
  }
  return merged;
}

export class AlertStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_alerts (
      fp TEXT PRIMARY KEY,
      labels TEXT NOT NULL,
      annotations TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      generator_url TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      seen_status TEXT,
      seen_mute TEXT
    ) WITHOUT ROWID`);
    this.stmt = {
      get: db.prepare<[string], Row>('SELECT * FROM notify_alerts WHERE fp = ?'),
      all: db.prepare<[], Row>('SELECT * FROM notify_alerts ORDER BY fp'),
      upsert:
        db.prepare(`INSERT INTO notify_alerts (fp, labels, annotations, starts_at, ends_at, generator_url, updated_at, seen_status, seen_mute)
        VALUES (@fp, @labels, @annotations, @starts_at, @ends_at, @generator_url, @updated_at, @seen_status, @seen_mute)
        ON CONFLICT (fp) DO UPDATE SET labels = excluded.labels, annotations = excluded.annotations, starts_at = excluded.starts_at,
          ends_at = excluded.ends_at, generator_url = excluded.generator_url, updated_at = excluded.updated_at`),
      seen: db.prepare('UPDATE notify_alerts SET seen_status = ?, seen_mute = ? WHERE fp = ?'),
      remove: db.prepare('DELETE FROM notify_alerts WHERE fp = ?'),
      resolvedBefore: db.prepare<[number], { fp: string }>('SELECT fp FROM notify_alerts WHERE ends_at <= ?'),
    };
  }

  get(fp: string): StoredAlert | undefined {
    const row = this.stmt.get.get(fp);
    return row && fromRow(row);
  }

  all(): StoredAlert[] {
    return this.stmt.all.all().map(fromRow);
  }

  /** Stores `incoming` (merged with what is there); returns the stored alert and the one it replaced. */
  put(incoming: Alert, now: number): { alert: StoredAlert; previous: StoredAlert | undefined } {
    const fp = fingerprint(incoming.labels);
    const previous = this.get(fp);
    const merged = mergeAlert(previous, incoming, now);
    const row: Row = {
      fp,
      labels: canonicalJson(merged.labels),
      annotations: canonicalJson(merged.annotations ?? {}),
      starts_at: merged.startsAt,
      ends_at: merged.endsAt,
      generator_url: merged.generatorURL ?? '',
      updated_at: now,
      seen_status: null,
      seen_mute: null,
    };
    this.stmt.upsert.run(row);
    return { alert: fromRow({ ...row, seen_status: previous?.seenStatus ?? null, seen_mute: previous?.seenMute ?? null }), previous };
  }

  markSeen(fp: string, status: AlertStatus, mute: string): void {
    this.stmt.seen.run(status, mute, fp);
  }

  remove(fp: string): void {
    this.stmt.remove.run(fp);
  }

  /** Fingerprints of alerts that ended at or before `time`. */
  resolvedBefore(time: number): string[] {
    return this.stmt.resolvedBefore.all(time).map((r) => r.fp);
  }
}

function fromRow(r: Row): StoredAlert {
  return {
    fingerprint: r.fp,
    labels: JSON.parse(r.labels),
    annotations: JSON.parse(r.annotations),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    generatorURL: r.generator_url,
    updatedAt: r.updated_at,
    seenStatus: (r.seen_status ?? undefined) as AlertStatus | undefined,
    seenMute: r.seen_mute ?? undefined,
  };
}

/** JSON with sorted keys, so equal annotations compare equal as text. */
export function canonicalJson(o: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) sorted[k] = o[k];
  return JSON.stringify(sorted);
}
