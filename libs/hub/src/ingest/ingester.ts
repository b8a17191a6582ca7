// From an agent's batch message to stored samples, acknowledged only after the commit.
//
//   submit(agent, payload) ─ decode, check ─► pending ─ group commit ─► store.append
//                                │ bad: rejected (reason)                 + ledger, one transaction
//                                ▼                                        ▼
//                         resolves at once                         every submit resolves
//
// Batches submitted while a commit runs wait and go together in the next one (a group
// commit), so a hundred agents cost one transaction, not a hundred. The caller holds the
// acknowledgement (PUBACK) until its promise resolves, and the embedded broker reads
// nothing more from that agent meanwhile; over `maxPendingBytes` waiting, new batches are
// refused (the agent retries from its buffer), so memory stays bounded.

import { BatchFormatError, decodeBatch, type Batch } from '@metrics-hub/wire';
import type { AppendSeries, TimeSeriesStore } from '@metrics-hub/tsdb';
import { stampAgentIdentity } from './agent-identity.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { ThrottledLog } from './throttled-log.ts';

export type IngestOutcome =
  | {
      kind: 'stored';
      /** Samples handed to the store (the batch's, less those refused below). */
      samples: number;
      /** Time of the batch's newest sample, as the agent stamped it (-Infinity for an empty batch). */
      newestMs: number;
      /** Time of the newest sample handed to the store (-Infinity when none was). */
      newestStoredMs: number;
      /** Series refused: by the store (invalid labels, limits) or by the hub (series only the hub writes). */
      rejectedSeries: number;
      /** Samples stamped further ahead of the hub's clock than store.max_future: refused. */
      tooFarAhead: number;
      /** Why something of this batch was refused, one line per reason (empty when nothing was). */
      refusals: string[];
      batch: Batch;
    }
  /** Covered by the ledger already: a redelivery, acknowledged again and not stored twice. */
  | { kind: 'duplicate'; batch: Batch }
  /** Not a valid batch: acknowledged (a resend would not fix it), counted and logged. */
  | { kind: 'rejected'; reason: string };

export interface IngestStats {
  batchesStored: number;
  batchesDuplicate: number;
  batchesRejected: number;
  samplesStored: number;
  samplesDuplicate: number;
  seriesRejected: number;
  /** Samples refused for being stamped further ahead of the hub's clock than store.max_future. */
  samplesTooFarAhead: number;
  commits: number;
  commitErrors: number;
  /** Batches refused because too many bytes were waiting for the store (the agent retries). */
  refusedBusy: number;
  /** Batches waiting for the next commit and their bytes. */
  pendingBatches: number;
  pendingBytes: number;
  lastCommitMs: number;
}

export interface IngesterOptions {
  /** Largest payload accepted; larger ones are rejected before decoding. */
  maxBatchBytes: number;
  /** A group commit takes at most this many samples; the rest go in the next one. */
  maxCommitSamples: number;
  /**
   * Bytes of batches waiting for a commit before more are refused (the broker then drops
   * that agent's connection and the agent retries later, from its buffer): memory stays
   * bounded when the store falls behind a fleet.
   */
  maxPendingBytes: number;
  log: (line: string) => void;
  now?: () => number;
}

interface Pending {
  agentId: string;
  batch: Batch;
  /** The batch's series under the agent's identity (see agent-identity.ts), refused ones left out. */
  series: AppendSeries[];
  /** Why series were left out. */
  refused: string[];
  bytes: number;
  samples: number;
  newestMs: number;
  resolve: (o: IngestOutcome) => void;
  reject: (e: Error) => void;
}

export class Ingester {
  readonly ledger: DeliveryLedger;
  private readonly refusalLog: ThrottledLog;
  private readonly pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly listeners = new Set<(agentId: string, outcome: IngestOutcome) => void>();
  readonly stats: IngestStats = {
    batchesStored: 0,
    batchesDuplicate: 0,
    batchesRejected: 0,
    samplesStored: 0,
    samplesDuplicate: 0,
    seriesRejected: 0,
    samplesTooFarAhead: 0,
    commits: 0,
    commitErrors: 0,
    refusedBusy: 0,
    pendingBatches: 0,
    pendingBytes: 0,
    lastCommitMs: 0,
  };

  constructor(
    private readonly store: TimeSeriesStore,
    private readonly options: IngesterOptions,
  ) {
    this.ledger = new DeliveryLedger(store.database);
    this.refusalLog = new ThrottledLog(options.log, options.now ?? Date.now);
  }

  /** Called after each batch is stored, found duplicate or rejected (fleet registry, live views). */
  onOutcome(listener: (agentId: string, outcome: IngestOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once the batch is committed (or known to be a duplicate, or rejected as
   * invalid): acknowledge the message then. Rejects when the store cannot commit (disk
   * full, closed): do not acknowledge; the agent will send it again.
   */
  submit(agentId: string, payload: Uint8Array): Promise<IngestOutcome> {
    if (this.closed) return Promise.reject(new Error('the hub is shutting down'));
    let batch: Batch;
    try {
      if (payload.byteLength > this.options.maxBatchBytes) {
        throw new BatchFormatError(
          `batch of ${payload.byteLength} bytes is over the limit of ${this.options.maxBatchBytes} bytes (ingest.max_batch_bytes)`,
        );
      }
      batch = decodeBatch(payload);
      if (batch.agentId !== agentId)
        throw new BatchFormatError(`batch says it is from agent "${batch.agentId}" but came on the topic of agent "${agentId}"`);
    } catch (e) {
      const reason = e instanceof BatchFormatError ? e.message : `cannot decode: ${(e as Error).message}`;
      return Promise.resolve(this.finish(agentId, { kind: 'rejected', reason }));
    }
    if (this.stats.pendingBytes + payload.byteLength > this.options.maxPendingBytes && this.pending.length > 0) {
      this.stats.refusedBusy++;
      return Promise.reject(
        new Error(
          `the hub is behind (${this.stats.pendingBytes} bytes waiting for the store, ingest.max_pending ${this.options.maxPendingBytes}); the agent will retry`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      let samples = 0;
      let newestMs = -Infinity;
      const series: AppendSeries[] = [];
      const refused: string[] = [];
      for (const s of batch.series) {
        const n = s.timestamps.length;
        samples += n;
        for (let i = 0; i < n; i++) if (s.timestamps[i] > newestMs) newestMs = s.timestamps[i];
        const stamped = stampAgentIdentity(s.labels, agentId);
        if (stamped.refused !== undefined) refused.push(stamped.refused);
        else series.push({ labels: stamped.labels, timestamps: s.timestamps, values: s.values });
      }
      this.pending.push({ agentId, batch, series, refused, bytes: payload.byteLength, samples, newestMs, resolve, reject });
      this.stats.pendingBatches++;
      this.stats.pendingBytes += payload.byteLength;
      this.schedule();
    });
  }

  /** Commits what is pending, then refuses new batches. */
  async close(): Promise<void> {
    while (this.pending.length) this.commit();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate: every message already read from the sockets joins this commit.
    setImmediate(() => {
      this.scheduled = false;
      this.commit();
      if (this.pending.length) this.schedule();
    });
  }

  private commit(): void {
    const group: Pending[] = [];
    let samples = 0;
    while (this.pending.length && (group.length === 0 || samples + this.pending[0].samples <= this.options.maxCommitSamples)) {
      const p = this.pending.shift()!;
      group.push(p);
      samples += p.samples;
      this.stats.pendingBatches--;
      this.stats.pendingBytes -= p.bytes;
    }
    if (!group.length) return;
    const toStore: Pending[] = [];
    const duplicates: Pending[] = [];
    for (const p of group) {
      const { agentId, batch } = p;
      // Two copies of one batch in the same group: the second is a duplicate of the first.
      const dup =
        this.ledger.covers(agentId, batch.firstSeq, batch.lastSeq) ||
        toStore.some((q) => q.agentId === agentId && q.batch.firstSeq <= batch.firstSeq && q.batch.lastSeq >= batch.lastSeq);
      (dup ? duplicates : toStore).push(p);
    }
    // Samples too far ahead of the clock are refused here, by the store's own bound, so that
    // each agent is told exactly how many of its samples were refused and why.
    const acceptThrough = this.store.latestAcceptedMs();
    const maxFutureMs = this.store.options.maxFutureMs;
    const clockMs = acceptThrough - maxFutureMs;
    const series: AppendSeries[] = [];
    const spans: { p: Pending; from: number; to: number; tooFarAhead: number; newestStoredMs: number; samples: number }[] = [];
    for (const p of toStore) {
      const from = series.length;
      let tooFarAhead = 0;
      let newestStoredMs = -Infinity;
      let samples = 0;
      for (const s of p.series) {
        const kept = withinClock(s, acceptThrough);
        tooFarAhead += s.timestamps.length - kept.timestamps.length;
        samples += kept.timestamps.length;
        for (let i = 0; i < kept.timestamps.length; i++) if (kept.timestamps[i] > newestStoredMs) newestStoredMs = kept.timestamps[i];
        if (kept.timestamps.length) series.push(kept);
      }
      spans.push({ p, from, to: series.length, tooFarAhead, newestStoredMs, samples });
    }
    let result;
    try {
      result = this.store.append(series, {
        inTransaction: () => {
          for (const p of toStore) this.ledger.record(p.agentId, p.batch.firstSeq, p.batch.lastSeq);
        },
      });
    } catch (e) {
      try {
        this.ledger.reload();
      } catch {
        // The database is gone (closed, unreadable): nothing commits; memory stays as it was.
      }
      this.stats.commitErrors++;
      const err = new Error(`cannot store ${toStore.length} batches: ${(e as Error).message}`, { cause: e });
      this.options.log(err.message);
      for (const p of toStore) p.reject(err);
      // Duplicates need no commit: acknowledge them.
      for (const p of duplicates) p.resolve(this.finish(p.agentId, { kind: 'duplicate', batch: p.batch }));
      return;
    }
    this.stats.commits++;
    this.stats.lastCommitMs = (this.options.now ?? Date.now)();
    const rejectedAt = new Map<number, string>();
    for (const r of result.rejected) rejectedAt.set(r.index, r.reason);
    for (const { p, from, to, tooFarAhead, newestStoredMs, samples } of spans) {
      let rejectedSeries = p.refused.length;
      const refusals = p.refused.length ? [`${p.refused.length} series refused: ${p.refused[0]}`] : [];
      let storeReason: string | undefined;
      for (let i = from; i < to; i++) {
        const reason = rejectedAt.get(i);
        if (reason === undefined) continue;
        rejectedSeries++;
        storeReason ??= reason;
      }
      if (storeReason) refusals.push(`series refused by the store: ${storeReason}`);
      if (tooFarAhead)
        refusals.push(
          `${tooFarAhead} samples refused: stamped up to ${describeAhead(p.newestMs - clockMs)} ahead of the hub's clock, more than store.max_future (${describeAhead(maxFutureMs)}); fix the clock on that host (NTP)`,
        );
      p.resolve(
        this.finish(p.agentId, {
          kind: 'stored',
          samples,
          newestMs: p.newestMs,
          newestStoredMs,
          rejectedSeries,
          tooFarAhead,
          refusals,
          batch: p.batch,
        }),
      );
    }
    this.stats.samplesDuplicate += result.duplicates;
    for (const p of duplicates) p.resolve(this.finish(p.agentId, { kind: 'duplicate', batch: p.batch }));
  }

  private finish(agentId: string, outcome: IngestOutcome): IngestOutcome {
    switch (outcome.kind) {
      case 'stored':
        this.stats.batchesStored++;
        this.stats.samplesStored += outcome.samples;
        this.stats.seriesRejected += outcome.rejectedSeries;
        this.stats.samplesTooFarAhead += outcome.tooFarAhead;
        if (outcome.refusals.length) this.refusalLog.note(agentId, `agent ${agentId}: ${outcome.refusals.join('; ')}`);
        break;
      case 'duplicate':
        this.stats.batchesDuplicate++;
        break;
      case 'rejected':
        this.stats.batchesRejected++;
        this.options.log(`agent ${agentId}: batch rejected: ${outcome.reason}`);
        break;
    }
    for (const l of this.listeners) l(agentId, outcome);
    return outcome;
  }
}

/** The series with only its samples stamped at or before `acceptThrough` (itself when that is all of them). */
function withinClock(s: AppendSeries, acceptThrough: number): AppendSeries {
  const { timestamps, values } = s;
  let late = 0;
  for (let i = 0; i < timestamps.length; i++) if (timestamps[i] > acceptThrough) late++;
  if (late === 0) return s;
  const n = timestamps.length - late;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  // Values are copied as bytes, so a staleness marker's NaN payload survives.
  const from = values instanceof Float64Array ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : undefined;
  const to = new Uint8Array(v.buffer);
  for (let i = 0, k = 0; i < timestamps.length; i++) {
    if (timestamps[i] > acceptThrough) continue;
    t[k] = timestamps[i];
    if (from) to.set(from.subarray(i * 8, i * 8 + 8), k * 8);
    else v[k] = values[i];
    k++;
  }
  return { labels: s.labels, timestamps: t, values: v };
}

/** "3 h 12 min", "45 s": how far a clock is off, for people. */
function describeAhead(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  // Past an hour, to the nearest minute (a measured offset carries the delivery delay).
  const m = s >= 3600 ? Math.round(s / 60) : Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  if (d < 730) return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
  return `${Math.floor(d / 365)} years`;
}
