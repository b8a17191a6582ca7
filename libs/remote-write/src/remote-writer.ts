// The sending side put together: one durable queue, one EndpointSender per endpoint.
//
//   write(series) / enqueue in the caller's transaction ─► DiskQueue ─► EndpointSender × N ─► POST
//
// Samples are acknowledged to the queue per endpoint only after that endpoint took them,
// so a restart (or kill -9) resends at most what was in flight.

import { DiskQueue, type QueueOptions, type QueueSeries } from './disk-queue.ts';
import { EndpointSender, type EndpointStatus, type RemoteWriteEndpoint } from './endpoint-sender.ts';

export interface RemoteWriterOptions {
  queue: QueueOptions;
  endpoints: RemoteWriteEndpoint[];
  log?: (line: string) => void;
  now?: () => number;
  userAgent?: string;
}

export interface RemoteWriteStatus {
  queue: { file: string; segments: number; samples: number; bytes: number };
  endpoints: EndpointStatus[];
}

export class RemoteWriter {
  readonly queue: DiskQueue;
  readonly senders: EndpointSender[];
  private readonly compactTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(o: RemoteWriterOptions) {
    const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const now = o.now ?? Date.now;
    this.queue = DiskQueue.open({ now, ...o.queue });
    try {
      this.senders = o.endpoints.map(
        (e) => new EndpointSender(e, this.queue, { log, now, userAgent: o.userAgent ?? 'metrics-hub-remote-write/0.1.0' }),
      );
      const names = this.senders.map((s) => s.config.name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new Error(`remote write: two endpoints are named "${twice}": give them different names`);
      const removed = this.queue.setEndpoints(names);
      for (const name of removed)
        log(`remote write: endpoint "${name}" is no longer configured: its unsent samples are dropped from the queue`);
    } catch (e) {
      this.queue.close();
      throw e;
    }
    this.queue.onData(() => {
      for (const s of this.senders) {
        try {
          s.enforceLimit();
        } catch (e) {
          log(`remote write to ${s.config.name}: cannot drop from a full queue: ${(e as Error).message}`);
        }
        s.wake();
      }
    });
    for (const s of this.senders) s.start();
    this.compactTimer = setInterval(() => {
      try {
        this.queue.compact();
      } catch (e) {
        log(`remote write: compacting the queue: ${(e as Error).message}`);
      }
    }, 60_000);
    this.compactTimer.unref();
  }

  static open(o: RemoteWriterOptions): RemoteWriter {
    return new RemoteWriter(o);
  }

  /**
   * Queues samples for every endpoint. Outside a transaction it commits at once; inside
   * one of the shared connection (`queue.attachTo`), call `queue.settle()` after it ends.
   */
  write(series: readonly QueueSeries[]): void {
    this.queue.enqueue(series);
  }

  status(): RemoteWriteStatus {
    return { queue: { file: this.queue.path, ...this.queue.stats() }, endpoints: this.senders.map((s) => s.status()) };
  }

  /** Stops sending (in-flight requests are abandoned, their samples stay queued) and closes the queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.compactTimer);
    await Promise.all(this.senders.map((s) => s.stop()));
    this.queue.close();
  }
}
