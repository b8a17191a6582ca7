// Aggregation groups: alerts that land on the same route with the same values of its
// group_by labels are notified together. A new group waits group_wait (so that alerts
// starting together arrive together), then flushes every group_interval; what each flush
// sends, per receiver integration, is decided by `planFlush` against the notification log.
// Groups and their members live in SQLite, so after a restart a group carries on with its
// timer where it was (a flush missed while down happens at the first tick).

import type Database from 'better-sqlite3';
import { alertStatus, type Notification } from '../model.ts';
import type { StoredAlert } from './alert-store.ts';
import { isMuted, type MuteStatus } from './mute.ts';
import { needsNotification, type NflogEntry } from './nflog.ts';
import { buildNotification } from './notification.ts';
import { groupId, groupKey, groupLabels, matchRoutes, routesById, type Route } from './route.ts';

export interface AggregationGroup {
  /** Unique: the route's id and the group labels. */
  id: string;
  routeId: string;
  /** Alertmanager's groupKey (route key and group labels), as receivers see it. */
  groupKey: string;
  labels: Record<string, string>;
  createdAt: number;
  nextFlushAt: number;
  /** Whether it has flushed at least once (group_wait is over). */
  flushed: boolean;
}

interface Row {
  id: string;
  route_id: string;
  group_key: string;
  labels: string;
  created_at: number;
  next_flush_at: number;
  flushed: number;
}

export class Dispatcher {
  private readonly stmt;
  private root!: Route;
  private routes!: Map<string, Route>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_groups (
      id TEXT PRIMARY KEY,
      route_id TEXT NOT NULL,
      group_key TEXT NOT NULL,
      labels TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      next_flush_at INTEGER NOT NULL,
      flushed INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS notify_groups_next ON notify_groups (next_flush_at);
    CREATE INDEX IF NOT EXISTS notify_groups_key ON notify_groups (group_key);
    CREATE TABLE IF NOT EXISTS notify_group_alerts (
      group_id TEXT NOT NULL,
      fp TEXT NOT NULL,
      PRIMARY KEY (group_id, fp)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS notify_group_alerts_fp ON notify_group_alerts (fp)`);
    this.stmt = {
      get: db.prepare<[string], Row>('SELECT * FROM notify_groups WHERE id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM notify_groups ORDER BY id'),
      due: db.prepare<[number], Row>('SELECT * FROM notify_groups WHERE next_flush_at <= ? ORDER BY next_flush_at, id'),
      insert: db.prepare(
        'INSERT INTO notify_groups (id, route_id, group_key, labels, created_at, next_flush_at, flushed) VALUES (?, ?, ?, ?, ?, ?, 0)',
      ),
      schedule: db.prepare('UPDATE notify_groups SET next_flush_at = ?, flushed = ? WHERE id = ?'),
      removeGroup: db.prepare('DELETE FROM notify_groups WHERE id = ?'),
      keyExists: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM notify_groups WHERE group_key = ?'),
      addMember: db.prepare('INSERT OR IGNORE INTO notify_group_alerts (group_id, fp) VALUES (?, ?)'),
      removeMember: db.prepare('DELETE FROM notify_group_alerts WHERE group_id = ? AND fp = ?'),
      removeMembers: db.prepare('DELETE FROM notify_group_alerts WHERE group_id = ?'),
      members: db.prepare<[string], { fp: string }>('SELECT fp FROM notify_group_alerts WHERE group_id = ? ORDER BY fp'),
      groupsOf: db.prepare<[string], { group_id: string }>('SELECT group_id FROM notify_group_alerts WHERE fp = ? ORDER BY group_id'),
      empty: db.prepare<[], { id: string }>(
        'SELECT id FROM notify_groups g WHERE NOT EXISTS (SELECT 1 FROM notify_group_alerts m WHERE m.group_id = g.id)',
      ),
    };
  }

  setRoutes(root: Route): void {
    this.root = root;
    this.routes = routesById(root);
  }

  route(id: string): Route | undefined {
    return this.routes.get(id);
  }

  /** The groups `alert` belongs in by the current routes: group id, route, group labels. */
  targets(alert: StoredAlert): { id: string; route: Route; labels: Record<string, string> }[] {
    return matchRoutes(this.root, alert.labels).map((route) => {
      const labels = groupLabels(route, alert.labels);
      return { id: groupId(route, labels), route, labels };
    });
  }

  /** Puts an alert into its groups (creating them), as Alertmanager's dispatcher does on each alert. */
  insert(alert: StoredAlert, now: number): void {
    for (const t of this.targets(alert)) this.join(alert, t, now);
  }

  private join(alert: StoredAlert, t: { id: string; route: Route; labels: Record<string, string> }, now: number): void {
    let g = this.get(t.id);
    if (!g) {
      this.stmt.insert.run(t.id, t.route.id, groupKey(t.route, t.labels), JSON.stringify(t.labels), now, now + t.route.groupWait);
      g = this.get(t.id)!;
    }
    this.stmt.addMember.run(t.id, alert.fingerprint);
    // An alert that started longer than group_wait ago has waited enough (e.g. the
    // notifier was restarted or reconfigured): the group's first flush need not wait.
    if (!g.flushed && alert.startsAt + t.route.groupWait < now && g.nextFlushAt > now) this.stmt.schedule.run(now, 0, t.id);
  }

  /**
   * Brings the groups in line with new routes (after a reload or a start with another
   * config): firing alerts move to the groups they now land in; a resolved alert still
   * waiting to be flushed stays where it is, or moves if its group is gone.
   */
  regroup(alerts: readonly StoredAlert[], now: number): void {
    for (const a of alerts) {
      const current = new Set(this.groupsOf(a.fingerprint));
      if (alertStatus(a, now) === 'resolved' && current.size === 0) continue;
      let targets = this.targets(a);
      if (alertStatus(a, now) === 'resolved') {
        const kept = targets.filter((t) => current.has(t.id));
        if (kept.length) targets = kept;
      }
      const wanted = new Set(targets.map((t) => t.id));
      for (const id of current) if (!wanted.has(id)) this.stmt.removeMember.run(id, a.fingerprint);
      for (const t of targets) if (!current.has(t.id)) this.join(a, t, now);
    }
    for (const g of this.all()) {
      if (!this.routes.has(g.routeId)) {
        this.stmt.removeMembers.run(g.id);
        this.stmt.removeGroup.run(g.id);
      }
    }
    for (const { id } of this.stmt.empty.all()) this.stmt.removeGroup.run(id);
  }

  get(id: string): AggregationGroup | undefined {
    const r = this.stmt.get.get(id);
    return r && fromRow(r);
  }

  all(): AggregationGroup[] {
    return this.stmt.all.all().map(fromRow);
  }

  due(now: number): AggregationGroup[] {
    return this.stmt.due.all(now).map(fromRow);
  }

  members(groupId: string): string[] {
    return this.stmt.members.all(groupId).map((r) => r.fp);
  }

  groupsOf(fp: string): string[] {
    return this.stmt.groupsOf.all(fp).map((r) => r.group_id);
  }

  groupKeyExists(key: string): boolean {
    return this.stmt.keyExists.get(key)!.n > 0;
  }

  /** After a flush: resolved alerts leave the group; an empty group ends, others wait group_interval. */
  flushed(group: AggregationGroup, resolved: readonly string[], next: number): void {
    for (const fp of resolved) this.stmt.removeMember.run(group.id, fp);
    if (this.stmt.members.all(group.id).length === 0) this.stmt.removeGroup.run(group.id);
    else this.stmt.schedule.run(next, 1, group.id);
  }

  remove(group: AggregationGroup): void {
    this.stmt.removeMembers.run(group.id);
    this.stmt.removeGroup.run(group.id);
  }
}

function fromRow(r: Row): AggregationGroup {
  return {
    id: r.id,
    routeId: r.route_id,
    groupKey: r.group_key,
    labels: JSON.parse(r.labels),
    createdAt: r.created_at,
    nextFlushAt: r.next_flush_at,
    flushed: r.flushed === 1,
  };
}

export interface FlushMember {
  alert: StoredAlert;
  mute: MuteStatus;
}

export interface FlushIntegration {
  /** e.g. `webhook[0]`: kind and position among the receiver's integrations of that kind. */
  name: string;
  sendResolved: boolean;
}

export interface FlushDecision {
  integration: string;
  /** What the notification log records for this integration and group. */
  record: NflogEntry;
  /** What to deliver; absent when only resolved alerts changed and the integration does not want them. */
  notification?: Notification;
}

/**
 * What one flush of a group sends to each integration of its receiver (Alertmanager's
 * mute, dedup and send_resolved stages, in that order). Muted alerts are left out, except
 * the resolution of an alert this integration was told is firing, when
 * `notifyResolvedAfterSilence` is on; if nothing is left, nothing is decided (and the log
 * keeps its entry). The rest goes out if the notification log says it is news or due again.
 */
export function planFlush(args: {
  group: AggregationGroup;
  route: Route;
  members: readonly FlushMember[];
  integrations: readonly FlushIntegration[];
  nflog: (integration: string) => NflogEntry | undefined;
  notifyResolvedAfterSilence: boolean;
  externalURL: string;
  now: number;
}): FlushDecision[] {
  const { group, route, now } = args;
  const isFiring = (m: FlushMember) => alertStatus(m.alert, now) === 'firing';
  const firingMembers = new Set(args.members.filter(isFiring).map((m) => m.alert.fingerprint));
  const out: FlushDecision[] = [];
  for (const integ of args.integrations) {
    const entry = args.nflog(integ.name);
    const open = new Set(entry?.open ?? []);
    const candidates = args.members.filter((m) => {
      if (!isMuted(m.mute)) return true;
      return !isFiring(m) && args.notifyResolvedAfterSilence && open.has(m.alert.fingerprint);
    });
    if (!candidates.length) continue;
    const firing = new Set(candidates.filter(isFiring).map((m) => m.alert.fingerprint));
    const resolved = new Set(candidates.filter((m) => !isFiring(m)).map((m) => m.alert.fingerprint));
    if (!needsNotification(entry, firing, resolved, integ.sendResolved, route.repeatInterval, now)) continue;
    const sent = integ.sendResolved ? candidates : candidates.filter(isFiring);
    const record: NflogEntry = {
      receiver: route.receiver,
      integration: integ.name,
      groupKey: group.groupKey,
      firing: [...firing].sort(),
      resolved: [...resolved].sort(),
      // Told firing now or before, and still firing here: the alerts whose resolution it awaits.
      open: [...new Set([...open, ...firing])].filter((fp) => firingMembers.has(fp)).sort(),
      sentAt: now,
    };
    const decision: FlushDecision = { integration: integ.name, record };
    if (sent.length) {
      decision.notification = buildNotification({
        receiver: route.receiver,
        groupKey: group.groupKey,
        groupLabels: group.labels,
        alerts: sent.map((m) => m.alert),
        externalURL: args.externalURL,
        now,
      });
    }
    out.push(decision);
  }
  return out;
}
