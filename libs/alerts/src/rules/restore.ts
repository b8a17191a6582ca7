// Restoring a `for` clock after a restart, as Prometheus does (rules/group.go,
// RestoreForState): the time an alert spent pending before the hub went down counts, the
// downtime does not; an alert that would fire within the grace period of the restart
// fires at the end of it instead (so a restart does not set off a burst); after an outage
// longer than the tolerance nothing is restored.

export interface RestoreOptions {
  /** Prometheus: --rules.alert.for-grace-period (10m there; 1m here, see docs). */
  forGracePeriodMs: number;
  /** Prometheus: --rules.alert.for-outage-tolerance (1h). */
  outageToleranceMs: number;
}

/**
 * The activeAt to give an alert found active in the first evaluation after a restart,
 * or undefined to start its `for` afresh. `downAt` is the last evaluation before the stop.
 */
export function restoredActiveAt(
  persistedActiveAt: number,
  downAt: number,
  ts: number,
  forMs: number,
  o: RestoreOptions,
): number | undefined {
  if (ts - downAt > o.outageToleranceMs) return undefined;
  const remaining = forMs - (downAt - persistedActiveAt);
  // Firing already when the hub stopped: it fires again at once if it still holds.
  if (remaining <= 0) return persistedActiveAt;
  // Holds shorter than the grace period start over rather than wait for the grace period.
  if (forMs < o.forGracePeriodMs) return undefined;
  if (remaining < o.forGracePeriodMs) return ts + o.forGracePeriodMs - forMs;
  return persistedActiveAt + (ts - downAt);
}
