// The sums of the store's sealed data (chunks, samples, bytes) for the hub's status and its
// own metrics, as a query worker last scanned them: the scan grows with the store, so it
// never runs on the hub's main thread, the one that sends PUBACKs, once there are workers.

import type { StoreTotals } from '@metrics-hub/tsdb';
import type { QueryPool } from './query-pool.ts';

export class ScannedTotals {
  private last: StoreTotals | undefined;
  private scanning = false;

  constructor(private readonly queries: QueryPool | undefined) {}

  /** The last scan's figures (undefined before the first: the store then scans itself). */
  get current(): StoreTotals | undefined {
    return this.last;
  }

  /** Asks a worker for a new scan, unless one is still running. */
  refresh(): void {
    if (!this.queries || this.scanning) return;
    this.scanning = true;
    this.queries
      .totals()
      .then((t) => (this.last = t))
      // A scan that fails (the hub stopping, a worker gone: the pool logs that) keeps the last figures.
      .catch(() => {})
      .finally(() => (this.scanning = false));
  }
}
