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
import { alertStatus, type Alert } from '../model.ts';
import { Acks } from './acks.ts';
import { AlertStore, alertProblem, canonicalJson, type StoredAlert } from './alert-store.ts';
import { alertView, type AlertView, type GroupView } from './alert-views.ts';
import { NotifierConfigError, type NotifierConfig } from './config.ts';
import { Delivery } from './delivery.ts';
import { Dispatcher } from './dispatcher.ts';
import { evaluateAlerts, type Evaluated } from './evaluate.ts';
import { flushDueGroups } from './flush-groups.ts';
import { History, type HistoryEvent, type HistoryQuery } from './history.ts';
import { loadConfig, type IntegrationFactory, type LoadedConfig } from './load-config.ts';
import { NotificationLog } from './nflog.ts';
import { DEFAULT_RETRY, Outbox, type OutboxEntry, type RetryPolicy } from './outbox.ts';
import { DEFAULT_RETENTION, forgetOld, type Retention } from './retention.ts';
import { Silences, type Silence, type SilenceInput, type SilenceState } from './silences.ts';
import { recordTransitions } from './transitions.ts';

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

const GC_INTERVAL = 60_000;

export class Notifier {
  readonly silences: SilenceApi;
  readonly history: { search(q?: HistoryQuery): HistoryEvent[] };

  private loaded: LoadedConfig;
  private readonly store: AlertStore;
  private readonly dispatcher: Dispatcher;
  private readonly silenceStore: Silences;
  private readonly acks: Acks;
  private readonly nflog: NotificationLog;
  private readonly outboxStore: Outbox;
  private readonly historyStore: History;
  private readonly delivery: Delivery;
  private readonly retention: Retention;
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
    loaded: LoadedConfig,
  ) {
    this.loaded = loaded;
    this.store = new AlertStore(db);
    this.dispatcher = new Dispatcher(db);
    this.silenceStore = new Silences(db, options.newSilenceId);
    this.acks = new Acks(db);
    this.nflog = new NotificationLog(db);
    this.outboxStore = new Outbox(db);
    this.historyStore = new History(db);
    this.delivery = new Delivery({
      db,
      outbox: this.outboxStore,
      history: this.historyStore,
      nflog: this.nflog,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      integration: (receiver, name) => this.loaded.receivers.get(receiver)?.find((i) => i.name === name),
      log: options.log,
      random: options.random,
      maxConcurrent: options.maxConcurrentDeliveries ?? 8,
    });
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
    await this.delivery.deliverDue(now);
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
    return evaluateAlerts({ store: this.store, silences: this.silenceStore, inhibitor: this.loaded.inhibitor, acks: this.acks }, now);
  }

  /** Evaluates, ends the acks of resolved alerts, and records each alert's changes in the history. */
  private refresh(now: number): Map<string, Evaluated> {
    const evaluated = this.evaluate(now);
    const acks = this.acks.acks();
    for (const e of evaluated.values()) {
      if (e.status === 'resolved' && acks.has(e.alert.fingerprint)) this.acks.unack(e.alert.fingerprint);
      recordTransitions(e, now, { store: this.store, history: this.historyStore, ackEnded: this.ackEnded });
    }
    this.ackEnded.clear();
    return evaluated;
  }

  private flushDue(now: number, evaluated: Map<string, Evaluated>): void {
    flushDueGroups(now, evaluated, {
      dispatcher: this.dispatcher,
      nflog: this.nflog,
      outbox: this.outboxStore,
      history: this.historyStore,
      loaded: this.loaded,
      externalURL: this.options.externalURL,
    });
  }

  private gc(now: number): void {
    forgetOld(now, this.retention, {
      store: this.store,
      dispatcher: this.dispatcher,
      acks: this.acks,
      silences: this.silenceStore,
      nflog: this.nflog,
      outbox: this.outboxStore,
      history: this.historyStore,
    });
  }

  private view(e: Evaluated): AlertView {
    return alertView(e, this.loaded.root);
  }
}
