// The hub runtime through its front door: a real embedded broker on 127.0.0.1, real MQTT
// clients publishing agent batches, a real SQLite store in a temp folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, topics, type Batch } from '@metrics-hub/wire';
import { makeCertificates } from '@metrics-hub/testing';
import { Hub } from './hub.ts';
import { testHubConfig } from './testing/test-hub-config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), 'hub-')),
): Promise<{ hub: Hub; dir: string; lines: string[] }> {
  const lines: string[] = [];
  const config = testHubConfig(dir, [], env);
  const hub = await Hub.start(config, { log: (l) => lines.push(l) });
  cleanups.push(async () => {
    await hub.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return { hub, dir, lines };
}

function connectAgent(hub: Hub, agentId: string, password: string, options: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(hub.localBrokerUrl, {
      clientId: `agent-${agentId}`,
      username: agentId,
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      clean: false,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
    cleanups.push(() => new Promise<void>((r) => client.end(true, {}, () => r())));
  });
}

function batch(agentId: string, seq: number, t: number, value: number, lastSeq = seq): Uint8Array {
  const b: Batch = {
    agentId,
    firstSeq: seq,
    lastSeq,
    createdMs: t,
    series: [
      {
        labels: { __name__: 'test_value', job: 'node', instance: agentId },
        timestamps: Float64Array.of(t),
        values: Float64Array.of(value),
      },
    ],
  };
  return encodeBatch(b);
}

function publish(client: mqtt.MqttClient, topic: string, payload: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, Buffer.from(payload), { qos: 1 }, (e) => (e ? reject(e) : resolve())));
}

function stored(hub: Hub, agentId: string): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (const s of hub.store.select(
    [
      { name: 'instance', type: '=', value: agentId },
      { name: '__name__', type: '=', value: 'test_value' },
    ],
    -Infinity,
    Infinity,
  )) {
    for (const b of s.blocks()) for (let i = 0; i < b.length; i++) out.push({ t: b.timestamps[i], v: b.values[i] });
  }
  return out;
}

const T0 = Date.now() - 60_000;

describe('hub ingest through the embedded broker', () => {
  it('stores a batch before acknowledging it, and stores a redelivery only once', async () => {
    const { hub } = await startHub();
    const token = hub.tokens.issue('edge-1');
    const client = await connectAgent(hub, 'edge-1', token);
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, T0, 42));
    // The PUBACK came back: the sample must be in the store already, not merely queued.
    expect(stored(hub, 'edge-1')).toEqual([{ t: T0, v: 42 }]);
    // The agent never saw the acknowledgement and sends the same batch again; then a live
    // batch overtakes an older backlog batch (both must be kept).
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, T0, 42));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 5, T0 + 4000, 46));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 2, T0 + 1000, 43, 4));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 3, T0 + 2000, 44));
    expect(stored(hub, 'edge-1').map((s) => s.v)).toEqual([42, 43, 46]);
    expect(hub.ingester.stats).toMatchObject({ batchesStored: 3, batchesDuplicate: 2, batchesRejected: 0 });
    expect(hub.ingester.ledger.rangesOf('edge-1')).toEqual([[1, 5]]);
  });

  it('tells the agent "stored" on its own ack topic after the commit, and lets no agent read another\'s', async () => {
    const { hub } = await startHub();
    const client = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    const acks: string[] = [];
    client.on('message', (topic, payload) => acks.push(`${topic} ${payload.toString()}`));
    const granted = await client.subscribeAsync(topics.ack('metrics', 'edge-1'), { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 3, T0, 1, 4));
    // A repeat is confirmed too, so that the agent stops sending it.
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 3, T0, 1, 4));
    await new Promise((r) => setTimeout(r, 200));
    expect(acks).toEqual(['metrics/edge-1/ack stored 3 4', 'metrics/edge-1/ack stored 3 4']);
    const other = await connectAgent(hub, 'edge-2', hub.tokens.issue('edge-2'));
    for (const topic of [topics.ack('metrics', 'edge-1'), 'metrics/#'])
      await expect(other.subscribeAsync(topic, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const seen: string[] = [];
    other.on('message', (topic) => seen.push(topic));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 5, T0 + 1000, 2));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });

  it('keeps the ledger across a restart: a redelivery after it is not stored twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-'));
    const first = await startHub({}, dir);
    const token = first.hub.tokens.issue('edge-1');
    let client = await connectAgent(first.hub, 'edge-1', token);
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 7, T0, 1));
    client.end(true);
    await first.hub.stop();
    const { hub } = await startHub({}, dir);
    client = await connectAgent(hub, 'edge-1', token);
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 7, T0, 1));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 8, T0 + 1000, 2));
    expect(stored(hub, 'edge-1').map((s) => s.v)).toEqual([1, 2]);
    expect(hub.ingester.stats).toMatchObject({ batchesStored: 1, batchesDuplicate: 1 });
  });

  it('refuses a wrong token, a revoked token and a client id that is not agent-<id>', async () => {
    const { hub, lines } = await startHub();
    const token = hub.tokens.issue('edge-1');
    await expect(connectAgent(hub, 'edge-1', 'wrong')).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connectAgent(hub, 'edge-1', token, { clientId: 'agent-edge-2' })).rejects.toThrow(/Identifier rejected|client id/i);
    const client = await connectAgent(hub, 'edge-1', token);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    // Revoking through the API also ends the live connection.
    const res = await fetch(`http://127.0.0.1:${hub.httpAddress.port}/api/hub/v1/agents/edge-1/token`, {
      method: 'DELETE',
      headers: { 'x-metrics-hub': '1' },
    });
    expect(await res.json()).toEqual({ agentId: 'edge-1', revoked: true });
    await closed;
    await expect(connectAgent(hub, 'edge-1', token)).rejects.toThrow(/Bad username or password|Not authorized/i);
    expect(lines.some((l) => /refused agent "edge-1" .*bad user name or token/.test(l))).toBe(true);
  });

  it('disconnects an agent that publishes under another id, or sets its will there', async () => {
    const { hub, lines } = await startHub();
    const mine = hub.tokens.issue('edge-1');
    hub.tokens.issue('edge-2');
    const client = await connectAgent(hub, 'edge-1', mine);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.publish(topics.samples('metrics', 'edge-2'), Buffer.from(batch('edge-2', 1, T0, 1)), { qos: 1 });
    await closed;
    expect(stored(hub, 'edge-2')).toEqual([]);
    expect(lines.some((l) => l.includes('may not publish on "metrics/edge-2/samples"'))).toBe(true);
    await expect(
      connectAgent(hub, 'edge-1', mine, {
        will: { topic: topics.status('metrics', 'edge-2'), payload: Buffer.from('offline'), qos: 1, retain: true },
      }),
    ).rejects.toThrow(/Not authorized/i);
  });

  it('rejects malformed and oversized batches with a reason, keeps serving the agent and the others', async () => {
    const { hub, lines } = await startHub({ METRICS_HUB_INGEST_MAX_BATCH_BYTES: '4KiB', METRICS_HUB_BROKER_MAX_PACKET: '64KiB' });
    const a = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    const b = await connectAgent(hub, 'edge-2', hub.tokens.issue('edge-2'));
    const topic = topics.samples('metrics', 'edge-1');
    await publish(a, topic, new TextEncoder().encode('not a batch'));
    const damaged = batch('edge-1', 1, T0, 1);
    damaged[damaged.length - 1] ^= 0xff;
    await publish(a, topic, damaged);
    await publish(a, topic, batch('edge-2', 2, T0, 1)); // says it is from someone else
    await publish(a, topic, new Uint8Array(8 * 1024)); // over ingest.max_batch_bytes
    expect(hub.ingester.stats.batchesRejected).toBe(4);
    expect(lines.filter((l) => l.startsWith('agent edge-1: batch rejected:'))).toHaveLength(4);
    expect(lines.some((l) => /batch says it is from agent "edge-2"/.test(l))).toBe(true);
    expect(lines.some((l) => /over the limit of 4096 bytes/.test(l))).toBe(true);
    // The same connection still delivers good batches, and so does everyone else.
    await publish(a, topic, batch('edge-1', 3, T0, 3));
    await publish(b, topics.samples('metrics', 'edge-2'), batch('edge-2', 1, T0, 7));
    expect(stored(hub, 'edge-1').map((s) => s.v)).toEqual([3]);
    expect(stored(hub, 'edge-2').map((s) => s.v)).toEqual([7]);
    expect(hub.fleet.get('edge-1')).toMatchObject({ rejectedBatches: 4 });
  });

  it('cuts off a packet over broker.max_packet before buffering it', async () => {
    const { hub, lines } = await startHub({ METRICS_HUB_BROKER_MAX_PACKET: '64KiB' });
    const a = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    a.publish(topics.samples('metrics', 'edge-1'), Buffer.alloc(200 * 1024), { qos: 1 });
    await closed;
    expect(lines.some((l) => /sent a 2048\d\d byte packet, over broker.max_packet \(65536\)/.test(l))).toBe(true);
    // A raw socket announcing 256 MB gets the same, after five bytes.
    const url = new URL(hub.localBrokerUrl);
    const raw = netConnect(Number(url.port), url.hostname);
    await new Promise<void>((r) => raw.once('connect', () => r()));
    raw.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    await new Promise<void>((r) => raw.once('close', () => r()));
    // Still serving.
    const b = await connectAgent(hub, 'edge-2', hub.tokens.issue('edge-2'));
    await publish(b, topics.samples('metrics', 'edge-2'), batch('edge-2', 1, T0, 5));
    expect(stored(hub, 'edge-2').map((s) => s.v)).toEqual([5]);
  });

  it('tracks the fleet from birth, status and batches, and writes up for each agent', async () => {
    const { hub } = await startHub();
    const client = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'), {
      will: { topic: topics.status('metrics', 'edge-1'), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    const meta = {
      agentId: 'edge-1',
      version: '9.9.9',
      host: { hostname: 'box', os: 'linux' },
      labels: { job: 'node', instance: 'edge-1', env: 'lab' },
      intervalMs: 1000,
      metadata: { test_value: { type: 'gauge', help: 'A test value.', unit: '' } },
    };
    await publish(client, topics.meta('metrics', 'edge-1'), new TextEncoder().encode(JSON.stringify(meta)));
    await publish(client, topics.status('metrics', 'edge-1'), new TextEncoder().encode('online'));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, Date.now() - 250, 1));
    expect(hub.fleet.get('edge-1')).toMatchObject({
      connected: true,
      up: true,
      version: '9.9.9',
      labels: { env: 'lab' },
      batches: 1,
      samples: 1,
    });
    expect(hub.fleet.get('edge-1')!.lagMs).toBeGreaterThanOrEqual(250);
    expect(hub.store.metadata('test_value').get('test_value')).toEqual({ type: 'gauge', help: 'A test value.', unit: '' });
    const upAt = (t: number) => {
      hub.fleet.heartbeat(t);
      const s = hub.store.select(
        [
          { name: '__name__', type: '=', value: 'up' },
          { name: 'env', type: '=', value: 'lab' },
        ],
        t,
        t,
      )[0];
      const b = [...s.blocks()].pop()!;
      return b.values[b.length - 1];
    };
    expect(upAt(Date.now())).toBe(1);
    // The connection drops without a goodbye: the broker's last will says offline.
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.fleet.get('edge-1')).toMatchObject({ connected: false, up: false });
    expect(upAt(Date.now() + 1)).toBe(0);
  });

  it('speaks MQTT over TLS when given a certificate, and refuses a client that does not trust it', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'hub-tls-'));
    cleanups.push(() => rmSync(certDir, { recursive: true, force: true }));
    const certs = makeCertificates(certDir);
    const { hub } = await startHub({
      METRICS_HUB_BROKER_LISTEN: '',
      METRICS_HUB_BROKER_TLS_LISTEN: '127.0.0.1:0',
      METRICS_HUB_BROKER_TLS_CERT_FILE: certs.serverCert,
      METRICS_HUB_BROKER_TLS_KEY_FILE: certs.serverKey,
    });
    expect(hub.localBrokerUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const token = hub.tokens.issue('edge-1');
    await expect(connectAgent(hub, 'edge-1', token)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    const client = await connectAgent(hub, 'edge-1', token, { ca: readFileSync(certs.ca) });
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, T0, 9));
    expect(stored(hub, 'edge-1').map((s) => s.v)).toEqual([9]);
  });

  it('caps broker connections at broker.max_connections', async () => {
    const { hub, lines } = await startHub({ METRICS_HUB_BROKER_MAX_CONNECTIONS: '1' });
    await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    await expect(connectAgent(hub, 'edge-2', hub.tokens.issue('edge-2'))).rejects.toThrow(/closed before CONNACK/);
    expect(hub.status().broker).toMatchObject({ connections: 1 });
    expect(lines.some((l) => /connection from 127\.0\.0\.1 refused: broker.max_connections \(1\) reached/.test(l))).toBe(true);
  });
});

describe('hub HTTP API', () => {
  it('answers PromQL over what agents delivered, and serves its own metrics', async () => {
    const { hub } = await startHub();
    const client = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, T0, 42));
    const base = `http://127.0.0.1:${hub.httpAddress.port}`;
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent('test_value{instance="edge-1"}')}&time=${T0 / 1000}`);
    expect(await res.json()).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { __name__: 'test_value', job: 'node', instance: 'edge-1' }, value: [T0 / 1000, '42'] }],
      },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^metrics_hub_ingest_batches_total\{outcome="stored"\} 1$/m);
    expect(metrics).toMatch(/^metrics_hub_broker_connections 1$/m);
    const status = (await (await fetch(`${base}/api/hub/v1/status`)).json()) as { ingest: { batchesStored: number } };
    expect(status.ingest.batchesStored).toBe(1);
  });

  it('wants the bearer token when one is configured', async () => {
    const { hub } = await startHub({ METRICS_HUB_HTTP_TOKEN: 's3cret' });
    const url = `http://127.0.0.1:${hub.httpAddress.port}/api/v1/query?query=1`;
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
  });

  it('issues a token with a ready agent config, and the agent it names gets in', async () => {
    const { hub } = await startHub();
    const base = `http://127.0.0.1:${hub.httpAddress.port}`;
    const bad = await fetch(`${base}/api/hub/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'no/slashes' }),
    });
    expect(bad.status).toBe(400);
    const res = await fetch(`${base}/api/hub/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'edge-9' }),
    });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { token: string; config: string; brokerUrl: string };
    expect(issued.config).toContain(`password: ${issued.token}`);
    expect(issued.brokerUrl).toBe(hub.localBrokerUrl);
    await connectAgent(hub, 'edge-9', issued.token);
    const fleet = (await (await fetch(`${base}/api/hub/v1/fleet`)).json()) as { tokens: { agentId: string }[] };
    expect(fleet.tokens.map((t) => t.agentId)).toEqual(['edge-9']);
  });

  it('streams fleet changes and what was ingested as server-sent events', async () => {
    const { hub } = await startHub();
    const res = await fetch(`http://127.0.0.1:${hub.httpAddress.port}/api/hub/v1/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const events = async (want: RegExp) => {
      while (!want.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      return text;
    };
    await events(/event: fleet\ndata: \{"agents":\[\]\}/);
    const client = await connectAgent(hub, 'edge-1', hub.tokens.issue('edge-1'));
    await publish(client, topics.samples('metrics', 'edge-1'), batch('edge-1', 1, T0, 1));
    await events(/event: ingest\ndata: \{"agents":\{"edge-1":\{"samples":1,"newestMs":\d+\}\}\}/);
    expect(text).toMatch(/event: fleet\ndata: \{"kind":"agent","agent":\{"agentId":"edge-1"/);
    await reader.cancel();
  });
});
