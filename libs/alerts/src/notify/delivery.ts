// Step 3 of a tick: the outbox's due rows go to their Integrations, several at once, each
// stream in order. A failure is retried with backoff until the row's maxAge; then the row
// is given up and the notification log forgets it, so the group's next flush resends.

import type Database from 'better-sqlite3';
import type { History } from './history.ts';
import type { BoundIntegration } from './load-config.ts';
import type { NotificationLog } from './nflog.ts';
import { backoffDelay, type Outbox, type OutboxEntry, type RetryPolicy } from './outbox.ts';

export interface DeliveryOptions {
  db: Database.Database;
  outbox: Outbox;
  history: History;
  nflog: NotificationLog;
  retry: RetryPolicy;
  /** The integration a row is for, looked up at send time (a reload may have removed it). */
  integration: (receiver: string, name: string) => BoundIntegration | undefined;
  log: (line: string) => void;
  /** For the backoff's jitter; default Math.random. */
  random?: () => number;
  /** Deliveries in flight at once. */
  maxConcurrent: number;
}

export class Delivery {
  private readonly inFlight = new Set<number>();

  constructor(private readonly o: DeliveryOptions) {}

  /** Delivers every due row (a stream's next row as soon as the one before it is through). */
  async deliverDue(now: number): Promise<void> {
    const limit = Math.max(1, this.o.maxConcurrent);
    const attempted = new Set<number>();
    while (true) {
      const rows = this.o.outbox.due(now).filter((r) => !this.inFlight.has(r.id) && !attempted.has(r.id));
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
    const bound = this.o.integration(row.receiver, row.integration);
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
    this.o.db.transaction(() => {
      this.o.history.record({
        at: now,
        kind: 'delivery',
        ...event,
        ok: error === undefined,
        error,
        detail: { outboxId: row.id, attempt: attempts },
      });
      if (error === undefined) {
        this.o.outbox.delivered(row.id, attempts, now);
        return;
      }
      const deadline = row.createdAt + this.o.retry.maxAge;
      if (now >= deadline) {
        this.giveUp(row, attempts, error, now);
        return;
      }
      const at = Math.min(now + backoffDelay(attempts, this.o.retry, this.o.random ?? Math.random), deadline);
      this.o.outbox.retryAt(row.id, attempts, error, at);
      this.o.log(
        `notifier: ${row.receiver}/${row.integration} failed (attempt ${attempts}): ${error}; retrying at ${new Date(at).toISOString()}`,
      );
    })();
  }

  private giveUp(row: OutboxEntry, attempts: number, error: string, now: number): void {
    this.o.db.transaction(() => {
      this.o.outbox.gaveUp(row.id, attempts, error, now);
      this.o.history.record({
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
      if (!this.o.outbox.hasPending(row.receiver, row.integration, row.groupKey))
        this.o.nflog.remove(row.receiver, row.integration, row.groupKey);
    })();
    this.o.log(`notifier: gave up on ${row.receiver}/${row.integration} for ${row.groupKey} after ${attempts} attempts: ${error}`);
  }
}
