// The notification log: per receiver integration and group, what was last queued for
// delivery (firing and resolved fingerprints, when) and which alerts that integration was
// told are firing and has not yet been told resolved (`open`). It is what keeps a set from
// going out twice within repeat_interval, across restarts; `open` is what lets a
// resolution through a silence (notify_resolved_after_silence).
//
// Keyed by Alertmanager's groupKey, as Alertmanager keys it, so that reordering routes
// does not make every group news again.
//
// Alertmanager writes its log after delivery; here an entry is written when the
// notification enters the durable outbox, which then delivers it at least once (or gives
// up, and clears the entry so that the next flush tries afresh).

import type Database from 'better-sqlite3';

export interface NflogEntry {
  receiver: string;
  integration: string;
  groupKey: string;
  firing: string[];
  resolved: string[];
  open: string[];
  sentAt: number;
}

interface Row {
  receiver: string;
  integration: string;
  group_key: string;
  firing: string;
  resolved: string;
  open: string;
  sent_at: number;
}

export class NotificationLog {
  private readonly stmt;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_nflog (
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      group_key TEXT NOT NULL,
      firing TEXT NOT NULL,
      resolved TEXT NOT NULL,
      open TEXT NOT NULL,
      sent_at INTEGER NOT NULL,
      PRIMARY KEY (receiver, integration, group_key)
    ) WITHOUT ROWID`);
    this.stmt = {
      get: db.prepare<[string, string, string], Row>('SELECT * FROM notify_nflog WHERE receiver = ? AND integration = ? AND group_key = ?'),
      put: db.prepare(
        'INSERT OR REPLACE INTO notify_nflog (receiver, integration, group_key, firing, resolved, open, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      remove: db.prepare('DELETE FROM notify_nflog WHERE receiver = ? AND integration = ? AND group_key = ?'),
      old: db.prepare<[number], { receiver: string; integration: string; group_key: string }>(
        'SELECT receiver, integration, group_key FROM notify_nflog WHERE sent_at < ?',
      ),
    };
  }

  get(receiver: string, integration: string, groupKey: string): NflogEntry | undefined {
    const r = this.stmt.get.get(receiver, integration, groupKey);
    if (!r) return undefined;
    return {
      receiver,
      integration,
      groupKey,
      firing: JSON.parse(r.firing),
      resolved: JSON.parse(r.resolved),
      open: JSON.parse(r.open),
      sentAt: r.sent_at,
    };
  }

  record(e: NflogEntry): void {
    this.stmt.put.run(
      e.receiver,
      e.integration,
      e.groupKey,
      JSON.stringify(e.firing),
      JSON.stringify(e.resolved),
      JSON.stringify(e.open),
      e.sentAt,
    );
  }

  remove(receiver: string, integration: string, groupKey: string): void {
    this.stmt.remove.run(receiver, integration, groupKey);
  }

  /**
   * Forgets entries older than `before` whose group no longer exists. A living group keeps
   * its entries however old: a long silence must not make the log forget what is open.
   */
  gc(before: number, groupExists: (groupKey: string) => boolean): void {
    for (const r of this.stmt.old.all(before)) if (!groupExists(r.group_key)) this.stmt.remove.run(r.receiver, r.integration, r.group_key);
  }
}

/**
 * Alertmanager's DedupStage.needsUpdate: whether this set of alerts (unmuted, or resolved
 * and let through a mute) warrants a notification, given what was last sent. Repeats go out at the first flush strictly after
 * repeat_interval has passed.
 */
export function needsNotification(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatInterval: number,
  now: number,
): boolean {
  // Never told anything: only firing alerts are news.
  if (!entry) return firing.size > 0;
  if (!isSubset(firing, entry.firing)) return true;
  // A resolution the integration awaits: it was told the alert fires and has not heard
  // otherwise, though later notifications left it out while it was muted. (Alertmanager
  // has no such rule; without it a silenced alert's resolution would never be news.)
  if (sendResolved && entry.open.some((fp) => resolved.has(fp))) return true;
  // Everything resolved: tell it (or, without send_resolved, at least log it) if it heard of any firing.
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved && !isSubset(resolved, entry.resolved)) return true;
  return entry.sentAt < now - repeatInterval;
}

function isSubset(set: ReadonlySet<string>, of: readonly string[]): boolean {
  const all = new Set(of);
  for (const x of set) if (!all.has(x)) return false;
  return true;
}
