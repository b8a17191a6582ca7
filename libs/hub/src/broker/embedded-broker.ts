// The broker inside the hub (aedes, MQTT 3.1.1). It is the hub's front door, so it
// decides who gets in and what they may say:
//   - user name = agent id, password = the token the hub issued (AgentTokens); the client
//     id must be `agent-<id>`, so one agent cannot take over another's session;
//   - an agent publishes only under `<prefix>/<its id>/` (samples, meta, status), its last
//     will too, and subscribes to its own acknowledgements (`<prefix>/<its id>/ack`) only;
//   - a samples message is acknowledged (PUBACK) only once the ingester has committed it,
//     and "stored" is published on the agent's ack topic for agents that confirm with the hub;
//   - connections are capped (broker.max_connections, 1,000 by default) and oversized
//     packets cut off before they are buffered: 64 KiB until a client has logged in,
//     broker.max_packet after (frame-guard.ts).

import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { batchRange, encodeStoredAck, parseAgentTopic, topics } from '@metrics-hub/wire';
import type { AgentTokens } from '../tokens.ts';
import type { MessageSink } from './message-sink.ts';
import { guardFrames } from './frame-guard.ts';

export interface EmbeddedBrokerOptions {
  /** host:port for plain MQTT; undefined = none. */
  listen: { host: string; port: number } | undefined;
  /** host:port for MQTT over TLS, with the server's certificate. */
  tls?: { host: string; port: number; certFile: string; keyFile: string; caFile?: string; requireClientCertificate?: boolean };
  topicPrefix: string;
  tokens: AgentTokens;
  sink: MessageSink;
  maxConnections: number;
  /** Largest MQTT packet accepted; a larger one ends the connection with a log line. */
  maxPacketBytes: number;
  log: (line: string) => void;
}

type AgentClient = Client & { agentId?: string };

export class EmbeddedBroker {
  private servers: Server[] = [];
  /** Bound addresses, e.g. for tests that listen on port 0. */
  readonly addresses: { mqtt?: { host: string; port: number }; mqtts?: { host: string; port: number } } = {};

  private constructor(
    private readonly aedes: Aedes,
    private readonly options: EmbeddedBrokerOptions,
  ) {}

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const { topicPrefix: prefix, tokens, sink, log } = options;
    const aedes = await Aedes.createBroker({
      // Agent ids run to 128 characters; MQTT 3.1.1's 23 is a minimum brokers must accept.
      maxClientsIdLength: 6 + 128,
      connectTimeout: 10_000,
      authenticate: (client: AgentClient, username, password, done) => {
        const refuse = (code: 2 | 4 | 5, why: string) => {
          log(`broker: refused ${username ? `agent "${username}"` : 'a client without a user name'} from ${remoteOf(client)}: ${why}`);
          done(Object.assign(new Error(why), { returnCode: code }) as never, false);
        };
        if (!username || !tokens.verify(username, password))
          return refuse(4, 'bad user name or token (issue a token for this agent id on the hub)');
        if (client.id !== `agent-${username}`) return refuse(2, `client id "${client.id}" must be "agent-${username}"`);
        const will = (client as unknown as { _will?: { topic: string } })._will;
        if (will && will.topic !== topics.status(prefix, username))
          return refuse(5, `last will on "${will.topic}" is outside its own topics`);
        client.agentId = username;
        done(null, true);
      },
      authorizePublish: (client: AgentClient | null, packet: PublishPacket, done) => {
        const agentId = client?.agentId;
        const topic = parseAgentTopic(prefix, packet.topic);
        if (!agentId || !topic || topic.agentId !== agentId) {
          log(`broker: agent "${agentId}" may not publish on "${packet.topic}"; disconnected`);
          return done(new Error(`not allowed to publish on ${packet.topic}`));
        }
        if (topic.kind !== 'samples') {
          sink.control(agentId, topic.kind, packet.payload as Buffer);
          return done(null);
        }
        // Held until committed: the PUBACK follows done().
        sink.samples(agentId, packet.payload as Buffer).then(
          (notices) => {
            done(null);
            const range = batchRange(packet.payload as Buffer);
            const toAgent = (payload: Uint8Array) =>
              aedes.publish(
                { cmd: 'publish', topic: topics.ack(prefix, agentId), payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
                () => undefined,
              );
            if (range) toAgent(encodeStoredAck(range.firstSeq, range.lastSeq));
            for (const notice of notices ?? []) toAgent(notice);
          },
          (e: Error) => done(e),
        );
      },
      // Agents subscribe to their own acknowledgements and nothing else. (A subscription
      // granted "128" is refused, per MQTT 3.1.1.)
      authorizeSubscribe: (client: AgentClient | null, sub, done) => {
        if (client?.agentId && sub.topic === topics.ack(prefix, client.agentId)) return done(null, { ...sub, qos: 1 });
        done(null, null as never);
      },
      // Nothing the agents send is for anyone else (the hub consumed it above); the hub's
      // acknowledgements reach only the agent whose topic they are on.
      authorizeForward: (client: AgentClient, packet) => {
        if (packet.topic.endsWith('/samples')) return null;
        if (packet.topic.endsWith('/ack') && (!client?.agentId || packet.topic !== topics.ack(prefix, client.agentId))) return null;
        return packet;
      },
    });
    aedes.on('clientDisconnect', (client: AgentClient) => {
      if (client.agentId) sink.disconnected(client.agentId);
    });
    aedes.on('clientError', (client: AgentClient, err) =>
      log(`broker: agent "${client.agentId ?? client.id}" from ${remoteOf(client)}: ${err.message}`),
    );
    const broker = new EmbeddedBroker(aedes, options);
    const handle = (socket: Socket) =>
      aedes.handle(
        guardFrames(socket, options.maxPacketBytes, (why) =>
          log(
            'notConnect' in why
              ? `broker: ${socket.remoteAddress} sent a packet of type ${why.notConnect} before CONNECT; disconnected`
              : why.beforeConnect
                ? `broker: ${socket.remoteAddress} announced a ${why.announcedBytes} byte CONNECT, over the ${why.limit} bytes allowed before logging in; disconnected`
                : `broker: ${socket.remoteAddress} sent a ${why.announcedBytes} byte packet, over broker.max_packet (${options.maxPacketBytes}); disconnected`,
          ),
        ),
      );
    if (options.listen) {
      const server = createTcpServer(handle);
      broker.addresses.mqtt = await broker.listen(server, options.listen);
    }
    if (options.tls) {
      const t = options.tls;
      const server = createTlsServer(
        {
          cert: readFileSync(t.certFile),
          key: readFileSync(t.keyFile),
          ca: t.caFile ? readFileSync(t.caFile) : undefined,
          requestCert: !!t.requireClientCertificate,
          rejectUnauthorized: !!t.requireClientCertificate,
        },
        handle,
      );
      server.on('tlsClientError', (err, socket) => log(`broker: TLS handshake with ${socket.remoteAddress} failed: ${err.message}`));
      broker.addresses.mqtts = await broker.listen(server, t);
    }
    return broker;
  }

  get connectedClients(): number {
    return this.aedes.connectedClients;
  }

  /** Ends the live connection of an agent (after its token was revoked). */
  disconnect(agentId: string): void {
    const client = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[`agent-${agentId}`];
    client?.close();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers = [];
  }

  private async listen(server: Server, at: { host: string; port: number }): Promise<{ host: string; port: number }> {
    server.maxConnections = this.options.maxConnections;
    server.on('drop', (d?: { remoteAddress?: string }) =>
      this.options.log(
        `broker: connection from ${d?.remoteAddress ?? 'unknown'} refused: broker.max_connections (${this.options.maxConnections}) reached; raise it if the fleet is that large`,
      ),
    );
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            e.code === 'EADDRINUSE'
              ? `broker: ${at.host}:${at.port} is in use: stop what uses it or set broker.listen to another port`
              : `broker: cannot listen on ${at.host}:${at.port}: ${e.message}`,
          ),
        ),
      );
      server.listen(at.port, at.host, resolve);
    });
    const addr = server.address();
    return typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : at;
  }
}

function remoteOf(client: Client): string {
  const conn = (client as unknown as { conn?: { remoteAddress?: string } }).conn;
  return conn?.remoteAddress ?? 'unknown address';
}
