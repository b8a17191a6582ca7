// The hub as a client of an external broker (Mosquitto, EMQX, a cluster): a persistent
// session (clean: false) subscribed with QoS 1, so messages wait in the broker while the
// hub is away, and each samples message acknowledged only after its commit
// (customHandleAcks), then "stored" published on the agent's ack topic. With `sharedGroup`,
// samples are read through `$share/<group>/...` so that several hubs split the fleet, as
// consumers of one group do, and the session is not persistent: a broker keeps routing a
// share to a disconnected persistent session (Mosquitto does), so a dead hub would hold its
// share until it came back. Without a session, the broker sends everything to the hubs
// that are alive; what was in flight to the dead one is lost at the broker, and agents that
// confirm with the hub (`transport.confirm: hub`) send it again. Who may publish what is the
// external broker's job (its users and ACLs).

import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { batchRange, encodeStoredAck, parseAgentTopic, parseBrokerUrl, topics } from '@metrics-hub/wire';
import type { MessageSink } from './message-sink.ts';

export interface ExternalBrokerOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  topicPrefix: string;
  sharedGroup?: string;
  sink: MessageSink;
  log: (line: string) => void;
}

export class ExternalBroker {
  private constructor(private readonly client: MqttClient) {}

  /** Connects (retrying in the background if the broker is not there yet). */
  static start(o: ExternalBrokerOptions): ExternalBroker {
    const prefix = o.topicPrefix;
    const samplesTopic = `${o.sharedGroup ? `$share/${o.sharedGroup}/` : ''}${prefix}/+/samples`;
    const persistent = !o.sharedGroup;
    const client: MqttClient = mqtt.connect({
      ...parseBrokerUrl(o.url),
      clientId: o.clientId,
      clean: !persistent,
      protocolVersion: o.protocolVersion,
      username: o.username,
      password: o.password,
      reconnectPeriod: 2000,
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: persistent ? 7 * 86_400 : 0 } } : {}),
      ca: o.tls?.caFile ? readFileSync(o.tls.caFile) : undefined,
      cert: o.tls?.certFile ? readFileSync(o.tls.certFile) : undefined,
      key: o.tls?.keyFile ? readFileSync(o.tls.keyFile) : undefined,
      customHandleAcks: (topic, message, _packet, done) => {
        const parsed = parseAgentTopic(prefix, topic);
        if (!parsed) return done(0);
        if (parsed.kind !== 'samples') {
          o.sink.control(parsed.agentId, parsed.kind, message);
          return done(0);
        }
        // No PUBACK until committed: a failed commit drops the connection and the broker
        // delivers the message again.
        o.sink.samples(parsed.agentId, message).then(
          (notices) => {
            done(0);
            const range = batchRange(message);
            const ackTopic = topics.ack(prefix, parsed.agentId);
            if (range) client.publish(ackTopic, Buffer.from(encodeStoredAck(range.firstSeq, range.lastSeq)), { qos: 1 });
            for (const notice of notices ?? []) client.publish(ackTopic, Buffer.from(notice), { qos: 1 });
          },
          (e: Error) => done(e),
        );
      },
    });
    client.on('connect', (connack) => {
      o.log(`external broker ${o.url}: connected (session ${connack.sessionPresent ? 'resumed' : 'new'})`);
      // Subscribing again on a resumed session is harmless and covers a broker that lost it.
      client.subscribe(
        { [samplesTopic]: { qos: 1 }, [`${prefix}/+/meta`]: { qos: 1 }, [`${prefix}/+/status`]: { qos: 1 } },
        (err, granted) => {
          if (err) o.log(`external broker: subscribe failed: ${err.message}`);
          for (const g of granted ?? [])
            if (g.qos === 128) o.log(`external broker: not allowed to subscribe to ${g.topic}: grant the hub's user read access`);
        },
      );
    });
    client.on('error', (e) => o.log(`external broker ${o.url}: ${e.message}`));
    client.on('offline', () => o.log(`external broker ${o.url}: unreachable; retrying every 2 s`));
    return new ExternalBroker(client);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.client.end(false, {}, () => resolve()));
  }
}
