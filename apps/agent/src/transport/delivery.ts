// Moves batches from the outbox to the broker. A batch leaves the outbox only when the
// broker acknowledged it. After an outage, batches made since the reconnect go first and
// the backlog follows, oldest first, at a byte rate limit, so that a fleet coming back
// does not swamp the hub while live data keeps flowing.

import type { SegmentQueue } from '../buffer/segment-queue.ts';

export interface Publisher {
  readonly connected: boolean;
  publish(topic: string, payload: Uint8Array): Promise<void>;
}

export interface DeliveryOptions {
  topic: string;
  maxInflight: number;
  /** Backlog replay rate, bytes per second (live batches are not limited). */
  backlogBytesPerSecond: number;
  /** A batch not acknowledged in this time is sent again (the hub drops repeats). */
  ackTimeoutMs: number;
  now?: () => number;
}

export interface DeliveryStats {
  batchesSent: number;
  bytesSent: number;
  lastSuccessMs: number | undefined;
  /** Append-to-acknowledge latency of the last batch, ms. */
  lastLatencyMs: number | undefined;
  inflight: number;
  failures: number;
}

export class Delivery {
  private readonly inflight = new Map<number, number>();
  private liveSince = Infinity;
  private tokens = 0;
  private lastRefill: number;
  private readonly now: () => number;
  readonly stats: DeliveryStats = { batchesSent: 0, bytesSent: 0, lastSuccessMs: undefined, lastLatencyMs: undefined, inflight: 0, failures: 0 };

  constructor(
    private readonly queue: SegmentQueue,
    private readonly publisher: Publisher,
    private readonly options: DeliveryOptions,
    private readonly onAck: (id: number, bytes: number) => void = () => undefined,
  ) {
    this.now = options.now ?? Date.now;
    this.lastRefill = this.now();
  }

  /**
   * The link came up: what is appended from now on is live, and what was in flight when the
   * link went down is sent again now. A broker that died may never have stored it, and a
   * resent session copy is not guaranteed; a repeat costs only bandwidth, since the hub
   * recognises a batch's sequence range (and the store ignores exact duplicates).
   */
  connected(): void {
    this.liveSince = this.now();
    this.inflight.clear();
  }

  /** Sends what may be sent now; call on a timer and after appends and acks. */
  pump(): void {
    if (!this.publisher.connected) return;
    const now = this.now();
    this.refill(now);
    for (const [id, sentAt] of this.inflight) if (now - sentAt > this.options.ackTimeoutMs) this.inflight.delete(id);
    const pending = this.queue.pendingIds().filter((id) => !this.inflight.has(id));
    const live = pending.filter((id) => (this.queue.appendedAt(id) ?? 0) >= this.liveSince);
    const backlog = pending.filter((id) => (this.queue.appendedAt(id) ?? 0) < this.liveSince);
    for (const id of live) {
      if (this.inflight.size >= this.options.maxInflight) return;
      this.send(id, now);
    }
    const capacity = this.options.backlogBytesPerSecond * 2;
    for (const id of backlog) {
      if (this.inflight.size >= this.options.maxInflight) return;
      const payload = this.queue.read(id);
      if (!payload) continue;
      // A batch bigger than the bucket still goes once the bucket is full (and leaves a debt).
      if (payload.length > this.tokens && this.tokens < capacity) return;
      this.tokens -= payload.length;
      this.send(id, now, payload);
    }
  }

  private refill(now: number): void {
    const capacity = this.options.backlogBytesPerSecond * 2;
    this.tokens = Math.min(capacity, this.tokens + ((now - this.lastRefill) / 1000) * this.options.backlogBytesPerSecond);
    this.lastRefill = now;
  }

  private send(id: number, now: number, payload = this.queue.read(id)): void {
    if (!payload) return;
    this.inflight.set(id, now);
    this.stats.inflight = this.inflight.size;
    const appended = this.queue.appendedAt(id) ?? now;
    this.publisher.publish(this.options.topic, payload).then(
      () => {
        this.inflight.delete(id);
        this.queue.ack(id);
        this.stats.batchesSent++;
        this.stats.bytesSent += payload.length;
        this.stats.lastSuccessMs = this.now();
        this.stats.lastLatencyMs = this.now() - appended;
        this.stats.inflight = this.inflight.size;
        this.onAck(id, payload.length);
        this.pump();
      },
      () => {
        this.inflight.delete(id);
        this.stats.failures++;
        this.stats.inflight = this.inflight.size;
      },
    );
  }
}
