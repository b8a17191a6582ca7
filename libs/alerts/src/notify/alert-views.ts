// What the notifier shows of an alert and a group: its state and every reason it is or is
// not notified (the HTTP API and the desktop's alert list read these).

import type { AlertStatus, Labels } from '../model.ts';
import type { Ack, Snooze } from './acks.ts';
import type { Evaluated } from './evaluate.ts';
import { matchRoutes, type Route } from './route.ts';

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
