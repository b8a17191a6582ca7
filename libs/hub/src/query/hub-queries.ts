// The hub's query pool from its config: none with query.max_concurrency 0 (queries then
// run on the main thread, on the hub's engine).

import { join } from 'node:path';
import type { EngineLimits } from '@metrics-hub/promql';
import type { HubConfig } from '../config.ts';
import { QueryPool } from './query-pool.ts';

export function hubQueryPool(
  config: HubConfig,
  o: { limits: EngineLimits; retention: { rawMs: number; rollup1mMs: number; rollup1hMs: number }; log: (line: string) => void },
): QueryPool | undefined {
  if (config.query.maxConcurrency <= 0) return undefined;
  return new QueryPool({
    dbPath: join(config.dataDir, 'metrics.db'),
    retention: o.retention,
    archiveDir: config.store.archive?.dir,
    limits: o.limits,
    maxConcurrency: config.query.maxConcurrency,
    maxQueued: config.query.maxQueued,
    log: o.log,
  });
}
