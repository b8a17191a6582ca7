// The agent's connection to the broker: MQTT with a persistent session (QoS 1 messages in
// flight are resent after a reconnect), a retained "online" status with an "offline" last
// will, a retained birth message, and reconnects with exponential backoff and full jitter.
//
//            connected                    closed / refused
//   ┌────────────┐ ───────► ┌───────────┐ ───────────────► ┌──────────────────────┐
//   │ connecting │          │ connected │                  │ waiting(attempt, at) │
//   └────────────┘ ◄─────── └───────────┘                  └──────────────────────┘
//         ▲          (none)                                           │ timer
//         └───────────────────────────────────────────────────────────┘
//   stop() from any state: ──► stopped

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { parseBrokerUrl, topics } from '@metrics-hub/wire';

export type LinkState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; since: number; sessionPresent: boolean }
  | { kind: 'waiting'; attempt: number; retryAt: number; lastError: string }
  | { kind: 'stopped' };

export interface LinkOptions {
  url: string;
  agentId: string;
  topicPrefix: string;
  username?: string;
  password?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized?: boolean };
  /** 4 = MQTT 3.1.1 (the hub's embedded broker), 5 = MQTT 5. */
  protocolVersion: 4 | 5;
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  /** The retained birth message, published at every connect. */
  birth: () => Uint8Array;
  /** Given: the link subscribes to the agent's ack topic and hands each message here. */
  onHubAck?: (payload: Uint8Array) => void;
  /** Whether delivery depends on the ack topic (hub.confirm: hub): a refused subscription is then an error to fix. */
  ackTopicRequired?: boolean;
  log: (line: string) => void;
  now?: () => number;
  random?: () => number;
}

export class MqttLink {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  state: LinkState = { kind: 'stopped' };
  private readonly listeners = new Set<(state: LinkState) => void>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: LinkOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  onState(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get connected(): boolean {
    return this.state.kind === 'connected';
  }

  start(): void {
    const o = this.options;
    const statusTopic = topics.status(o.topicPrefix, o.agentId);
    const opts: IClientOptions = {
      clientId: `agent-${o.agentId}`,
      clean: false,
      protocolVersion: o.protocolVersion,
      keepalive: o.keepaliveSeconds,
      connectTimeout: o.connectTimeoutMs,
      // Reconnects are ours (backoff with jitter); mqtt.js keeps the session's messages.
      reconnectPeriod: 0,
      // mqtt-packet would otherwise pre-build 65,536 two-byte buffers (~6 MB of heap) to
      // save an allocation per packet; an agent sends a few packets a second.
      writeCache: false,
      username: o.username,
      password: o.password,
      will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 7 * 86_400 } } : {}),
      ...tlsOptions(o.tls),
    };
    this.setState({ kind: 'connecting', attempt: this.attempt });
    const client = connectClient(o.url, opts);
    this.client = client;
    client.on('connect', (connack) => {
      this.attempt = 0;
      this.setState({ kind: 'connected', since: this.now(), sessionPresent: connack.sessionPresent });
      o.log(`connected to ${o.url} as agent-${o.agentId}`);
      client.publish(statusTopic, 'online', { qos: 1, retain: true });
      client.publish(topics.meta(o.topicPrefix, o.agentId), Buffer.from(o.birth()), { qos: 1, retain: true });
      if (o.onHubAck) {
        const ackTopic = topics.ack(o.topicPrefix, o.agentId);
        client.subscribe(ackTopic, { qos: 1 }, (err, granted) => {
          if (err || granted?.some((g) => g.qos === 128)) {
            o.log(
              o.ackTopicRequired
                ? `broker ${o.url} refused the subscription to ${ackTopic} (${err?.message ?? 'not authorised'}): allow this agent to read it, or set hub.confirm: broker`
                : `broker ${o.url} refused the subscription to ${ackTopic} (${err?.message ?? 'not authorised'}): the hub's notices (samples it refused) will not reach this agent; allow it to read that topic`,
            );
          }
        });
      }
    });
    if (o.onHubAck) {
      const ackTopic = topics.ack(o.topicPrefix, o.agentId);
      const onHubAck = o.onHubAck;
      client.on('message', (topic, payload) => {
        if (topic === ackTopic) onHubAck(payload);
      });
    }
    client.on('error', (err) => {
      if (this.state.kind === 'stopped') return;
      o.log(`broker ${o.url}: ${describe(err)}`);
      this.scheduleReconnect(describe(err));
    });
    client.on('close', () => {
      if (this.state.kind === 'stopped') return;
      if (this.state.kind === 'connected') o.log(`connection to ${o.url} closed; will reconnect`);
      this.scheduleReconnect('connection closed');
    });
  }

  /** Publishes with QoS 1; resolves once the broker acknowledged it (PUBACK). */
  publish(topic: string, payload: Uint8Array): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not started'));
    return new Promise((resolve, reject) => {
      client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos: 1 }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  /** Replaces a retained message (the birth message when metadata changed). */
  publishRetained(topic: string, payload: Uint8Array): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not started'));
    return new Promise((resolve, reject) => {
      client.publish(topic, Buffer.from(payload), { qos: 1, retain: true }, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Says "offline" (the will only covers a lost connection) and disconnects. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    const client = this.client;
    const wasConnected = this.connected;
    this.setState({ kind: 'stopped' });
    if (!client) return;
    // Neither step may hang a shutdown: a broker that stops answering gets 2 s each.
    if (wasConnected) {
      await withTimeout(
        new Promise<void>((resolve) =>
          client.publish(topics.status(this.options.topicPrefix, this.options.agentId), 'offline', { qos: 1, retain: true }, () =>
            resolve(),
          ),
        ),
        2000,
      );
    }
    const ended = await withTimeout(new Promise<void>((resolve) => client.end(false, {}, () => resolve())), 2000);
    if (!ended) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  private scheduleReconnect(reason: string): void {
    if (this.state.kind === 'waiting' || this.state.kind === 'stopped') return;
    const { initialMs, maxMs } = this.options.backoff;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 30));
    // Full jitter: a fleet that lost its broker at once does not come back at once.
    const delay = Math.round(this.random() * ceiling);
    this.attempt++;
    this.setState({ kind: 'waiting', attempt: this.attempt, retryAt: this.now() + delay, lastError: reason });
    this.timer = setTimeout(() => {
      if (this.state.kind !== 'waiting') return;
      this.setState({ kind: 'connecting', attempt: this.attempt });
      this.client?.reconnect();
    }, delay);
  }

  private setState(state: LinkState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }
}

/** Resolves true when `p` settles in time, false after `ms`. */
function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([p.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/**
 * mqtt.connect() loads every transport it knows (WebSocket with http, https, zlib and
 * crypto; SOCKS with dns) on the first connect: ~5 MB of resident memory an agent that
 * speaks plain MQTT or MQTT over TLS never uses. So those two get a socket of ours and
 * only WebSocket URLs go through mqtt.connect().
 */
export function connectClient(url: string, opts: IClientOptions): MqttClient {
  const address = parseBrokerUrl(url);
  if (address.protocol === 'ws' || address.protocol === 'wss') return mqtt.connect({ ...address, ...opts });
  const secure = address.protocol === 'mqtts';
  const { hostname: host, port } = address;
  return new MqttClient((client) => (secure ? tlsSocket(client, host, port, opts) : net.createConnection({ host, port })), opts);
}

function tlsSocket(client: MqttClient, host: string, port: number, opts: IClientOptions): Duplex {
  // Loaded on first use: an agent on plain MQTT never pays for TLS.
  const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
  const rejectUnauthorized = opts.rejectUnauthorized !== false;
  const socket = tls.connect({
    host,
    port,
    servername: net.isIP(host) === 0 ? host : undefined,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    rejectUnauthorized,
  });
  // mqtt.js reports stream errors that carry a code (all of Node's TLS ones); any other
  // handshake failure must still reach the link, which retries with backoff.
  const onHandshakeError = (err: Error & { code?: string }) => {
    if (!err.code) client.emit('error', err);
    socket.destroy();
  };
  socket.once('error', onHandshakeError);
  socket.once('secureConnect', () => socket.removeListener('error', onHandshakeError));
  return socket;
}

function tlsOptions(tls: LinkOptions['tls']): Partial<IClientOptions> {
  if (!tls) return {};
  return {
    ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
    cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
    key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

function describe(err: Error & { code?: string | number }): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused (is the broker running and the address right?)';
  if (err.code === 5 || /Not authorized/i.test(err.message)) return 'not authorized: check the agent token (username/password)';
  if (err.code === 4 || /Bad username or password/i.test(err.message)) return 'bad username or password: check the agent token';
  return err.message;
}
