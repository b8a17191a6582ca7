// Moves batches from the outbox to the broker. A batch leaves the outbox only when it is
// confirmed: by the broker's PUBACK (the hub's embedded broker sends it after storing), or,
// with `confirm: 'hub'`, by the hub's "stored" message (an external broker PUBACKs on
// receipt, and a batch in flight to a hub that dies is lost there, so it is sent again). After an outage, batches made since the reconnect go first and
// the backlog follows, oldest first, at a byte rate limit, so that a fleet coming back
// does not swamp the hub while live data keeps flowing.

import { batchRange, decodeStoredAck } from '@metrics-hub/wire';
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
  /** What confirms a batch: the broker's PUBACK (default) or the hub's "stored" message. */
  confirm?: 'broker' | 'hub';
  log?: (line: string) => void;
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
  /** With hub confirmation: batch id by its "first-last" sequence range, for every batch sent and not confirmed. */
  private readonly sentRanges = new Map<string, number>();
  private warnedNoHubAck = false;
  private liveSince = Infinity;
  private tokens = 0;
  private lastRefill: number;
  private readonly now: () => number;
  readonly stats: DeliveryStats = {
    batchesSent: 0,
    bytesSent: 0,
    lastSuccessMs: undefined,
    lastLatencyMs: undefined,
    inflight: 0,
    failures: 0,
  };

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
    // Batches that left the outbox another way (expired by age) will never be confirmed.
    const pending = new Set(this.queue.pendingIds());
    for (const [key, id] of this.sentRanges) if (!pending.has(id)) this.sentRanges.delete(key);
  }

  /** Sends what may be sent now; call on a timer and after appends and acks. */
  pump(): void {
    if (!this.publisher.connected) return;
    const now = this.now();
    this.refill(now);
    for (const [id, sentAt] of this.inflight) {
      if (now - sentAt <= this.options.ackTimeoutMs) continue;
      this.inflight.delete(id);
      if (this.options.confirm === 'hub' && !this.warnedNoHubAck && this.stats.batchesSent === 0) {
        this.warnedNoHubAck = true;
        this.options.log?.(
          `no "stored" from the hub within ${this.options.ackTimeoutMs / 1000} s (hub.confirm is hub): sending again; check that the hub is running and this agent may read its ack topic`,
        );
      }
    }
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

  /** The hub's "stored" message for one batch: it may leave the outbox. */
  hubAck(payload: Uint8Array): void {
    const ack = decodeStoredAck(payload);
    if (!ack) return;
    const key = `${ack.firstSeq}-${ack.lastSeq}`;
    const id = this.sentRanges.get(key);
    if (id === undefined) return;
    this.sentRanges.delete(key);
    this.delivered(id, this.queue.read(id)?.length ?? 0, this.queue.appendedAt(id) ?? this.now());
  }

  private delivered(id: number, bytes: number, appended: number): void {
    this.inflight.delete(id);
    this.queue.ack(id);
    this.stats.batchesSent++;
    this.stats.bytesSent += bytes;
    this.stats.lastSuccessMs = this.now();
    this.stats.lastLatencyMs = this.now() - appended;
    this.stats.inflight = this.inflight.size;
    this.onAck(id, bytes);
    this.pump();
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
    const hubConfirms = this.options.confirm === 'hub';
    if (hubConfirms) {
      const range = batchRange(payload);
      if (range) this.sentRanges.set(`${range.firstSeq}-${range.lastSeq}`, id);
    }
    this.publisher.publish(this.options.topic, payload).then(
      () => {
        // With hub confirmation the broker's PUBACK only means it took the message.
        if (!hubConfirms) this.delivered(id, payload.length, appended);
      },
      () => {
        this.inflight.delete(id);
        this.stats.failures++;
        this.stats.inflight = this.inflight.size;
      },
    );
  }
}
