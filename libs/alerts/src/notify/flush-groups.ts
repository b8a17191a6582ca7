// Step 2 of a tick: every aggregation group that is due flushes. `planFlush` decides what
// each receiver integration gets; this carries the decisions out (notification log, outbox
// row, history entry) and schedules the group's next flush. The caller holds the transaction.

import { alertStatus } from '../model.ts';
import { type Dispatcher, planFlush } from './dispatcher.ts';
import type { Evaluated } from './evaluate.ts';
import type { History } from './history.ts';
import type { LoadedConfig } from './load-config.ts';
import type { NotificationLog } from './nflog.ts';
import type { Outbox } from './outbox.ts';

export function flushDueGroups(
  now: number,
  evaluated: ReadonlyMap<string, Evaluated>,
  on: {
    dispatcher: Dispatcher;
    nflog: NotificationLog;
    outbox: Outbox;
    history: History;
    loaded: LoadedConfig;
    externalURL: string;
  },
): void {
  const { dispatcher, nflog, loaded } = on;
  for (const group of dispatcher.due(now)) {
    const route = dispatcher.route(group.routeId);
    if (!route) {
      dispatcher.remove(group);
      continue;
    }
    const members = dispatcher.members(group.id).flatMap((fp) => {
      const e = evaluated.get(fp);
      return e ? [{ alert: e.alert, mute: e.mute }] : [];
    });
    const integrations = loaded.receivers.get(route.receiver) ?? [];
    const decisions = planFlush({
      group,
      route,
      members,
      integrations,
      nflog: (integration) => nflog.get(route.receiver, integration, group.groupKey),
      notifyResolvedAfterSilence: loaded.config.notifyResolvedAfterSilence,
      externalURL: on.externalURL,
      now,
    });
    for (const d of decisions) {
      nflog.record(d.record);
      if (!d.notification) continue;
      const id = on.outbox.enqueue(
        { receiver: route.receiver, integration: d.integration, groupKey: group.groupKey, notification: d.notification },
        now,
      );
      on.history.record({
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
    dispatcher.flushed(group, resolved, now + route.groupInterval);
  }
}
