// Debian's promtool (package `prometheus`) for tests that check our OpenMetrics against Prometheus itself.

import { systemTool } from '@metrics-hub/testing';

export const PROMTOOL = '/usr/bin/promtool';

/** True when promtool is installed; under CI=true a missing one is a failure, not a skip. */
export function promtoolAvailable(): boolean {
  return systemTool(PROMTOOL, 'prometheus', 'the OpenMetrics tests against promtool') !== undefined;
}
