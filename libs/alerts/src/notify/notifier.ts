// The notifier: Alertmanager's pipeline over SQLite, driven by the hub's clock.
//
//   put(alerts, now) ─> alert store ─> dispatcher: route tree ─> aggregation groups
//   tick(now):  1. evaluate every alert (silences, inhibition, acks, snoozes) and record
//                  what changed in the history
//               2. flush the groups that are due: per receiver integration, drop muted
//                  alerts, ask the notification log whether the rest is news or due again,
//                  queue the notification in the outbox (one transaction)
//               3. deliver due outbox rows through the Integrations, retrying with backoff
//               4. now and then, forget what is old (resolved alerts, expired silences, ...)
//
// An alert, per fingerprint:
//
//            put (firing)                     silence / inhibition / ack / snooze
//   (none) ─────────────> FIRING, active  <───────────────────────────────────────> FIRING, suppressed
//                           │      ^          silence ends, source resolves,             │
//                           │      │          annotations change, snooze ends            │
//                           │      └── put again after it ended (a new instance)         │
//     endsAt passes or put  v                                                            v
//     with endsAt <= now   RESOLVED ──(its groups flushed it, resolvedAlerts later)──> forgotten
//
//   An ack ends when the alert resolves. A suppressed alert's resolution still goes to an
//   integration that was told it is firing, when notify_resolved_after_silence is on.
//
// A group: created ──group_wait──> flush ──group_interval──> flush ... ──(empty)──> gone.
// An outbox row: pending ──send ok──> delivered
//                   └──send fails──> pending again after backoff ──(maxAge)──> gave_up
//
// Every piece of state is in SQLite: a new Notifier over the same file carries on.

import type Database from 'better-sqlite3';
import { alertStatus, type Alert, type AlertStatus, type Integration, type Labels } from '../model.ts';
import { Acks, type Ack, type Snooze } from './acks.ts';
import { AlertStore, alertProblem, canonicalJson, type StoredAlert } from './alert-store.ts';
import { checkNotifierConfig, NotifierConfigError, parseNotifierConfig, type NotifierConfig } from './config.ts';
import { Dispatcher, planFlush } from './dispatcher.ts';
import { History, type HistoryEvent, type HistoryKind, type HistoryQuery } from './history.ts';
import { Inhibitor } from './inhibit.ts';
import { muteKey, muteStatus, parseMuteKey, type MuteStatus } from './mute.ts';
import { NotificationLog } from './nflog.ts';
import { backoffDelay, DEFAULT_RETRY, Outbox, type OutboxEntry, type RetryPolicy } from './outbox.ts';
import { buildRouteTree, matchRoutes, type Route } from './route.ts';
import { Silences, type Silence, type SilenceInput, type SilenceState } from './silences.ts';

/** Builds the Integration for one entry of a receiver's `<kind>_configs`; throw to reject the config. */
export type IntegrationFactory = (receiver: string, kind: string, config: Record<string, unknown>) => Integration;

export interface Retention {
  /** How long a resolved alert stays listed after it ended (once its groups flushed it). */
  resolvedAlerts: number;
  /** How long an expired silence stays listed. */
  silences: number;
  /** How long the notification log remembers a group that no longer exists. */
  notificationLog: number;
  /** How long delivered and given-up outbox rows stay (the history keeps their attempts). */
  outbox: number;
  history: number;
}

export const DEFAULT_RETENTION: Retention = {
  resolvedAlerts: 15 * 60_000,
  silences: 120 * 3_600_000,
  notificationLog: 120 * 3_600_000,
  outbox: 24 * 3_600_000,
  history: 30 * 86_400_000,
};

export interface NotifierOptions {
  /** The YAML text (Alertmanager's shape) or a config built in code. */
  config: NotifierConfig | string;
  /** Named in config problems; default "alertmanager.yml". */
  configFile?: string;
  integrations: IntegrationFactory;
  /** Where people reach the hub; goes into every notification. */
  externalURL: string;
  log: (line: string) => void;
  retry?: Partial<RetryPolicy>;
  retention?: Partial<Retention>;
  /** For the backoff's jitter; tests pass a constant. */
  random?: () => number;
  /** Deliveries in flight at once during a tick; default 8. */
  maxConcurrentDeliveries?: number;
  /** Silence ids; default random UUIDs. */
  newSilenceId?: () => string;
}

export type ReloadResult = { ok: true } | { ok: false; problems: string[] };

export interface PutResult {
  accepted: number;
  rejected: { index: number; problem: string }[];
}

export interface AlertView {
  fingerprint: string;
  labels: Labels;
  annotations: Readonly<Record<string, string>>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  updatedAt: number;
  status: AlertStatus;
  /** Alertmanager's state: suppressed when silenced, inhibited, acknowledged or snoozed. */
  state: 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
  acked?: Ack;
  snoozed?: Snooze;
  /** The receivers its routes lead to. */
  receivers: string[];
}

export interface GroupView {
  groupKey: string;
  routeId: string;
  receiver: string;
  groupLabels: Record<string, string>;
  nextFlushAt: number;
  flushed: boolean;
  alerts: AlertView[];
}

export interface SilenceApi {
  create(input: SilenceInput, now: number): Silence;
  /** Returns the silence, or the one that replaced it when the change could not be made in place. */
  update(id: string, changes: Partial<SilenceInput>, now: number): Silence;
  expire(id: string, now: number): Silence;
  list(now: number, filter?: { state?: SilenceState }): Silence[];
  get(id: string, now: number): Silence | undefined;
}

export type NotifyErrorCode = 'alert_not_found' | 'alert_resolved';

export class NotifyError extends Error {
  constructor(
    readonly code: NotifyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}

interface BoundIntegration {
  /** `webhook[0]`: kind and position among the receiver's integrations of that kind. */
  name: string;
  sendResolved: boolean;
  integration: Integration;
}

interface Loaded {
  config: NotifierConfig;
  root: Route;
  inhibitor: Inhibitor;
  receivers: Map<string, BoundIntegration[]>;
}

interface Evaluated {
  alert: StoredAlert;
  status: AlertStatus;
  mute: MuteStatus;
}

const GC_INTERVAL = 60_000;

export class Notifier {
  readonly silences: SilenceApi;
  readonly history: { search(q?: HistoryQuery): HistoryEvent[] };

  private loaded: Loaded;
  private readonly store: AlertStore;
  private readonly dispatcher: Dispatcher;
  private readonly silenceStore: Silences;
  private readonly acks: Acks;
  private readonly nflog: NotificationLog;
  private readonly outboxStore: Outbox;
  private readonly historyStore: History;
  private readonly retry: RetryPolicy;
  private readonly retention: Retention;
  private readonly inFlight = new Set<number>();
  /** Why an acknowledgement ended, for the history entry the next evaluation writes. */
  private readonly ackEnded = new Map<string, string>();
  /** Set when the routes changed (open, reload): the groups follow at the next call with a time. */
  private regroupPending = true;
  private lastGc = -Infinity;

  static open(db: Database.Database, options: NotifierOptions): Notifier {
    const file = options.configFile ?? 'alertmanager.yml';
    const result = loadConfig(options.config, file, options.integrations);
    if (!result.ok) throw new NotifierConfigError(result.problems);
    return new Notifier(db, options, result.loaded);
  }

  private constructor(
    private readonly db: Database.Database,
    private readonly options: NotifierOptions,
    loaded: Loaded,
  ) {
    this.loaded = loaded;
    this.store = new AlertStore(db);
    this.dispatcher = new Dispatcher(db);
    this.silenceStore = new Silences(db, options.newSilenceId);
    this.acks = new Acks(db);
    this.nflog = new NotificationLog(db);
    this.outboxStore = new Outbox(db);
    this.historyStore = new History(db);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.dispatcher.setRoutes(loaded.root);

    const changed = <T>(now: number, f: () => T): T => {
      this.prepare(now);
      return this.db.transaction(() => {
        const out = f();
        this.refresh(now);
        return out;
      })();
    };
    this.silences = {
      create: (input, now) => changed(now, () => this.silenceStore.create(input, now)),
      update: (id, changes, now) => changed(now, () => this.silenceStore.update(id, changes, now)),
      expire: (id, now) => changed(now, () => this.silenceStore.expire(id, now)),
      list: (now, filter) => this.silenceStore.list(now, filter),
      get: (id, now) => this.silenceStore.get(id, now),
    };
    this.history = { search: (q) => this.historyStore.search(q) };
  }

  /** Takes alerts from the evaluator: stores (merging repeats), groups firing ones, records transitions. */
  put(alerts: readonly Alert[], now: number): PutResult {
    this.prepare(now);
    const result: PutResult = { accepted: 0, rejected: [] };
    this.db.transaction(() => {
      alerts.forEach((incoming, index) => {
        const problem = alertProblem(incoming);
        if (problem) {
          result.rejected.push({ index, problem });
          this.options.log(`notifier: alert ${JSON.stringify(incoming?.labels ?? {})} rejected: ${problem}`);
          return;
        }
        const { alert, previous } = this.store.put(incoming, now);
        result.accepted++;
        const firing = alertStatus(alert, now) === 'firing';
        if (previous && firing) {
          if (alertStatus(previous, now) === 'resolved') this.endAck(alert.fingerprint, 'fired again');
          else if (canonicalJson(previous.annotations) !== canonicalJson(alert.annotations))
            this.endAck(alert.fingerprint, 'annotations changed');
        }
        // A resolved alert is only news to the groups that hold it already; one the
        // evaluator keeps re-sending after its resolution went out stays out.
        if (firing) this.dispatcher.insert(alert, now);
      });
      this.refresh(now);
    })();
    return result;
  }

  /** Flushes due groups and delivers due notifications; the hub calls it every second or so. */
  async tick(now: number): Promise<void> {
    this.prepare(now);
    this.db.transaction(() => {
      const evaluated = this.refresh(now);
      this.flushDue(now, evaluated);
    })();
    await this.deliverDue(now);
    if (now - this.lastGc >= GC_INTERVAL) {
      this.lastGc = now;
      this.db.transaction(() => this.gc(now))();
    }
  }

  /** Replaces the config; a config with problems is refused and the running one kept. */
  reload(config: string | NotifierConfig, file = 'alertmanager.yml'): ReloadResult {
    const result = loadConfig(config, file, this.options.integrations);
    if (!result.ok) {
      this.options.log(`notifier: config ${file} refused, keeping the running one:\n  ${result.problems.join('\n  ')}`);
      return result;
    }
    this.loaded = result.loaded;
    this.dispatcher.setRoutes(result.loaded.root);
    this.regroupPending = true;
    this.options.log(`notifier: config ${file} loaded`);
    return { ok: true };
  }

  /** Someone is on it: no repeats for this firing alert until it resolves or its annotations change. */
  acknowledge(fp: string, by: string, now: number): void {
    this.prepare(now);
    const a = this.mustGet(fp);
    if (alertStatus(a, now) === 'resolved')
      throw new NotifyError('alert_resolved', `alert ${fp} has resolved: there is nothing to acknowledge`);
    this.db.transaction(() => {
      this.acks.ack(fp, by, now);
      this.refresh(now);
    })();
  }

  /** Quiet until `until` (also if it resolves and fires again meanwhile); `until <= now` ends a snooze. */
  snooze(fp: string, until: number, by: string, now: number): void {
    this.prepare(now);
    this.mustGet(fp);
    this.db.transaction(() => {
      if (until > now) this.acks.snooze(fp, until, by, now);
      else this.acks.unsnooze(fp);
      this.refresh(now);
    })();
  }

  /** Every alert held, with why it is or is not notified. */
  alerts(now: number): AlertView[] {
    this.prepare(now);
    return [...this.evaluate(now).values()].map((e) => this.view(e));
  }

  /** The aggregation groups, with their alerts and next flush. */
  groups(now: number): GroupView[] {
    this.prepare(now);
    const evaluated = this.evaluate(now);
    return this.dispatcher.all().map((g) => ({
      groupKey: g.groupKey,
      routeId: g.routeId,
      receiver: this.dispatcher.route(g.routeId)?.receiver ?? '',
      groupLabels: g.labels,
      nextFlushAt: g.nextFlushAt,
      flushed: g.flushed,
      alerts: this.dispatcher.members(g.id).flatMap((fp) => {
        const e = evaluated.get(fp);
        return e ? [this.view(e)] : [];
      }),
    }));
  }

  /** Notifications waiting for delivery, and finished ones not yet forgotten. */
  outbox(): OutboxEntry[] {
    return this.outboxStore.list();
  }

  private prepare(now: number): void {
    if (!this.regroupPending) return;
    this.db.transaction(() => this.dispatcher.regroup(this.store.all(), now))();
    this.regroupPending = false;
  }

  private mustGet(fp: string): StoredAlert {
    const a = this.store.get(fp);
    if (!a) throw new NotifyError('alert_not_found', `there is no alert ${fp}: list the alerts for their fingerprints`);
    return a;
  }

  private endAck(fp: string, why: string): void {
    if (this.acks.unack(fp)) this.ackEnded.set(fp, why);
  }

  /** Every alert's status and mute state at `now` (no side effects). */
  private evaluate(now: number): Map<string, Evaluated> {
    const alerts = this.store.all();
    const sources = {
      silences: this.silenceStore.active(now),
      inhibits: this.loaded.inhibitor.prepare(alerts.filter((a) => alertStatus(a, now) === 'firing')),
      acks: this.acks.acks(),
      snoozes: this.acks.snoozes(now),
    };
    return new Map(alerts.map((a) => [a.fingerprint, { alert: a, status: alertStatus(a, now), mute: muteStatus(a, sources, now) }]));
  }

  /** Evaluates, ends the acks of resolved alerts, and records each alert's changes in the history. */
  private refresh(now: number): Map<string, Evaluated> {
    const evaluated = this.evaluate(now);
    const acks = this.acks.acks();
    for (const e of evaluated.values()) {
      if (e.status === 'resolved' && acks.has(e.alert.fingerprint)) this.acks.unack(e.alert.fingerprint);
      this.recordTransitions(e, now);
    }
    this.ackEnded.clear();
    return evaluated;
  }

  private recordTransitions(e: Evaluated, now: number): void {
    const { alert, status } = e;
    const key = muteKey(status, e.mute);
    if (alert.seenStatus === status && (alert.seenMute ?? '') === key) return;
    const alerts = [{ fingerprint: alert.fingerprint, labels: alert.labels }];
    const record = (kind: HistoryKind, detail?: Record<string, unknown>) => this.historyStore.record({ at: now, kind, alerts, detail });
    if (status === 'firing' && alert.seenStatus !== 'firing') record('firing', { startsAt: alert.startsAt });
    if (status === 'resolved' && alert.seenStatus === 'firing') record('resolved', { endsAt: alert.endsAt });
    if (status === 'firing') {
      const before = parseMuteKey(alert.seenStatus === 'firing' ? alert.seenMute : undefined);
      const after = parseMuteKey(key);
      if (JSON.stringify(before.s) !== JSON.stringify(after.s)) {
        if (after.s.length) record('silenced', { silenceIds: after.s });
        else record('unsilenced', { silenceIds: before.s });
      }
      if (JSON.stringify(before.i) !== JSON.stringify(after.i)) {
        if (after.i.length) record('inhibited', { inhibitedBy: after.i });
        else record('uninhibited', { inhibitedBy: before.i });
      }
      if (JSON.stringify(before.a) !== JSON.stringify(after.a)) {
        if (after.a) record('acked', { by: after.a[0] });
        else record('unacked', { reason: this.ackEnded.get(alert.fingerprint) ?? 'removed' });
      }
      if (JSON.stringify(before.z) !== JSON.stringify(after.z)) {
        if (after.z) record('snoozed', { until: after.z[0], by: after.z[1] });
        else record('unsnoozed', { reason: before.z && before.z[0] <= now ? 'ended' : 'cancelled' });
      }
    }
    this.store.markSeen(alert.fingerprint, status, key);
  }

  private flushDue(now: number, evaluated: Map<string, Evaluated>): void {
    for (const group of this.dispatcher.due(now)) {
      const route = this.dispatcher.route(group.routeId);
      if (!route) {
        this.dispatcher.remove(group);
        continue;
      }
      const members = this.dispatcher.members(group.id).flatMap((fp) => {
        const e = evaluated.get(fp);
        return e ? [{ alert: e.alert, mute: e.mute }] : [];
      });
      const integrations = this.loaded.receivers.get(route.receiver) ?? [];
      const decisions = planFlush({
        group,
        route,
        members,
        integrations,
        nflog: (integration) => this.nflog.get(route.receiver, integration, group.groupKey),
        notifyResolvedAfterSilence: this.loaded.config.notifyResolvedAfterSilence,
        externalURL: this.options.externalURL,
        now,
      });
      for (const d of decisions) {
        this.nflog.record(d.record);
        if (!d.notification) continue;
        const id = this.outboxStore.enqueue(
          { receiver: route.receiver, integration: d.integration, groupKey: group.groupKey, notification: d.notification },
          now,
        );
        this.historyStore.record({
          at: now,
          kind: 'queued',
          alerts: d.notification.alerts.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels })),
          receiver: route.receiver,
          integration: d.integration,
          groupKey: group.groupKey,
          detail: {
            outboxId: id,
            status: d.notification.status,
            firing: d.record.firing,
            resolved: d.notification.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
          },
        });
      }
      const resolved = members.filter((m) => alertStatus(m.alert, now) === 'resolved').map((m) => m.alert.fingerprint);
      this.dispatcher.flushed(group, resolved, now + route.groupInterval);
    }
  }

  /** Delivers every due row (a stream's next row as soon as the one before it is through). */
  private async deliverDue(now: number): Promise<void> {
    const limit = Math.max(1, this.options.maxConcurrentDeliveries ?? 8);
    const attempted = new Set<number>();
    while (true) {
      const rows = this.outboxStore.due(now).filter((r) => !this.inFlight.has(r.id) && !attempted.has(r.id));
      if (!rows.length) return;
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const row = rows[next++];
          attempted.add(row.id);
          await this.deliver(row, now);
        }
      };
      await Promise.all(Array.from({ length: Math.min(limit, rows.length) }, worker));
    }
  }

  private async deliver(row: OutboxEntry, now: number): Promise<void> {
    const bound = this.loaded.receivers.get(row.receiver)?.find((i) => i.name === row.integration);
    const attempts = row.attempts + 1;
    const alerts = row.notification.alerts.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels }));
    const event = { alerts, receiver: row.receiver, integration: row.integration, groupKey: row.groupKey };
    if (!bound) {
      this.giveUp(row, attempts, `receiver "${row.receiver}" has no integration ${row.integration} any more (the config changed)`, now);
      return;
    }
    this.inFlight.add(row.id);
    let error: string | undefined;
    try {
      await bound.integration.send(row.notification);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      this.inFlight.delete(row.id);
    }
    this.db.transaction(() => {
      this.historyStore.record({
        at: now,
        kind: 'delivery',
        ...event,
        ok: error === undefined,
        error,
        detail: { outboxId: row.id, attempt: attempts },
      });
      if (error === undefined) {
        this.outboxStore.delivered(row.id, attempts, now);
        return;
      }
      const deadline = row.createdAt + this.retry.maxAge;
      if (now >= deadline) {
        this.giveUp(row, attempts, error, now);
        return;
      }
      const at = Math.min(now + backoffDelay(attempts, this.retry, this.options.random ?? Math.random), deadline);
      this.outboxStore.retryAt(row.id, attempts, error, at);
      this.options.log(
        `notifier: ${row.receiver}/${row.integration} failed (attempt ${attempts}): ${error}; retrying at ${new Date(at).toISOString()}`,
      );
    })();
  }

  private giveUp(row: OutboxEntry, attempts: number, error: string, now: number): void {
    this.db.transaction(() => {
      this.outboxStore.gaveUp(row.id, attempts, error, now);
      this.historyStore.record({
        at: now,
        kind: 'gave_up',
        alerts: row.notification.alerts.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels })),
        receiver: row.receiver,
        integration: row.integration,
        groupKey: row.groupKey,
        error,
        detail: { outboxId: row.id, attempts, queuedAt: row.createdAt },
      });
      // The log says this was sent; it was not. Unless a later notification is on its way,
      // forget it, so the group's next flush sends the current state afresh.
      if (!this.outboxStore.hasPending(row.receiver, row.integration, row.groupKey))
        this.nflog.remove(row.receiver, row.integration, row.groupKey);
    })();
    this.options.log(`notifier: gave up on ${row.receiver}/${row.integration} for ${row.groupKey} after ${attempts} attempts: ${error}`);
  }

  private gc(now: number): void {
    for (const fp of this.store.resolvedBefore(now - this.retention.resolvedAlerts)) {
      if (this.dispatcher.groupsOf(fp).length) continue;
      this.store.remove(fp);
      this.acks.unack(fp);
    }
    this.silenceStore.gc(now - this.retention.silences);
    this.acks.gcSnoozes(now);
    this.nflog.gc(now - this.retention.notificationLog, (key) => this.dispatcher.groupKeyExists(key));
    this.outboxStore.gc(now - this.retention.outbox);
    this.historyStore.gc(now - this.retention.history);
  }

  private view(e: Evaluated): AlertView {
    const { alert, mute } = e;
    const v: AlertView = {
      fingerprint: alert.fingerprint,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      generatorURL: alert.generatorURL,
      updatedAt: alert.updatedAt,
      status: e.status,
      state: mute.silencedBy.length || mute.inhibitedBy.length || mute.acked || mute.snoozed ? 'suppressed' : 'active',
      silencedBy: mute.silencedBy,
      inhibitedBy: mute.inhibitedBy,
      receivers: [...new Set(matchRoutes(this.loaded.root, alert.labels).map((r) => r.receiver))],
    };
    if (mute.acked) v.acked = mute.acked;
    if (mute.snoozed) v.snoozed = mute.snoozed;
    return v;
  }
}

/** Checks a config and builds what it needs, the receivers' Integrations included. */
function loadConfig(
  input: string | NotifierConfig,
  file: string,
  factory: IntegrationFactory,
): { ok: true; loaded: Loaded } | { ok: false; problems: string[] } {
  let config: NotifierConfig;
  if (typeof input === 'string') {
    const parsed = parseNotifierConfig(input, file);
    if (!parsed.ok) return parsed;
    config = parsed.config;
  } else {
    const problems = checkNotifierConfig(input, file);
    if (problems.length) return { ok: false, problems };
    config = input;
  }
  const problems: string[] = [];
  const receivers = new Map<string, BoundIntegration[]>();
  for (const r of config.receivers) {
    const perKind = new Map<string, number>();
    const bound: BoundIntegration[] = [];
    for (const c of r.integrations) {
      const index = perKind.get(c.kind) ?? 0;
      perKind.set(c.kind, index + 1);
      const name = `${c.kind}[${index}]`;
      try {
        bound.push({ name, sendResolved: c.sendResolved, integration: factory(r.name, c.kind, c.config) });
      } catch (e) {
        problems.push(
          `${c.at ?? r.at ?? file}: receiver "${r.name}" ${c.kind}_configs[${index}]: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    receivers.set(r.name, bound);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, loaded: { config, root: buildRouteTree(config.route), inhibitor: new Inhibitor(config.inhibitRules), receivers } };
}
