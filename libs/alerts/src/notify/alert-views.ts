// What the notifier shows of an alert and a group: its state and every reason it is or is
// not notified (the HTTP API and the desktop's alert list read these).

import type { AlertGroup, AlertView } from '@metrics-hub/hub-api';
import type { Evaluated } from './evaluate.ts';
import { matchRoutes, type Route } from './route.ts';

// The API's shapes are the notifier's own: what the hub serves is what it computes.
export type { AlertView, AlertGroup as GroupView };

export function alertView(e: Evaluated, root: Route): AlertView {
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
    receivers: [...new Set(matchRoutes(root, alert.labels).map((r) => r.receiver))],
  };
  if (mute.acked) v.acked = mute.acked;
  if (mute.snoozed) v.snoozed = mute.snoozed;
  return v;
}
