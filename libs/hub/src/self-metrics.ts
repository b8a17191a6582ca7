// The hub's own metrics: served on /metrics for an outside Prometheus, and written into
// the hub's own store with job="metrics-hub" so its health can be charted and alerted on
// like anything else.

import type { MetricFamily } from '@metrics-hub/expfmt';
import type { StoreStats } from '@metrics-hub/tsdb';
import type { IngestStats } from './ingest/ingester.ts';
import type { FleetAgent } from './fleet/registry.ts';

export interface HubVitals {
  ingest: IngestStats;
  store: StoreStats;
  agents: FleetAgent[];
  brokerConnections: number;
  startedMs: number;
  version: string;
}

export function hubMetricFamilies(v: HubVitals): MetricFamily[] {
  const counter = (name: string, help: string, samples: [Record<string, string>, number][]): MetricFamily => ({
    name,
    type: 'counter',
    help,
    unit: '',
    samples: samples.map(([labels, value]) => ({ name, labels, value })),
  });
  const gauge = (name: string, help: string, value: number, labels: Record<string, string> = {}): MetricFamily => ({
    name,
    type: 'gauge',
    help,
    unit: '',
    samples: [{ name, labels, value }],
  });
  const i = v.ingest;
  const up = v.agents.filter((a) => a.up).length;
  return [
    gauge('metrics_hub_build_info', 'The hub version.', 1, { version: v.version }),
    gauge('metrics_hub_start_time_seconds', 'When the hub started.', v.startedMs / 1000),
    counter('metrics_hub_ingest_batches_total', 'Agent batches by what became of them.', [
      [{ outcome: 'stored' }, i.batchesStored],
      [{ outcome: 'duplicate' }, i.batchesDuplicate],
      [{ outcome: 'rejected' }, i.batchesRejected],
    ]),
    counter('metrics_hub_ingest_samples_total', 'Samples stored from agent batches.', [[{}, i.samplesStored]]),
    counter('metrics_hub_ingest_commits_total', 'Store transactions (group commits) of agent batches.', [[{}, i.commits]]),
    counter(
      'metrics_hub_ingest_commit_errors_total',
      'Group commits the store refused (their batches are not acknowledged and come again).',
      [[{}, i.commitErrors]],
    ),
    counter('metrics_hub_ingest_refused_busy_total', 'Batches refused because the store was behind (the agents retry).', [
      [{}, i.refusedBusy],
    ]),
    counter(
      'metrics_hub_ingest_series_rejected_total',
      'Series refused from agents: by the store (invalid labels, cardinality limits) or by the hub (series only the hub writes).',
      [[{}, i.seriesRejected]],
    ),
    counter(
      'metrics_hub_ingest_samples_too_far_ahead_total',
      "Samples from agents refused for being stamped further ahead of the hub's clock than store.max_future.",
      [[{}, i.samplesTooFarAhead]],
    ),
    gauge('metrics_hub_ingest_pending_batches', 'Batches waiting for the next group commit.', i.pendingBatches),
    gauge('metrics_hub_ingest_pending_bytes', 'Bytes of batches waiting for the next group commit.', i.pendingBytes),
    gauge('metrics_hub_store_series', 'Series in the store.', v.store.series),
    gauge('metrics_hub_store_samples', 'Samples in the store.', v.store.samples),
    gauge('metrics_hub_store_file_bytes', 'Size of the store file and its journal.', v.store.fileBytes + v.store.walFileBytes),
    counter('metrics_hub_store_samples_rejected_total', 'Samples the store refused, by reason.', [
      [{ reason: 'too_old' }, v.store.rejected.tooOld],
      [{ reason: 'too_far_ahead' }, v.store.rejected.tooFarAhead],
      [{ reason: 'conflict' }, v.store.rejected.conflicts],
      [{ reason: 'cardinality' }, v.store.rejected.cardinality],
      [{ reason: 'invalid' }, v.store.rejected.invalid],
    ]),
    gauge('metrics_hub_broker_connections', 'Agent connections to the embedded broker.', v.brokerConnections),
    {
      name: 'metrics_hub_agents',
      type: 'gauge',
      help: 'Known agents, up or not.',
      unit: '',
      samples: [
        { name: 'metrics_hub_agents', labels: { state: 'up' }, value: up },
        { name: 'metrics_hub_agents', labels: { state: 'down' }, value: v.agents.length - up },
      ],
    },
  ];
}
