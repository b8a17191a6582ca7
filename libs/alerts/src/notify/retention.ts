// Step 4 of a tick, now and then: forget what is old (resolved alerts no group holds any
// more, expired silences and snoozes, the log of groups that are gone, finished outbox
// rows, old history).

import type { Acks } from './acks.ts';
import type { AlertStore } from './alert-store.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { History } from './history.ts';
import type { NotificationLog } from './nflog.ts';
import type { Outbox } from './outbox.ts';
import type { Silences } from './silences.ts';

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

export function forgetOld(
  now: number,
  retention: Retention,
  from: {
    store: AlertStore;
    dispatcher: Dispatcher;
    acks: Acks;
    silences: Silences;
    nflog: NotificationLog;
    outbox: Outbox;
    history: History;
  },
): void {
  for (const fp of from.store.resolvedBefore(now - retention.resolvedAlerts)) {
    if (from.dispatcher.groupsOf(fp).length) continue;
    from.store.remove(fp);
    from.acks.unack(fp);
  }
  from.silences.gc(now - retention.silences);
  from.acks.gcSnoozes(now);
  from.nflog.gc(now - retention.notificationLog, (key) => from.dispatcher.groupKeyExists(key));
  from.outbox.gc(now - retention.outbox);
  from.history.gc(now - retention.history);
}
