// The agent: every interval it collects host metrics, takes what scrapes and pushes
// brought in, adds its own metrics, and puts the samples in the accumulator (durable at
// once). While the hub is reachable each interval becomes a batch in the outbox right away;
// during an outage the accumulator gathers up to `outage_batch` of data into one compact
// batch. The delivery loop empties the outbox: live batches first, backlog rate-limited.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, release } from 'node:os';
import { join } from 'node:path';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { decodeRefusedNotice, encodeBatch, topics } from '@metrics-hub/wire';
import { SampleAccumulator, type CollectedSample } from './buffer/accumulator.ts';
import { SegmentQueue } from './buffer/segment-queue.ts';
import { collectAll, linuxCollectors, type Collector } from './collect/index.ts';
import type { AgentConfig } from './config.ts';
import { ZeroMqIntake } from './intake/zeromq-intake.ts';
import { Scraper, type ScrapeResult } from './scrape/scraper.ts';
import { Delivery } from './transport/delivery.ts';
import { MqttLink } from './transport/mqtt-link.ts';

export const AGENT_VERSION = '0.1.0';

export interface AgentDeps {
  collectors?: Collector[];
  now?: () => number;
  log?: (line: string) => void;
  /** Called once an interval's samples are stored: a crash of the agent no longer loses them (tests watch it). */
  onCollected?: (seq: number, samples: readonly CollectedSample[]) => void;
}

export interface AgentStatus {
  agentId: string;
  version: string;
  pid: number;
  /** False once the agent stopped cleanly. */
  running: boolean;
  broker: { url: string; state: MqttLink['state']['kind']; lastError?: string };
  buffer: { batches: number; bytes: number; oldestAppendedMs?: number; droppedBatches: number; accumulatedSamples: number };
  delivery: { batchesSent: number; bytesSent: number; lastSuccessMs?: number; lastLatencyMs?: number };
  collected: { samples: number; lastCollectionMs?: number };
  /** Samples the hub stored the rest of a batch without, and why (the last time). */
  refused: { samples: number; lastReason?: string; lastMs?: number };
  updatedMs: number;
}

export class Agent {
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly queue: SegmentQueue;
  private readonly accumulator: SampleAccumulator;
  private readonly link: MqttLink;
  private readonly delivery: Delivery;
  private readonly scraper: Scraper;
  private readonly intake: ZeroMqIntake | undefined;
  private readonly collectors: Collector[];
  private readonly scraped: ScrapeResult[] = [];
  private metadata = new Map<string, { type: string; help: string; unit: string }>();
  private metadataVersion = '';
  private nextSeq: number;
  private tickTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private fsyncTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly counters = {
    samplesCollected: 0,
    samplesLost: 0,
    lastCollectionMs: undefined as number | undefined,
    samplesRefused: 0,
    lastRefusal: undefined as { reason: string; atMs: number } | undefined,
  };

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: AgentDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} agent: ${line}\n`));
    const dir = config.agent.dataDir;
    mkdirSync(dir, { recursive: true });
    const sync = config.buffer.fsyncIntervalMs === 0;
    this.queue = SegmentQueue.open(join(dir, 'outbox'), {
      maxBytes: config.buffer.maxBytes,
      maxAgeMs: config.buffer.maxAgeMs,
      sync,
      now: this.now,
    });
    for (const note of this.queue.stats().recovered.notes) this.log(`outbox recovered after a crash: ${note}`);
    this.accumulator = SampleAccumulator.open(join(dir, 'collected.wal'), { sync });
    if (this.accumulator.recoveryNote) this.log(`collected samples recovered after a crash: ${this.accumulator.recoveryNote}`);
    this.nextSeq = this.loadState();
    this.collectors = config.collectors.enabled
      ? (deps.collectors ?? linuxCollectors({ topProcesses: config.collectors.topProcesses })).filter(
          (c) => !config.collectors.exclude.includes(c.name),
        )
      : [];
    this.link = new MqttLink({
      url: config.hub.url,
      agentId: config.agent.id,
      topicPrefix: config.hub.topicPrefix,
      username: config.hub.username,
      password: config.hub.password,
      protocolVersion: config.hub.protocolVersion,
      tls: config.hub.tls && {
        caFile: config.hub.tls.caFile,
        certFile: config.hub.tls.certFile,
        keyFile: config.hub.tls.keyFile,
        rejectUnauthorized: !config.hub.tls.insecureSkipVerify,
      },
      keepaliveSeconds: 30,
      connectTimeoutMs: 10_000,
      backoff: config.hub.reconnect,
      birth: () => this.birth(),
      // Always read the hub's notices (samples it refused); "stored" confirms batches only with hub.confirm: hub.
      onHubAck: (payload) => {
        if (this.noteRefusal(payload)) return;
        if (config.hub.confirm === 'hub') this.delivery.hubAck(payload);
      },
      ackTopicRequired: config.hub.confirm === 'hub',
      log: this.log,
      now: this.now,
    });
    this.delivery = new Delivery(this.queue, this.link, {
      topic: topics.samples(config.hub.topicPrefix, config.agent.id),
      maxInflight: 16,
      backlogBytesPerSecond: config.buffer.replayBytesPerSecond,
      ackTimeoutMs: 15_000,
      confirm: config.hub.confirm,
      log: this.log,
      now: this.now,
    });
    this.link.onState((s) => {
      if (s.kind === 'connected') {
        this.delivery.connected();
        this.delivery.pump();
      }
    });
    this.scraper = new Scraper(config.scrape, (r) => this.scraped.push(r), this.now, this.log);
    const push = config.push.zeromq;
    this.intake = push.enabled
      ? new ZeroMqIntake(push.endpoint, push.highWaterMark, { instance: config.agent.id, job: 'push' }, this.now, this.log)
      : undefined;
  }

  async start(): Promise<void> {
    await this.intake?.start();
    this.link.start();
    this.scraper.start();
    this.tickTimer = setInterval(() => void this.tick(), this.config.agent.intervalMs);
    const fsyncEvery = this.config.buffer.fsyncIntervalMs;
    if (fsyncEvery > 0 && Number.isFinite(fsyncEvery)) this.fsyncTimer = setInterval(() => this.flushToDisk(), fsyncEvery);
    let beats = 0;
    this.pumpTimer = setInterval(() => {
      this.delivery.pump();
      if (++beats % 8 === 0) this.writeStatus();
    }, 250);
    await this.tick();
  }

  /** One collection: collect, accumulate, maybe make a batch, send. */
  tick(): Promise<void> {
    this.ticking ??= this.collectOnce().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async collectOnce(): Promise<void> {
    const at = this.now();
    const samples: CollectedSample[] = [];
    const families: MetricFamily[] = [];
    if (this.collectors.length) {
      const host = await collectAll(
        this.collectors,
        {
          paths: { procfs: this.config.collectors.procfs, sysfs: this.config.collectors.sysfs, rootfs: this.config.collectors.rootfs },
          now: this.now,
        },
        this.log,
      );
      families.push(...host);
      const base = { job: 'node', instance: this.config.agent.id, ...this.config.agent.labels };
      for (const f of host)
        for (const s of f.samples)
          samples.push({ labels: { ...base, ...s.labels, __name__: s.name }, timestampMs: s.timestampMs ?? at, value: s.value });
    }
    for (const r of this.scraped.splice(0)) {
      samples.push(...r.samples);
      families.push(...r.families);
    }
    if (this.intake) {
      samples.push(...this.intake.drain());
      families.push(...this.intake.metadata());
    }
    const own = this.selfMetrics();
    families.push(...own);
    for (const f of own)
      for (const s of f.samples)
        samples.push({
          labels: { job: 'agent', instance: this.config.agent.id, ...s.labels, __name__: s.name },
          timestampMs: at,
          value: s.value,
        });
    this.noteMetadata(families);
    const seq = this.nextSeq++;
    this.saveState();
    // While batches flow, this interval goes straight into a batch of its own in the outbox.
    const direct = this.flowing(at) && this.accumulator.sampleCount === 0;
    let added = false;
    try {
      this.accumulator.add(seq, samples, { writeAhead: !direct });
      added = true;
      this.counters.samplesCollected += samples.length;
      this.maybeMakeBatch(at, direct);
      this.deps.onCollected?.(seq, samples);
    } catch (e) {
      // Disk full or unwritable. Samples in the write-ahead file wait for the next try;
      // this interval's, if they never got there, are lost (counted). The agent keeps going.
      const waiting = added && !direct;
      if (waiting) this.deps.onCollected?.(seq, samples);
      else this.counters.samplesLost += samples.length;
      if (direct) this.accumulator.clear();
      this.log(
        `cannot store this interval's ${samples.length} samples${waiting ? ' in the outbox (they wait in the write-ahead file)' : ''}: ${(e as Error).message}`,
      );
    }
    this.counters.lastCollectionMs = at;
    this.delivery.pump();
  }

  /**
   * While the broker acknowledges batches, every interval is sent on its own, also while a
   * backlog is being replayed behind it; when it does not (outage, a broker that stopped
   * answering), samples gather until a batch spans `outage_batch`.
   */
  private maybeMakeBatch(now: number, force = false): void {
    const span = now - this.accumulator.oldestSampleMs;
    if (!force && !this.flowing(now) && span < this.config.buffer.outageBatchMs && this.accumulator.sampleCount < 2_000_000) return;
    const batch = this.accumulator.toBatch(this.config.agent.id, now);
    if (!batch) return;
    this.queue.append(encodeBatch(batch));
    // The write-ahead file may go only once its samples are on disk elsewhere.
    if (this.accumulator.writtenAhead) this.queue.flush();
    this.accumulator.clear();
  }

  /** Whether the broker takes batches as they come (connected and acknowledging). */
  private flowing(now: number): boolean {
    const lastAck = this.delivery.stats.lastSuccessMs;
    const acking = lastAck !== undefined && now - lastAck < 3 * this.config.agent.intervalMs;
    return this.link.connected && (acking || this.queue.stats().records <= 2);
  }

  /** Group commit: the buffered writes of the last `buffer.fsync` reach the disk. */
  private flushToDisk(): void {
    try {
      this.queue.flush();
      this.accumulator.flush();
    } catch (e) {
      this.log(`cannot flush the buffer to disk: ${(e as Error).message}`);
    }
  }

  private selfMetrics(): MetricFamily[] {
    const q = this.queue.stats();
    const d = this.delivery.stats;
    const gauge = (name: string, help: string, value: number, unit = ''): MetricFamily => ({
      name,
      type: 'gauge',
      help,
      unit,
      samples: [{ name, labels: {}, value }],
    });
    const counter = (name: string, help: string, value: number): MetricFamily => ({
      name,
      type: 'counter',
      help,
      unit: '',
      samples: [{ name, labels: {}, value }],
    });
    return [
      counter('agent_samples_collected_total', 'Samples the agent collected.', this.counters.samplesCollected),
      counter('agent_samples_lost_total', 'Samples that could not be stored (disk full or unwritable).', this.counters.samplesLost),
      counter(
        'agent_samples_refused_total',
        "Samples the hub refused from batches it stored (stamped too far ahead of the hub's clock).",
        this.counters.samplesRefused,
      ),
      counter('agent_batches_sent_total', 'Batches the broker acknowledged.', d.batchesSent),
      counter('agent_bytes_sent_total', 'Bytes of batches the broker acknowledged.', d.bytesSent),
      gauge('agent_buffer_bytes', 'Bytes of the on-disk outbox.', q.bytes, 'bytes'),
      gauge('agent_buffer_batches', 'Batches waiting in the outbox.', q.records),
      gauge('agent_buffer_accumulated_samples', 'Samples collected but not yet in a batch.', this.accumulator.sampleCount),
      counter('agent_buffer_dropped_batches_total', 'Batches dropped because the outbox hit its size or age bound.', q.dropped.records),
      gauge(
        'agent_send_latency_seconds',
        'From a batch entering the outbox to its acknowledgement, for the last batch.',
        (d.lastLatencyMs ?? 0) / 1000,
        'seconds',
      ),
      gauge('agent_last_success_timestamp_seconds', 'When the broker last acknowledged a batch.', (d.lastSuccessMs ?? 0) / 1000, 'seconds'),
      gauge('agent_broker_connected', 'Whether the agent is connected to the broker.', this.link.connected ? 1 : 0),
      {
        name: 'agent_info',
        type: 'gauge',
        help: 'The agent version.',
        unit: '',
        samples: [{ name: 'agent_info', labels: { version: AGENT_VERSION }, value: 1 }],
      },
      ...(this.intake
        ? [
            counter('agent_push_samples_total', 'Samples received over ZeroMQ.', this.intake.stats.samples),
            counter('agent_push_malformed_lines_total', 'Pushed lines that did not parse.', this.intake.stats.malformedLines),
            counter(
              'agent_push_dropped_samples_total',
              'Pushed samples dropped because too many were waiting.',
              this.intake.stats.droppedSamples,
            ),
          ]
        : []),
    ];
  }

  private noteMetadata(families: MetricFamily[]): void {
    for (const f of families) this.metadata.set(f.name, { type: f.type, help: f.help, unit: f.unit });
    const version = [...this.metadata.keys()].sort().join(',');
    if (version !== this.metadataVersion && this.metadataVersion !== '' && this.link.connected) {
      void this.link.publishRetained(topics.meta(this.config.hub.topicPrefix, this.config.agent.id), this.birth()).catch(() => undefined);
    }
    this.metadataVersion = version;
  }

  /**
   * The hub's "refused" notice: samples of a batch it stored the rest of. They cannot be
   * sent again to any effect (the hub would refuse them again), so they are counted and
   * said in the log and the status, with what the hub's clock read: this host's clock is
   * the thing to fix. Returns whether the payload was such a notice.
   */
  private noteRefusal(payload: Uint8Array): boolean {
    const notice = decodeRefusedNotice(payload);
    if (!notice) return false;
    const now = this.now();
    const ahead = now - notice.hubMs;
    const reason = `the hub refused ${notice.samples} samples of batch ${notice.firstSeq}-${notice.lastSeq}: stamped too far ahead of its clock (the hub's clock read ${new Date(notice.hubMs).toISOString()}, this host's ${new Date(now).toISOString()}${ahead > 1000 ? `, ${Math.round(ahead / 1000)} s ahead` : ''}); fix this host's clock (NTP: timedatectl status)`;
    this.counters.samplesRefused += notice.samples;
    // Once per clock problem, not every interval: the first notice and then every 10 minutes.
    if (!this.counters.lastRefusal || now - this.counters.lastRefusal.atMs >= 600_000) this.log(reason);
    this.counters.lastRefusal = { reason, atMs: now };
    return true;
  }

  /** The retained birth message: who this agent is and what its metrics mean. */
  private birth(): Uint8Array {
    return new TextEncoder().encode(
      JSON.stringify({
        agentId: this.config.agent.id,
        version: AGENT_VERSION,
        host: { hostname: hostname(), os: platform(), release: release(), arch: arch() },
        labels: { job: 'node', instance: this.config.agent.id, ...this.config.agent.labels },
        intervalMs: this.config.agent.intervalMs,
        metadata: Object.fromEntries(this.metadata),
      }),
    );
  }

  status(): AgentStatus {
    const q = this.queue.stats();
    const d = this.delivery.stats;
    const s = this.link.state;
    return {
      agentId: this.config.agent.id,
      version: AGENT_VERSION,
      pid: process.pid,
      running: !this.stopped,
      broker: { url: this.config.hub.url, state: s.kind, ...(s.kind === 'waiting' ? { lastError: s.lastError } : {}) },
      buffer: {
        batches: q.records,
        bytes: q.bytes,
        oldestAppendedMs: q.oldestAppendedMs,
        droppedBatches: q.dropped.records,
        accumulatedSamples: this.accumulator.sampleCount,
      },
      delivery: { batchesSent: d.batchesSent, bytesSent: d.bytesSent, lastSuccessMs: d.lastSuccessMs, lastLatencyMs: d.lastLatencyMs },
      collected: { samples: this.counters.samplesCollected, lastCollectionMs: this.counters.lastCollectionMs },
      refused: {
        samples: this.counters.samplesRefused,
        lastReason: this.counters.lastRefusal?.reason,
        lastMs: this.counters.lastRefusal?.atMs,
      },
      updatedMs: this.now(),
    };
  }

  private writeStatus(): void {
    const path = join(this.config.agent.dataDir, 'status.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(this.status(), null, 2));
    renameSync(`${path}.tmp`, path);
  }

  /**
   * The next sequence number survives restarts, so the hub never mistakes new data for old.
   * A fresh data folder (a reinstall) starts at the clock in ms: past any number the agent
   * used before, which grew by one per interval, so the hub's ledger cannot take new data
   * for a repeat.
   */
  private loadState(): number {
    try {
      const seq = Number(JSON.parse(readFileSync(join(this.config.agent.dataDir, 'state.json'), 'utf8')).nextSeq);
      if (Number.isSafeInteger(seq) && seq >= 0) return seq;
    } catch {
      // none yet, or unreadable: start afresh
    }
    return Math.floor(this.now());
  }

  private saveState(): void {
    const path = join(this.config.agent.dataDir, 'state.json');
    writeFileSync(`${path}.tmp`, JSON.stringify({ nextSeq: this.nextSeq }));
    renameSync(`${path}.tmp`, path);
  }

  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.pumpTimer);
    clearInterval(this.fsyncTimer);
    this.scraper.stop();
    this.intake?.stop();
    await this.ticking;
    this.maybeMakeBatch(this.now(), true);
    // A moment for the last batch to go out if the broker is there.
    const deadline = this.now() + 2000;
    while (this.link.connected && this.queue.stats().records > 0 && this.now() < deadline) {
      this.delivery.pump();
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.link.stop();
    this.stopped = true;
    this.writeStatus();
    this.queue.close();
    this.accumulator.close();
  }
}
