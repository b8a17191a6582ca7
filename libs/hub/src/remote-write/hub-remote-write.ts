// Remote write in the hub, both ways, as one part the hub starts and stops:
//
//   every store.append (agents, `up`, the hub's own metrics, recording rules, imports,
//   remote write in) ──observer, same transaction──► queue <data>/remote-write-queue.db
//                                                        └─► RemoteWriter ─► endpoints (remote_write:)
//   POST /api/v1/write ──► receive route ──► store.append (one transaction, metadata with it)
//
// The queue file is attached to the store's SQLite connection, so the segments written for
// an append commit in the append's own transaction: what the store has, the queue has. (In
// WAL mode SQLite commits attached files one after the other; a kill -9 between the two
// writes, microseconds apart, can lose that one commit's samples for forwarding but never
// forwards samples the store does not have. See libs/remote-write/README.md.)

import { join } from 'node:path';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { RemoteWriter, type RemoteWriteEndpoint, type RemoteWriteStatus } from '@metrics-hub/remote-write';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { RouteHandler } from '../http/server.ts';
import { createRemoteWriteReceiver, type ReceiveStats } from './receive-route.ts';

export const QUEUE_FILE = 'remote-write-queue.db';

export interface HubRemoteWriteStatus {
  receive: ReceiveStats;
  /** Present when remote_write: names endpoints. */
  forward?: RemoteWriteStatus & {
    /** Samples stored but not queued because the queue could not be written (disk trouble; logged). */
    enqueueFailedSamples: number;
  };
}

export class HubRemoteWrite {
  readonly route: RouteHandler;
  private readonly receiveStats: ReceiveStats;
  private readonly writer: RemoteWriter | undefined;
  private readonly unobserve: (() => void) | undefined;
  private enqueueFailedSamples = 0;

  constructor(
    store: TimeSeriesStore,
    o: {
      dataDir: string;
      endpoints: RemoteWriteEndpoint[];
      durability: 'process' | 'power';
      maxBodyBytes: number;
      acceptPastRetention: boolean;
      userAgent: string;
      log: (line: string) => void;
      now: () => number;
    },
  ) {
    const receiver = createRemoteWriteReceiver({
      store,
      maxBodyBytes: o.maxBodyBytes,
      acceptPastRetention: o.acceptPastRetention,
      log: o.log,
      now: o.now,
    });
    this.route = receiver.route;
    this.receiveStats = receiver.stats;
    if (!o.endpoints.length) return;
    const writer = RemoteWriter.open({
      queue: {
        path: join(o.dataDir, QUEUE_FILE),
        attachTo: store.database,
        synchronous: o.durability === 'power' ? 'FULL' : 'NORMAL',
        now: o.now,
      },
      endpoints: o.endpoints,
      log: o.log,
      now: o.now,
      userAgent: o.userAgent,
    });
    this.writer = writer;
    this.unobserve = store.observeAppends({
      appended: (series) => {
        try {
          writer.write(series);
        } catch (e) {
          // Ingest goes on: the store is the record; forwarding misses these samples.
          const n = series.reduce((a, s) => a + s.timestamps.length, 0);
          this.enqueueFailedSamples += n;
          o.log(`remote write: cannot queue ${n} samples for forwarding (they are stored, not forwarded): ${(e as Error).message}`);
        }
      },
      settled: (committed) => {
        try {
          writer.queue.settle(committed);
        } catch (e) {
          o.log(`remote write: ${(e as Error).message}`);
        }
      },
    });
    o.log(
      `remote write: forwarding every stored sample to ${writer.senders.map((s) => s.config.name).join(', ')} (queue ${join(o.dataDir, QUEUE_FILE)})`,
    );
  }

  status(): HubRemoteWriteStatus {
    return {
      receive: structuredClone(this.receiveStats),
      forward: this.writer && { ...this.writer.status(), enqueueFailedSamples: this.enqueueFailedSamples },
    };
  }

  /** For /metrics and the hub's own series. */
  metricFamilies(): MetricFamily[] {
    const r = this.receiveStats;
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]): MetricFamily => ({
      name,
      type,
      help,
      unit: '',
      samples: samples.map(([labels, value]) => ({ name, labels, value })),
    });
    const out: MetricFamily[] = [
      family(
        'metrics_hub_remote_write_received_requests_total',
        'counter',
        'Remote-write requests received (POST /api/v1/write) by outcome.',
        [
          [{ outcome: 'stored' }, r.requests.stored],
          [{ outcome: 'refused' }, r.requests.refused],
          [{ outcome: 'too_large' }, r.requests.tooLarge],
          [{ outcome: 'failed' }, r.requests.failed],
        ],
      ),
      family('metrics_hub_remote_write_received_samples_total', 'counter', 'Samples stored from remote-write requests.', [
        [{}, r.samplesStored],
      ]),
    ];
    const f = this.writer?.status();
    if (!f) return out;
    const per = (pick: (e: RemoteWriteStatus['endpoints'][number]) => number): [Record<string, string>, number][] =>
      f.endpoints.map((e) => [{ endpoint: e.name }, pick(e)]);
    out.push(
      family(
        'metrics_hub_remote_write_pending_samples',
        'gauge',
        'Samples queued for an endpoint and not yet acknowledged by it.',
        per((e) => e.pendingSamples),
      ),
      family(
        'metrics_hub_remote_write_pending_bytes',
        'gauge',
        'Queue bytes waiting for an endpoint.',
        per((e) => e.pendingBytes),
      ),
      family(
        'metrics_hub_remote_write_queue_full',
        'gauge',
        "1 while an endpoint's queue is at queue_max_bytes (its oldest samples are being dropped).",
        per((e) => (e.queueFull ? 1 : 0)),
      ),
      family(
        'metrics_hub_remote_write_sent_samples_total',
        'counter',
        'Samples an endpoint acknowledged.',
        per((e) => e.sentSamples),
      ),
      family(
        'metrics_hub_remote_write_sent_bytes_total',
        'counter',
        'Compressed request bytes an endpoint acknowledged.',
        per((e) => e.sentBytes),
      ),
      family(
        'metrics_hub_remote_write_failed_requests_total',
        'counter',
        'Requests that failed and were retried (5xx, 429, network).',
        per((e) => e.failedRequests),
      ),
      family(
        'metrics_hub_remote_write_dropped_samples_total',
        'counter',
        'Samples given up: refused by the endpoint (4xx) or dropped from a full queue.',
        f.endpoints.flatMap((e): [Record<string, string>, number][] => [
          [{ endpoint: e.name, reason: 'rejected' }, e.droppedSamples.rejected],
          [{ endpoint: e.name, reason: 'queue_full' }, e.droppedSamples.queueFull],
        ]),
      ),
      family(
        'metrics_hub_remote_write_highest_sent_timestamp_seconds',
        'gauge',
        'Newest sample time an endpoint acknowledged.',
        per((e) => (e.highestSentTimestampMs ?? 0) / 1000),
      ),
      family('metrics_hub_remote_write_queue_bytes', 'gauge', 'Size of the queued segments, all endpoints together.', [
        [{}, f.queue.bytes],
      ]),
    );
    return out;
  }

  /** Stops forwarding (queued samples stay for the next start); before the store closes. */
  async stop(): Promise<void> {
    this.unobserve?.();
    await this.writer?.close();
  }
}
