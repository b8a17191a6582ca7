// What the query pool counts, as the hub's own metrics (/metrics, and its store): queries
// running and waiting now, how long they waited for a worker, how many were split across
// workers, and how they ended.

import type { MetricFamily } from '@metrics-hub/expfmt';
import type { QueryOutcome } from './protocol.ts';

/** Upper bounds of the wait histogram, in seconds. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type CountedOutcome = QueryOutcome | 'rejected';

export class QueryPoolStats {
  readonly outcomes: Record<CountedOutcome, number> = { success: 0, error: 0, timeout: 0, canceled: 0, rejected: 0 };
  private readonly waitCounts = new Array<number>(WAIT_BUCKETS.length).fill(0);
  private waitSum = 0;
  private waitCount = 0;
  /** Queries split across workers, and the shards they were split into. */
  splits = 0;
  shards = 0;

  count(outcome: CountedOutcome): void {
    this.outcomes[outcome]++;
  }

  /** A query was split into `shards`, one per worker. */
  split(shards: number): void {
    this.splits++;
    this.shards += shards;
  }

  /** A query left the queue for a worker after `seconds`. */
  waited(seconds: number): void {
    this.waitSum += seconds;
    this.waitCount++;
    for (let i = 0; i < WAIT_BUCKETS.length; i++) if (seconds <= WAIT_BUCKETS[i]) this.waitCounts[i]++;
  }

  metricFamilies(now: { running: number; queued: number; maxConcurrency: number; maxQueued: number }): MetricFamily[] {
    const gauge = (name: string, help: string, value: number): MetricFamily => ({
      name,
      type: 'gauge',
      help,
      unit: '',
      samples: [{ name, labels: {}, value }],
    });
    const wait = 'metrics_hub_query_queue_wait_seconds';
    return [
      gauge('metrics_hub_queries_running', 'Queries being evaluated by the query workers now.', now.running),
      gauge('metrics_hub_queries_queued', 'Queries waiting for a query worker now.', now.queued),
      gauge('metrics_hub_query_max_concurrency', 'Queries evaluated at once at most (query.max_concurrency).', now.maxConcurrency),
      gauge('metrics_hub_query_max_queued', 'Queries waiting at most; more are refused (query.max_queued).', now.maxQueued),
      {
        name: wait,
        type: 'histogram',
        help: 'How long queries waited for a query worker.',
        unit: 'seconds',
        samples: [
          ...WAIT_BUCKETS.map((le, i) => ({ name: `${wait}_bucket`, labels: { le: String(le) }, value: this.waitCounts[i] })),
          { name: `${wait}_bucket`, labels: { le: '+Inf' }, value: this.waitCount },
          { name: `${wait}_sum`, labels: {}, value: this.waitSum },
          { name: `${wait}_count`, labels: {}, value: this.waitCount },
        ],
      },
      {
        name: 'metrics_hub_query_splits_total',
        type: 'counter',
        help: 'Range queries split by series across idle query workers (each worker one shard).',
        unit: '',
        samples: [{ name: 'metrics_hub_query_splits_total', labels: {}, value: this.splits }],
      },
      {
        name: 'metrics_hub_query_shards_total',
        type: 'counter',
        help: 'Shards the split queries were evaluated in (the split query worker included).',
        unit: '',
        samples: [{ name: 'metrics_hub_query_shards_total', labels: {}, value: this.shards }],
      },
      {
        name: 'metrics_hub_queries_total',
        type: 'counter',
        help: 'Queries asked of the query workers, by how they ended (rejected: the queue was full).',
        unit: '',
        samples: Object.entries(this.outcomes).map(([outcome, value]) => ({
          name: 'metrics_hub_queries_total',
          labels: { outcome },
          value,
        })),
      },
    ];
  }
}
