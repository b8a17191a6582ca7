// Every alert's status and mute state at one instant: what the flush, the history and the
// views all start from. Pure reads; nothing is written.

import { alertStatus, type AlertStatus } from '../model.ts';
import type { Acks } from './acks.ts';
import type { AlertStore, StoredAlert } from './alert-store.ts';
import type { Inhibitor } from './inhibit.ts';
import { muteStatus, type MuteStatus } from './mute.ts';
import type { Silences } from './silences.ts';

export interface Evaluated {
  alert: StoredAlert;
  status: AlertStatus;
  mute: MuteStatus;
}

/** Every alert's status and mute state at `now` (no side effects), by fingerprint. */
export function evaluateAlerts(
  from: { store: AlertStore; silences: Silences; inhibitor: Inhibitor; acks: Acks },
  now: number,
): Map<string, Evaluated> {
  const alerts = from.store.all();
  const sources = {
    silences: from.silences.active(now),
    inhibits: from.inhibitor.prepare(alerts.filter((a) => alertStatus(a, now) === 'firing')),
    acks: from.acks.acks(),
    snoozes: from.acks.snoozes(now),
  };
  return new Map(alerts.map((a) => [a.fingerprint, { alert: a, status: alertStatus(a, now), mute: muteStatus(a, sources, now) }]));
}
