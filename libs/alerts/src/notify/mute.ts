// Why an alert is quiet, computed afresh at each evaluation from the silences, the firing
// alerts (inhibition sources), acknowledgements and snoozes. An acknowledgement only mutes
// a firing alert: its resolution is news to whoever acknowledged it.

import { alertStatus, type Alert, type AlertStatus } from '../model.ts';
import type { Ack, Snooze } from './acks.ts';
import type { InhibitCheck } from './inhibit.ts';
import { silencedBy, type ActiveSilence } from './silences.ts';

export interface MuteStatus {
  /** Ids of the active silences matching the alert. */
  silencedBy: string[];
  /** Fingerprints of the firing alerts inhibiting it. */
  inhibitedBy: string[];
  acked?: Ack;
  snoozed?: Snooze;
}

export interface MuteSources {
  silences: readonly ActiveSilence[];
  inhibits: InhibitCheck;
  acks: ReadonlyMap<string, Ack>;
  snoozes: ReadonlyMap<string, Snooze>;
}

export function muteStatus(alert: Alert & { fingerprint: string }, sources: MuteSources, now: number): MuteStatus {
  const m: MuteStatus = { silencedBy: silencedBy(alert.labels, sources.silences), inhibitedBy: sources.inhibits(alert.labels) };
  const ack = sources.acks.get(alert.fingerprint);
  if (ack && alertStatus(alert, now) === 'firing') m.acked = ack;
  const snooze = sources.snoozes.get(alert.fingerprint);
  if (snooze) m.snoozed = snooze;
  return m;
}

export function isMuted(m: MuteStatus): boolean {
  return m.silencedBy.length > 0 || m.inhibitedBy.length > 0 || m.acked !== undefined || m.snoozed !== undefined;
}

/** A compact, comparable form, stored so that the history records each change once. */
export function muteKey(status: AlertStatus, m: MuteStatus): string {
  if (status === 'resolved') return '';
  return JSON.stringify({
    s: m.silencedBy,
    i: m.inhibitedBy,
    a: m.acked ? [m.acked.by, m.acked.at] : null,
    z: m.snoozed ? [m.snoozed.until, m.snoozed.by] : null,
  });
}

export function parseMuteKey(key: string | undefined): {
  s: string[];
  i: string[];
  a: [string, number] | null;
  z: [number, string] | null;
} {
  if (!key) return { s: [], i: [], a: null, z: null };
  return JSON.parse(key);
}
