// Debian's promtool (package `prometheus`) for tests that check our OpenMetrics against Prometheus itself.

import { existsSync } from 'node:fs';

export const PROMTOOL = '/usr/bin/promtool';

/** True when promtool is installed; under CI=true a missing one is a failure, not a skip. */
export function promtoolAvailable(): boolean {
  const found = existsSync(PROMTOOL);
  if (!found && process.env.CI === 'true') throw new Error('promtool is not installed: CI must install the prometheus package (scripts/install-system-deps.sh)');
  return found;
}
