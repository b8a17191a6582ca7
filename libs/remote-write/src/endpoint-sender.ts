// Sending one endpoint's backlog: `shards` loops, each owning the queue partitions
// p ≡ shard (mod shards), so that a series is always sent by the same loop, in order.
//
//   idle ──data──► filling ──full, or deadline──► sending ──2xx──► (ack) ──► idle | filling
//     ▲              │ (waits ≤ batch_send_deadline                │ 4xx: ack as dropped (counted, logged)
//     └──────────────┘  for max_samples_per_send)                  │ 429/5xx/network: retrying
//                                                    retrying ◄────┘   backoff ×2 with jitter,
//                                                       │              Retry-After honoured
//                                                       └─ a queue drop passed the batch: re-read
//
// A batch is acknowledged in the queue only after the endpoint answered 2xx (or refused it
// for good), so a crash resends at most the requests that were in flight.

import type { DiskQueue } from './disk-queue.ts';
import { EndpointClient, redactUrl, type EndpointAuth, type EndpointTls } from './endpoint-client.ts';
import type { QueueBatch } from './queue-batch.ts';
import { QUEUE_PARTITIONS } from './queue-file.ts';
import { encodeRemoteWriteBody } from './request-body.ts';

export interface RemoteWriteEndpoint {
  /** Names the endpoint's cursor in the queue (default: the URL without credentials). */
  name?: string;
  url: string;
  auth?: EndpointAuth;
  /** Extra HTTP headers (not the protocol's own or Authorization). */
  headers?: Record<string, string>;
  tls?: EndpointTls;
  /** Concurrent senders (1..32, default 4). */
  shards?: number;
  /** Most samples in one request (default 2000). */
  maxSamplesPerSend?: number;
  /** Longest a sample waits for a request to fill up (default 5 s). */
  batchSendDeadlineMs?: number;
  /** Bytes of queue this endpoint may have waiting; beyond it the oldest are dropped (default 2 GiB). */
  queueMaxBytes?: number;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type ResolvedEndpoint = Required<Omit<RemoteWriteEndpoint, 'auth' | 'headers' | 'tls'>> &
  Pick<RemoteWriteEndpoint, 'auth' | 'headers' | 'tls'>;

export const ENDPOINT_DEFAULTS = {
  shards: 4,
  maxSamplesPerSend: 2000,
  batchSendDeadlineMs: 5000,
  queueMaxBytes: 2 * 1024 * 1024 * 1024,
  timeoutMs: 30_000,
  minBackoffMs: 30,
  maxBackoffMs: 5000,
} as const;

const MAX_RETRY_AFTER_MS = 5 * 60_000;
const LOG_EVERY_MS = 30_000;

export function resolveEndpoint(e: RemoteWriteEndpoint): ResolvedEndpoint {
  const r: ResolvedEndpoint = { ...ENDPOINT_DEFAULTS, ...stripUndefined(e), url: e.url, name: e.name ?? redactUrl(e.url) };
  r.shards = Math.max(1, Math.min(QUEUE_PARTITIONS, Math.floor(r.shards)));
  r.maxSamplesPerSend = Math.max(1, Math.floor(r.maxSamplesPerSend));
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface EndpointStatus {
  name: string;
  url: string;
  shards: number;
  /** What the endpoint is doing: sending normally, retrying a failing request, or nothing to send. */
  state: 'idle' | 'sending' | 'retrying';
  pendingSamples: number;
  pendingBytes: number;
  queueMaxBytes: number;
  /** The queue reached queue_max_bytes within the last minute (the oldest samples were dropped). */
  queueFull: boolean;
  /** When the oldest sample still waiting was queued. */
  oldestPendingMs?: number;
  sentSamples: number;
  sentRequests: number;
  sentBytes: number;
  /** Attempts that failed and will be retried (5xx, 429, network). */
  failedRequests: number;
  droppedSamples: { rejected: number; queueFull: number };
  lastError?: { atMs: number; message: string };
  lastSentMs?: number;
  /** Newest sample time the endpoint acknowledged. */
  highestSentTimestampMs?: number;
}

export class EndpointSender {
  readonly config: ResolvedEndpoint;
  private readonly client: EndpointClient;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private readonly inflight = new Set<AbortController>();
  private retryingShards = 0;
  private sendingShards = 0;
  private readonly counters = { sentSamples: 0, sentRequests: 0, sentBytes: 0, failedRequests: 0, rejected: 0, queueFull: 0 };
  private lastError: { atMs: number; message: string } | undefined;
  private lastSentMs: number | undefined;
  private highestSentMs: number | undefined;
  private lastDropMs = -Infinity;
  private readonly logged = new Map<string, { at: number; suppressed: number }>();

  constructor(
    endpoint: RemoteWriteEndpoint,
    private readonly queue: DiskQueue,
    private readonly o: { log: (line: string) => void; now: () => number; userAgent: string },
  ) {
    this.config = resolveEndpoint(endpoint);
    this.client = new EndpointClient(this.config.url, {
      auth: this.config.auth,
      headers: this.config.headers,
      tls: this.config.tls,
      timeoutMs: this.config.timeoutMs,
      connections: this.config.shards,
      userAgent: o.userAgent,
    });
  }

  start(): void {
    for (let shard = 0; shard < this.config.shards; shard++) this.loops.push(this.run(shard));
  }

  /** New data was committed: waiting loops look again. */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Enforces queue_max_bytes for this endpoint: drops its oldest waiting samples, loudly. */
  enforceLimit(): void {
    const { name, queueMaxBytes } = this.config;
    if (this.queue.pendingBytes(name) <= queueMaxBytes) return;
    const dropped = this.queue.dropOldest(name, queueMaxBytes);
    if (!dropped.samples) return;
    this.counters.queueFull += dropped.samples;
    this.lastDropMs = this.o.now();
    const why = this.lastError
      ? `; the endpoint's last error: ${this.lastError.message}`
      : '; the endpoint is slower than ingest (raise shards or max_samples_per_send)';
    this.logThrottled(
      'queue-full',
      (n) =>
        `remote write to ${name}: QUEUE FULL (queue_max_bytes ${queueMaxBytes}): dropped the ${dropped.samples} oldest samples (${this.counters.queueFull} in all${n ? `, ${n} more drops not logged` : ''})${why}`,
    );
  }

  status(): EndpointStatus {
    const { name, url, shards, queueMaxBytes } = this.config;
    const pendingBytes = this.queue.pendingBytes(name);
    return {
      name,
      url: redactUrl(url),
      shards,
      state: this.retryingShards > 0 ? 'retrying' : this.sendingShards > 0 ? 'sending' : 'idle',
      pendingSamples: this.queue.pendingSamples(name),
      pendingBytes,
      queueMaxBytes,
      queueFull: pendingBytes >= queueMaxBytes || this.o.now() - this.lastDropMs < 60_000,
      oldestPendingMs: this.queue.oldestPendingMs(name),
      sentSamples: this.counters.sentSamples,
      sentRequests: this.counters.sentRequests,
      sentBytes: this.counters.sentBytes,
      failedRequests: this.counters.failedRequests,
      droppedSamples: { rejected: this.counters.rejected, queueFull: this.counters.queueFull },
      lastError: this.lastError,
      lastSentMs: this.lastSentMs,
      highestSentTimestampMs: this.highestSentMs,
    };
  }

  /** Stops the loops; a request in flight is abandoned (it stays queued and is sent after the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.inflight) c.abort();
    this.wake();
    await Promise.all(this.loops);
    this.client.close();
  }

  private async run(shard: number): Promise<void> {
    const { name, shards, maxSamplesPerSend, batchSendDeadlineMs } = this.config;
    let fillingSince: number | undefined;
    while (!this.stopped) {
      try {
        const pending = this.queue.pendingFor(name, shard, shards);
        if (pending === 0) {
          fillingSince = undefined;
          await this.sleep(Infinity);
          continue;
        }
        if (pending < maxSamplesPerSend) {
          fillingSince ??= this.o.now();
          const left = fillingSince + batchSendDeadlineMs - this.o.now();
          if (left > 0) {
            await this.sleep(left);
            continue;
          }
        }
        fillingSince = undefined;
        const batch = this.queue.read(name, shard, shards, maxSamplesPerSend);
        if (batch) await this.deliver(batch);
        else {
          // The counts promised samples the file does not have: believe the file.
          this.o.log(`remote write to ${name}: the queue's counts were off; recounted from the file`);
          this.queue.recount(name);
          await this.sleep(this.config.minBackoffMs, false);
        }
      } catch (e) {
        if (this.stopped) return;
        // The queue failed (disk, closed): say so and try again later rather than spin.
        this.noteError(`queue: ${(e as Error).message}`);
        await this.sleep(this.config.maxBackoffMs);
      }
    }
  }

  private async deliver(batch: QueueBatch): Promise<void> {
    const { name, minBackoffMs, maxBackoffMs } = this.config;
    const body = encodeRemoteWriteBody({ timeseries: batch.series });
    let backoff = minBackoffMs;
    let failures = 0;
    this.sendingShards++;
    try {
      for (;;) {
        if (this.stopped) return;
        const ctrl = new AbortController();
        this.inflight.add(ctrl);
        const outcome = await this.client.send(body, ctrl.signal);
        this.inflight.delete(ctrl);
        // An answer that arrived while stopping still counts (the queue closes only after
        // the loops end): acknowledging it spares the endpoint a repeat after the restart.
        if (outcome.kind === 'sent') {
          this.queue.ack(batch);
          this.counters.sentSamples += batch.samples;
          this.counters.sentRequests++;
          this.counters.sentBytes += body.length;
          this.lastSentMs = this.o.now();
          if (this.highestSentMs === undefined || batch.newestMs > this.highestSentMs) this.highestSentMs = batch.newestMs;
          if (failures) this.o.log(`remote write to ${name}: sending again after ${failures} failed attempts`);
          return;
        }
        if (outcome.kind === 'drop') {
          const n = this.queue.ack(batch);
          this.counters.rejected += n;
          this.noteError(`${outcome.reason} (${n} samples dropped: the endpoint refused them and a resend would not help)`);
          this.logThrottled(
            'rejected',
            (more) =>
              `remote write to ${name}: ${n} samples dropped, refused with ${outcome.reason}${more ? ` (${more} more refusals not logged)` : ''}`,
          );
          return;
        }
        if (this.stopped) return;
        failures++;
        this.counters.failedRequests++;
        this.noteError(outcome.reason);
        if (failures === 1) this.retryingShards++;
        this.logThrottled(
          'retry',
          (more) =>
            `remote write to ${name}: ${outcome.reason}; retrying with backoff (${batch.samples} samples wait${more ? `, ${more} more failures not logged` : ''})`,
        );
        const delay = Math.min(MAX_RETRY_AFTER_MS, Math.max(outcome.retryAfterMs ?? 0, backoff / 2 + (Math.random() * backoff) / 2));
        backoff = Math.min(maxBackoffMs, backoff * 2);
        await this.sleep(delay, false);
        // The queue dropped past this batch meanwhile (full): read afresh from the cursors.
        if (this.queue.isStale(batch)) return;
      }
    } finally {
      this.sendingShards--;
      if (failures) this.retryingShards--;
    }
  }

  /** Waits `ms` (or until data arrives, when `wakeOnData`), or until stopped. */
  private sleep(ms: number, wakeOnData = true): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(onWake);
        resolve();
      };
      const onWake = () => {
        if (wakeOnData || this.stopped) done();
      };
      this.wakers.add(onWake);
      if (ms !== Infinity) timer = setTimeout(done, ms);
    });
  }

  private noteError(message: string): void {
    this.lastError = { atMs: this.o.now(), message };
  }

  /** Logs at most once per LOG_EVERY_MS per kind, saying how many were left out. */
  private logThrottled(kind: string, line: (suppressed: number) => string): void {
    const now = this.o.now();
    const l = this.logged.get(kind);
    if (l && now - l.at < LOG_EVERY_MS) {
      l.suppressed++;
      return;
    }
    this.o.log(line(l?.suppressed ?? 0));
    this.logged.set(kind, { at: now, suppressed: 0 });
  }
}
