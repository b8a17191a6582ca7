// Alert state in SQLite, written after every group evaluation: what was pending or firing
// and since when, and when the group last ran. Read once at start to restore `for` clocks.

import type Database from 'better-sqlite3';
import type { ActiveAlert } from './alerting-rule.ts';

export interface PersistedGroup {
  lastEvalMs: number;
  alerts: Map<string, ActiveAlert>;
}

export class AlertStateStore {
  private readonly stmt;
  private readonly save;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS alert_groups (group_key TEXT PRIMARY KEY, last_eval_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS alert_state (group_key TEXT NOT NULL, fingerprint TEXT NOT NULL, rule TEXT NOT NULL, alert TEXT NOT NULL, PRIMARY KEY (group_key, fingerprint)) WITHOUT ROWID;`);
    this.stmt = {
      group: db.prepare<[string], { last_eval_ms: number }>('SELECT last_eval_ms FROM alert_groups WHERE group_key = ?'),
      alerts: db.prepare<[string], { alert: string }>('SELECT alert FROM alert_state WHERE group_key = ?'),
      setGroup: db.prepare(
        'INSERT INTO alert_groups (group_key, last_eval_ms) VALUES (?, ?) ON CONFLICT (group_key) DO UPDATE SET last_eval_ms = excluded.last_eval_ms',
      ),
      clear: db.prepare('DELETE FROM alert_state WHERE group_key = ?'),
      insert: db.prepare('INSERT OR REPLACE INTO alert_state (group_key, fingerprint, rule, alert) VALUES (?, ?, ?, ?)'),
    };
    this.save = db.transaction((groupKey: string, evalMs: number, rules: { name: string; alerts: ActiveAlert[] }[]) => {
      this.stmt.clear.run(groupKey);
      for (const r of rules) for (const a of r.alerts) this.stmt.insert.run(groupKey, a.fingerprint, r.name, JSON.stringify(a));
      this.stmt.setGroup.run(groupKey, evalMs);
    });
  }

  load(groupKey: string): PersistedGroup | undefined {
    const g = this.stmt.group.get(groupKey);
    if (!g) return undefined;
    const alerts = new Map<string, ActiveAlert>();
    for (const row of this.stmt.alerts.all(groupKey)) {
      const a = JSON.parse(row.alert) as ActiveAlert;
      alerts.set(a.fingerprint, a);
    }
    return { lastEvalMs: g.last_eval_ms, alerts };
  }

  /** Pending and firing alerts of every rule of a group after an evaluation at `evalMs`. */
  store(groupKey: string, evalMs: number, rules: { name: string; alerts: ActiveAlert[] }[]): void {
    this.save(groupKey, evalMs, rules);
  }
}
