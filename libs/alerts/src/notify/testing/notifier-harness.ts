// Shared by the notifier's tests: a real SQLite file in a temporary folder (reopenable, to
// test restarts), Integrations that record what they get or fail on demand, and alerts.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, Integration, Notification } from '../../model.ts';
import { Notifier, type NotifierOptions } from '../notifier.ts';

/** 2025-01-01T00:00:00Z: tests count from here. */
export const T0 = Date.UTC(2025, 0, 1);
export const SEC = 1000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export class FakeIntegration implements Integration {
  readonly sent: { at: number; notification: Notification }[] = [];
  attempts = 0;
  /** Fail the next N sends... */
  failNext = 0;
  /** ...or every send while true. */
  failing = false;
  /** Never answer (a process that dies mid-send). */
  hang = false;

  constructor(
    readonly kind: string,
    private readonly clock: { now: number },
  ) {}

  async send(notification: Notification): Promise<void> {
    this.attempts++;
    if (this.hang) return new Promise<void>(() => {});
    if (this.failing || this.failNext > 0) {
      if (this.failNext > 0) this.failNext--;
      throw new Error('503 Service Unavailable');
    }
    this.sent.push({ at: this.clock.now, notification });
  }

  /** What was delivered, as "status:fp-labels" summaries, for compact assertions. */
  summary(): string[] {
    return this.sent.map(
      ({ notification: n }) =>
        `${n.status} ${n.alerts.map((a) => `${a.labels.alertname}${a.labels.instance ? `@${a.labels.instance}` : ''}=${a.status}`).join(',')}`,
    );
  }
}

export interface Harness {
  clock: { now: number };
  notifier: Notifier;
  logs: string[];
  /** The integration of `receiver` whose config has `url` (or `to`) equal to `id`. */
  fake(receiver: string, id: string): FakeIntegration;
  /** Advances the clock to `at` and ticks once. */
  tickAt(at: number): Promise<void>;
  /** Closes the database and opens a new Notifier over the same file (a restart). */
  restart(options?: Partial<NotifierOptions>): Notifier;
  close(): void;
}

export function openHarness(config: string, options: Partial<NotifierOptions> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'notify-test-'));
  const file = join(dir, 'notify.db');
  const clock = { now: T0 };
  const logs: string[] = [];
  const fakes = new Map<string, FakeIntegration>();
  const make = (o: Partial<NotifierOptions>) =>
    Notifier.open(db, {
      config,
      configFile: 'alertmanager.yml',
      externalURL: 'http://hub.example:9464',
      log: (l) => logs.push(l),
      random: () => 0,
      integrations: (receiver, kind, cfg) => {
        // Stands for a receiver whose settings its factory refuses.
        if (cfg.reject) throw new Error(String(cfg.reject));
        const key = `${receiver}/${String(cfg.url ?? cfg.to ?? kind)}`;
        let f = fakes.get(key);
        if (!f) fakes.set(key, (f = new FakeIntegration(kind, clock)));
        return f;
      },
      ...options,
      ...o,
    });
  let db = new Database(file);
  const h: Harness = {
    clock,
    logs,
    notifier: make({}),
    fake(receiver, id) {
      const f = fakes.get(`${receiver}/${id}`);
      if (!f) throw new Error(`no integration ${receiver}/${id}; have ${[...fakes.keys()].join(', ')}`);
      return f;
    },
    async tickAt(at) {
      clock.now = at;
      await h.notifier.tick(at);
    },
    restart(o = {}) {
      db.close();
      db = new Database(file);
      h.notifier = make(o);
      return h.notifier;
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A firing alert as Prometheus sends it; endsAt far ahead unless given. */
export function firing(labels: Record<string, string>, startsAt: number, extra: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAt,
    endsAt: startsAt + 1000 * 86_400_000,
    generatorURL: `http://hub.example:9464/graph?alert=${labels.alertname}`,
    ...extra,
  };
}

export function resolved(labels: Record<string, string>, startsAt: number, endsAt: number, extra: Partial<Alert> = {}): Alert {
  return firing(labels, startsAt, { endsAt, ...extra });
}
