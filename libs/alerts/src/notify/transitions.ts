// What changed about one alert since it was last looked at (firing, resolved, silenced,
// inhibited, acked, snoozed and their ends), written to the history. The alert store keeps
// the status and mute key last seen, so each change is recorded once, across restarts too.

import type { AlertStore } from './alert-store.ts';
import type { Evaluated } from './evaluate.ts';
import type { History, HistoryKind } from './history.ts';
import { muteKey, parseMuteKey } from './mute.ts';

export function recordTransitions(
  e: Evaluated,
  now: number,
  to: {
    store: AlertStore;
    history: History;
    /** Why an acknowledgement ended, by fingerprint ("removed" when not known). */
    ackEnded: ReadonlyMap<string, string>;
  },
): void {
  const { alert, status } = e;
  const key = muteKey(status, e.mute);
  if (alert.seenStatus === status && (alert.seenMute ?? '') === key) return;
  const alerts = [{ fingerprint: alert.fingerprint, labels: alert.labels }];
  const record = (kind: HistoryKind, detail?: Record<string, unknown>) => to.history.record({ at: now, kind, alerts, detail });
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
      else record('unacked', { reason: to.ackEnded.get(alert.fingerprint) ?? 'removed' });
    }
    if (JSON.stringify(before.z) !== JSON.stringify(after.z)) {
      if (after.z) record('snoozed', { until: after.z[0], by: after.z[1] });
      else record('unsnoozed', { reason: before.z && before.z[0] <= now ? 'ended' : 'cancelled' });
    }
  }
  to.store.markSeen(alert.fingerprint, status, key);
}
