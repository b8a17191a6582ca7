// Delivery through real brokers: the in-process aedes the hub embeds, and Debian's
// mosquitto. A subscriber decodes every batch; every collected sample must arrive, and
// arrive once in effect (a repeated batch is recognised by its sequence range).

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoAvailable, removeMosquittoDir, startMosquitto, tempDir, type TestBroker, waitFor } from '@metrics-hub/testing';
import { decodeBatch, type Batch } from '@metrics-hub/wire';
import { Agent } from './agent.ts';
import type { Collector } from './collect/index.ts';
import { parseConfig } from './config.ts';
import { startAedes } from './testing/brokers.ts';

const USERS = { 'edge-1': 'agent-token', hub: 'hub-token' };

/** A collector whose values are a pure function of the collection number: easy to check. */
function countingCollector(): Collector & { collected: number } {
  const c = {
    name: 'counting',
    collected: 0,
    async collect() {
      c.collected++;
      return [
        {
          name: 'test_ticks_total',
          type: 'counter' as const,
          help: 'Collections so far.',
          unit: '',
          samples: [0, 1, 2].map((k) => ({ name: 'test_ticks_total', labels: { k: String(k) }, value: c.collected * 10 + k })),
        },
      ];
    },
  };
  return c;
}

class Subscriber {
  readonly batches: Batch[] = [];
  readonly status: string[] = [];
  meta: Record<string, unknown> | undefined;
  private constructor(private readonly client: mqtt.MqttClient) {}

  static async connect(broker: TestBroker): Promise<Subscriber> {
    // A persistent session (MQTT 5 needs an expiry for that): what arrives while this
    // subscriber reconnects after a broker restart waits for it.
    const client = mqtt.connect(broker.url, {
      username: 'hub',
      password: USERS.hub,
      clientId: 'test-hub',
      clean: false,
      protocolVersion: broker.protocolVersion,
      reconnectPeriod: 200,
      ...(broker.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
    });
    const sub = new Subscriber(client);
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/samples')) sub.batches.push(decodeBatch(new Uint8Array(payload)));
      if (topic.endsWith('/status')) sub.status.push(payload.toString());
      if (topic.endsWith('/meta')) sub.meta = JSON.parse(payload.toString()) as Record<string, unknown>;
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () =>
        client.subscribe(['metrics/+/samples', 'metrics/+/status', 'metrics/+/meta'], { qos: 1 }, (err) => (err ? reject(err) : resolve())),
      );
      client.once('error', reject);
    });
    return sub;
  }

  /** Distinct (series, time) -> value of everything received, and how many repeats. */
  samples(name: string): { values: Map<string, number>; repeats: number } {
    const values = new Map<string, number>();
    let repeats = 0;
    for (const b of this.batches) {
      for (const s of b.series) {
        if (s.labels.__name__ !== name) continue;
        for (let i = 0; i < s.timestamps.length; i++) {
          const key = `${s.labels.k}@${s.timestamps[i]}`;
          if (values.has(key)) repeats++;
          values.set(key, s.values[i]);
        }
      }
    }
    return { values, repeats };
  }

  close(): void {
    this.client.end(true);
  }
}

function config(dir: string, broker: TestBroker, extra = '') {
  return parseConfig(
    [
      'agent:',
      '  id: edge-1',
      `  data_dir: ${dir}`,
      '  interval: 100ms',
      'hub:',
      `  url: ${broker.url}`,
      '  password: agent-token',
      `  protocol_version: ${broker.protocolVersion}`,
      '  reconnect_initial: 100ms',
      '  reconnect_max: 300ms',
      'buffer:',
      '  outage_batch: 1s',
      '  replay_rate: 1MiB',
      '  fsync: false',
      extra,
    ].join('\n'),
    'test.yaml',
  );
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scenario(broker: TestBroker) {
  const dir = tempDir('agent-', cleanups).path;
  const sub = await Subscriber.connect(broker);
  cleanups.push(() => sub.close());
  const collector = countingCollector();
  const agent = new Agent(config(dir, broker), { collectors: [collector], log: () => undefined });
  return { dir, sub, collector, agent };
}

/** Every collection's three samples arrived with the right values, nothing else. */
function expectAllDelivered(sub: Subscriber, collections: number): void {
  const { values } = sub.samples('test_ticks_total');
  const byValue = [...values.values()].sort((a, b) => a - b);
  const want = Array.from({ length: collections }, (_, i) => [0, 1, 2].map((k) => (i + 1) * 10 + k)).flat();
  expect(byValue).toEqual(want);
}

for (const kind of ['aedes', 'mosquitto'] as const) {
  describe(`delivery through ${kind}`, () => {
    const start = async () => {
      if (kind === 'mosquitto') {
        const b = await startMosquitto(USERS);
        cleanups.push(async () => {
          await b.stop().catch(() => undefined);
          removeMosquittoDir(b.dir);
        });
        return b;
      }
      const b = await startAedes(USERS);
      cleanups.push(() => b.stop().catch(() => undefined));
      return b;
    };
    const available = kind === 'aedes' || mosquittoAvailable();

    it.runIf(available)('delivers every collected sample, and says online / offline', async () => {
      const broker = await start();
      const { dir, sub, collector, agent } = await scenario(broker);
      await agent.start();
      await waitFor(() => collector.collected >= 10, '10 collections', { timeoutMs: 10_000 });
      // While the broker acknowledges, intervals go straight to the outbox: nothing is written twice.
      expect(statSync(join(dir, 'collected.wal')).size).toBe(0);
      await agent.stop();
      await waitFor(() => sub.samples('test_ticks_total').values.size === collector.collected * 3, 'all samples', { timeoutMs: 10_000 });
      expectAllDelivered(sub, collector.collected);
      // Agent's own metrics travel too.
      expect(sub.batches.some((b) => b.series.some((s) => s.labels.__name__ === 'agent_batches_sent_total'))).toBe(true);
      // A retained status, online then offline; a birth message with host facts and metadata.
      await waitFor(() => sub.status.includes('offline'), 'the offline status', { timeoutMs: 5000 });
      expect(sub.status[0]).toBe('online');
      expect(sub.meta).toMatchObject({
        agentId: 'edge-1',
        metadata: { test_ticks_total: { type: 'counter', help: 'Collections so far.' } },
      });
    });

    it.runIf(available)('keeps collecting through a broker outage and delivers the backlog afterwards', async () => {
      const broker = await start();
      const { dir, sub, collector, agent } = await scenario(broker);
      await agent.start();
      await waitFor(() => collector.collected >= 5, 'first collections', { timeoutMs: 10_000 });
      // Stop the broker just after it handed a batch on, not while one is between the agent's
      // PUBACK and the subscriber: a broker that dies then loses it, whoever the publisher.
      const delivered = sub.batches.length;
      await waitFor(() => sub.batches.length > delivered, 'a fresh batch', { timeoutMs: 5000 });
      await broker.stop();
      const during = collector.collected;
      await waitFor(() => collector.collected >= during + 25, 'collections during the outage', { timeoutMs: 20_000 });
      // Without acknowledgements, intervals gather in the write-ahead file until a batch spans outage_batch.
      await waitFor(
        () => statSync(join(dir, 'collected.wal')).size > 0 && agent.status().buffer.accumulatedSamples > 0,
        'samples in the write-ahead file',
        { timeoutMs: 5000 },
      );
      await broker.restart();
      await waitFor(() => collector.collected >= during + 35, 'collections after the outage', { timeoutMs: 20_000 });
      await agent.stop();
      await waitFor(() => sub.samples('test_ticks_total').values.size === collector.collected * 3, 'the backlog', {
        timeoutMs: 20_000,
      }).catch((e) => {
        const got = [...sub.samples('test_ticks_total').values.values()].map((v) => Math.floor(v / 10)).sort((a, b) => a - b);
        const missing = Array.from({ length: collector.collected }, (_, i) => i + 1).filter((i) => !got.includes(i));
        throw new Error(
          `${(e as Error).message}: missing collections ${missing.join(',')} of ${collector.collected}; status ${JSON.stringify(agent.status())}`,
        );
      });
      expectAllDelivered(sub, collector.collected);
      // The outage was gathered into batches spanning several intervals.
      expect(sub.batches.some((b) => b.lastSeq - b.firstSeq >= 5)).toBe(true);
    });
  });
}

describe('agent crashes', () => {
  it('loses nothing it collected across kill -9 mid-send and a restart', async () => {
    const broker = await startAedes(USERS);
    cleanups.push(() => broker.stop());
    const sub = await Subscriber.connect(broker);
    cleanups.push(() => sub.close());
    const dir = tempDir('agent-', cleanups).path;
    const child = fileURLToPath(new URL('./testing/agent-child.ts', import.meta.url));
    const collected: number[] = [];
    const runChild = (stopAfter: number, signal: 'SIGKILL' | 'SIGTERM') =>
      new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', child, dir, broker.url], { stdio: ['ignore', 'pipe', 'pipe'] });
        let seen = 0;
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        createInterface({ input: p.stdout }).on('line', (line) => {
          collected.push(Number(line.split(' ')[1]));
          if (++seen === stopAfter) p.kill(signal);
        });
        p.on('exit', (code, sig) =>
          sig === signal || code === 0 ? resolve() : reject(new Error(`agent child exited ${code} ${sig}: ${err}`)),
        );
      });
    await runChild(15, 'SIGKILL');
    await runChild(10, 'SIGTERM');
    const received = () => {
      const values = new Set<number>();
      for (const b of sub.batches)
        for (const s of b.series) if (s.labels.__name__ === 'test_clock') for (const v of s.values) values.add(v);
      return values;
    };
    await waitFor(() => collected.every((v) => received().has(v)), 'every collected sample', { timeoutMs: 10_000 });
    expect(collected.length).toBeGreaterThanOrEqual(25);
  });
});

describe('TLS', () => {
  it.runIf(mosquittoAvailable())('delivers over mqtts:// with the CA and a client certificate, and refuses an unknown CA', async () => {
    const broker = await startMosquitto(USERS, { tls: true, requireClientCertificate: true });
    cleanups.push(async () => {
      await broker.stop().catch(() => undefined);
      removeMosquittoDir(broker.dir);
    });
    const certs = broker.certificates!;
    const hub = mqtt.connect(broker.url, {
      username: 'hub',
      password: USERS.hub,
      protocolVersion: 5,
      ca: readFileSync(certs.ca),
      cert: readFileSync(certs.clientCert),
      key: readFileSync(certs.clientKey),
    });
    const values: number[] = [];
    hub.on('message', (_t, payload) => {
      for (const s of decodeBatch(new Uint8Array(payload)).series) if (s.labels.__name__ === 'test_ticks_total') values.push(...s.values);
    });
    await new Promise<void>((resolve) => hub.once('connect', () => hub.subscribe('metrics/+/samples', { qos: 1 }, () => resolve())));
    cleanups.push(() => void hub.end(true));
    const dir = tempDir('agent-', cleanups).path;
    const tls = [`  tls_ca_file: ${certs.ca}`, `  tls_cert_file: ${certs.clientCert}`, `  tls_key_file: ${certs.clientKey}`].join('\n');
    const cfg = parseConfig(
      [
        'agent:',
        '  id: edge-1',
        `  data_dir: ${dir}`,
        '  interval: 100ms',
        'hub:',
        `  url: ${broker.url}`,
        '  password: agent-token',
        '  protocol_version: 5',
        tls,
      ].join('\n'),
      'tls.yaml',
    );
    const collector = countingCollector();
    const agent = new Agent(cfg, { collectors: [collector], log: () => undefined });
    await agent.start();
    await waitFor(() => values.length >= 9, 'samples over TLS', { timeoutMs: 10_000 });
    await agent.stop();

    // An agent that does not trust the broker's CA never connects, and says why.
    const logs: string[] = [];
    const dir2 = tempDir('agent-', cleanups).path;
    const untrusting = parseConfig(
      [
        'agent:',
        '  id: edge-1',
        `  data_dir: ${dir2}`,
        'hub:',
        `  url: ${broker.url}`,
        '  password: agent-token',
        '  protocol_version: 5',
      ].join('\n'),
      'notrust.yaml',
    );
    const stranger = new Agent(untrusting, { collectors: [countingCollector()], log: (l) => logs.push(l) });
    await stranger.start();
    await waitFor(() => logs.some((l) => /certificate/i.test(l)), 'a certificate error', { timeoutMs: 10_000 });
    expect(stranger.status().broker.state).not.toBe('connected');
    await stranger.stop();
  });
});

describe('authentication', () => {
  it('is refused with a wrong token and says why', async () => {
    const broker = await startAedes(USERS);
    cleanups.push(() => broker.stop());
    const dir = tempDir('agent-', cleanups).path;
    const logs: string[] = [];
    const cfg = config(dir, broker);
    cfg.hub.password = 'wrong';
    const agent = new Agent(cfg, { collectors: [countingCollector()], log: (l) => logs.push(l) });
    await agent.start();
    await waitFor(() => logs.some((l) => /not authorized|bad username or password/i.test(l)), 'the refusal', { timeoutMs: 10_000 });
    expect(agent.status().broker.state).not.toBe('connected');
    await agent.stop();
  });
});
