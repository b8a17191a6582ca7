// The fleet: every agent the hub has heard of, with what it said about itself (the
// retained birth message), whether it is connected (status and last will), when its data
// last arrived, how far behind it is and how much it still holds in its buffer. Each
// heartbeat writes `up{job, instance, ...agent labels}` (1 or 0) into the store, so that
// "agent down" is an ordinary alert rule, as for a Prometheus scrape target, and for agents
// that are up `metrics_hub_agent_clock_offset_seconds` (for the clock skew rule).
//
// Behind a shared subscription (several hubs) a hub sees only the batches the broker deals
// it: every other one (round robin) or none of an agent kept on another hub. "Delivering"
// is then not this hub's to judge, and `up` follows the connection alone, which every hub
// sees alike, so that all hubs (and the long-term store they forward to) agree.

import type Database from 'better-sqlite3';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { Labels } from '@metrics-hub/wire';
import { AGENT_IDENTITY_LABEL } from '../ingest/agent-identity.ts';
import type { IngestOutcome } from '../ingest/ingester.ts';
import { BirthFormatError, parseBirth, type Birth } from './birth.ts';

export interface FleetAgent {
  agentId: string;
  /** Connected to the broker, by its retained status ("online" / the will "offline"). */
  connected: boolean;
  /** Connected and delivering: what `up` says. */
  up: boolean;
  statusChangedMs: number | undefined;
  firstSeenMs: number;
  /** When its last batch arrived. */
  lastBatchMs: number | undefined;
  /** Newest sample time it delivered. */
  lastSampleMs: number | undefined;
  /** Arrival minus collection time of the newest sample of its last batch. */
  lagMs: number | undefined;
  /** Bytes waiting in its outbox, from its own agent_buffer_bytes. */
  backlogBytes: number | undefined;
  /**
   * Its clock minus the hub's, from live batches (one interval each): the newest sample's
   * time minus its arrival, so delivery delay (milliseconds when flowing) counts as behind.
   */
  clockOffsetMs: number | undefined;
  batches: number;
  samples: number;
  rejectedBatches: number;
  /** Samples refused for being stamped further ahead of the hub's clock than store.max_future. */
  samplesTooFarAhead: number;
  /** Series refused from its batches (invalid labels, limits, series only the hub writes). */
  seriesRefused: number;
  /** Why something from it was last refused (a batch, series, samples, a birth's claims), and when. */
  lastRejection: string | undefined;
  lastRejectionMs: number | undefined;
  version: string | undefined;
  host: Birth['host'];
  /** The labels of its `up`: job="node", instance=<its id>, plus the extra labels of its config. */
  labels: Record<string, string>;
  intervalMs: number;
}

type Change = { kind: 'agent'; agent: FleetAgent };

export interface FleetOptions {
  /** Batches are dealt among several hubs (broker.shared_group). */
  sharedDelivery?: boolean;
}

export class FleetRegistry {
  private readonly agents = new Map<string, FleetAgent>();
  private readonly stmt;
  private readonly listeners = new Set<(change: Change) => void>();
  private dirty = new Set<string>();

  constructor(
    db: Database.Database,
    private readonly store: TimeSeriesStore,
    private readonly now: () => number = Date.now,
    private readonly options: FleetOptions = {},
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS hub_agents (agent_id TEXT PRIMARY KEY, record TEXT NOT NULL)`);
    this.stmt = {
      save: db.prepare(
        'INSERT INTO hub_agents (agent_id, record) VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET record = excluded.record',
      ),
      remove: db.prepare('DELETE FROM hub_agents WHERE agent_id = ?'),
      all: db.prepare<[], { agent_id: string; record: string }>('SELECT agent_id, record FROM hub_agents'),
    };
    for (const row of this.stmt.all.iterate()) {
      // A restarted hub has not seen anyone connect yet. (Records from before a field existed get its default.)
      const saved = JSON.parse(row.record) as Partial<FleetAgent>;
      const agent = { ...this.blank(row.agent_id), ...saved, connected: false, up: false };
      agent.labels = hubLabels(agent.labels, row.agent_id);
      this.agents.set(row.agent_id, agent);
    }
  }

  onChange(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): FleetAgent[] {
    return [...this.agents.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)).map((a) => ({ ...a }));
  }

  get(agentId: string): FleetAgent | undefined {
    const a = this.agents.get(agentId);
    return a && { ...a };
  }

  /**
   * The retained birth message (JSON). A malformed one is ignored; what it claims that is
   * not its to say (another instance, reserved labels) is left out. Returns the lines to
   * log, if any.
   */
  noteMeta(agentId: string, payload: Uint8Array): string | undefined {
    if (payload.byteLength === 0) return undefined; // a cleared retained message
    let parsed;
    try {
      parsed = parseBirth(payload, agentId);
    } catch (e) {
      if (!(e instanceof BirthFormatError)) throw e;
      const a = this.touch(agentId);
      this.refused(a, `${e.message}; ignored`);
      this.changed(a);
      return `agent ${agentId}: ${e.message}; ignored`;
    }
    const { birth, notes } = parsed;
    const a = this.touch(agentId);
    a.version = birth.version ?? a.version;
    a.host = birth.host ?? a.host;
    if (birth.labels) a.labels = hubLabels(birth.labels, agentId);
    a.intervalMs = birth.intervalMs ?? a.intervalMs;
    for (const [metric, meta] of birth.metadata) this.store.setMetadata(metric, meta);
    if (notes.length) this.refused(a, `birth message: ${notes.join('; ')}`);
    this.changed(a);
    return notes.length ? `agent ${agentId}: birth message: ${notes.join('; ')}` : undefined;
  }

  /** The retained status: "online", or "offline" (said on a clean stop, or the last will). */
  noteStatus(agentId: string, payload: Uint8Array): void {
    const text = new TextDecoder().decode(payload).trim();
    if (text !== 'online' && text !== 'offline') return;
    const a = this.touch(agentId);
    const connected = text === 'online';
    if (a.connected === connected) return;
    a.connected = connected;
    a.statusChangedMs = this.now();
    a.up = this.isUp(a);
    this.changed(a);
  }

  /** The broker saw the agent's connection end (covers brokers that do not send wills). */
  noteDisconnected(agentId: string): void {
    this.noteStatus(agentId, new TextEncoder().encode('offline'));
  }

  noteOutcome(agentId: string, outcome: IngestOutcome): void {
    const a = this.touch(agentId);
    const now = this.now();
    if (outcome.kind === 'rejected') {
      a.rejectedBatches++;
      this.refused(a, outcome.reason);
      this.changed(a);
      return;
    }
    a.lastBatchMs = now;
    if (outcome.kind === 'duplicate') return;
    a.batches++;
    a.samples += outcome.samples;
    a.samplesTooFarAhead += outcome.tooFarAhead;
    a.seriesRefused += outcome.rejectedSeries;
    if (outcome.refusals.length) this.refused(a, outcome.refusals.join('; '));
    for (const s of outcome.batch.series) {
      const n = s.timestamps.length;
      if (s.labels.__name__ === 'agent_buffer_bytes' && n) a.backlogBytes = s.values[n - 1];
    }
    const newest = outcome.newestMs;
    if (newest > -Infinity) {
      // Measured on what the agent stamped, stored or not: the offset is what the fleet shows
      // and the clock skew rule alerts on when samples are refused for being ahead.
      if (outcome.batch.firstSeq === outcome.batch.lastSeq) a.clockOffsetMs = newest - now;
      a.lagMs = Math.max(0, now - newest);
    }
    if (outcome.newestStoredMs > -Infinity) a.lastSampleMs = Math.max(a.lastSampleMs ?? -Infinity, outcome.newestStoredMs);
    a.up = this.isUp(a);
    this.changed(a);
  }

  /**
   * Writes `up` for every agent at `nowMs` and saves what changed. Called every few
   * seconds by the hub.
   */
  heartbeat(nowMs = this.now()): void {
    const series = [];
    for (const a of this.agents.values()) {
      const up = this.isUp(a, nowMs);
      if (up !== a.up) {
        a.up = up;
        this.changed(a);
      }
      const labels: Labels = hubLabels(a.labels, a.agentId);
      series.push({ labels: { ...labels, __name__: 'up' }, timestamps: Float64Array.of(nowMs), values: Float64Array.of(up ? 1 : 0) });
      if (up && a.clockOffsetMs !== undefined) {
        series.push({
          labels: { ...labels, __name__: 'metrics_hub_agent_clock_offset_seconds' },
          timestamps: Float64Array.of(nowMs),
          values: Float64Array.of(a.clockOffsetMs / 1000),
        });
      }
    }
    if (series.length) this.store.append(series);
    this.save();
  }

  /** Forgets an agent (its stored data stays until retention). */
  remove(agentId: string): boolean {
    const had = this.agents.delete(agentId);
    this.stmt.remove.run(agentId);
    this.dirty.delete(agentId);
    return had;
  }

  save(): void {
    for (const id of this.dirty) {
      const a = this.agents.get(id);
      if (a) this.stmt.save.run(id, JSON.stringify(a));
    }
    this.dirty.clear();
  }

  /**
   * Connected, and data arrived within three intervals (or it connected that recently);
   * with shared delivery, connected.
   */
  private isUp(a: FleetAgent, now = this.now()): boolean {
    if (!a.connected) return false;
    if (this.options.sharedDelivery) return true;
    const window = Math.max(3 * a.intervalMs, 30_000);
    const last = Math.max(a.lastBatchMs ?? -Infinity, a.statusChangedMs ?? -Infinity);
    return now - last <= window;
  }

  private touch(agentId: string): FleetAgent {
    let a = this.agents.get(agentId);
    if (!a) {
      a = this.blank(agentId);
      this.agents.set(agentId, a);
    }
    return a;
  }

  private blank(agentId: string): FleetAgent {
    return {
      agentId,
      connected: false,
      up: false,
      statusChangedMs: undefined,
      firstSeenMs: this.now(),
      lastBatchMs: undefined,
      lastSampleMs: undefined,
      lagMs: undefined,
      backlogBytes: undefined,
      clockOffsetMs: undefined,
      batches: 0,
      samples: 0,
      rejectedBatches: 0,
      samplesTooFarAhead: 0,
      seriesRefused: 0,
      lastRejection: undefined,
      lastRejectionMs: undefined,
      version: undefined,
      host: undefined,
      labels: { job: 'node', [AGENT_IDENTITY_LABEL]: agentId },
      intervalMs: 10_000,
    };
  }

  private refused(a: FleetAgent, reason: string): void {
    a.lastRejection = reason;
    a.lastRejectionMs = this.now();
  }

  private changed(a: FleetAgent): void {
    this.dirty.add(a.agentId);
    for (const l of this.listeners) l({ kind: 'agent', agent: { ...a } });
  }
}

/** The labels of an agent's `up`: its extra labels under the identity the hub gives it (which wins). */
function hubLabels(extra: Labels, agentId: string): Record<string, string> {
  return { ...extra, job: 'node', [AGENT_IDENTITY_LABEL]: agentId };
}
