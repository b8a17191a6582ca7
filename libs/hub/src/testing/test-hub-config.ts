// The hub.yaml of a test hub: its data in `dir`, broker and HTTP on free loopback ports,
// no local agent unless asked; `extra` lines append sections of the test's own, `sections`
// adds keys to the http and local_agent sections. And an agent's batch published through
// the hub's embedded broker. Tests and benchmarks of other packages import these from
// `@metrics-hub/hub/testing`.
import mqtt from 'mqtt';
import { encodeBatch, topics, type Batch } from '@metrics-hub/wire';
import { parseHubConfig, type HubConfig } from '../config.ts';
import type { Hub } from '../hub.ts';

export interface TestHubSections {
  /** Indented lines under `http:` after its listen address (e.g. `  token: ...`). */
  http?: readonly string[];
  /** Indented lines under `local_agent:`; the default keeps the local agent off. */
  localAgent?: readonly string[];
}

export function testHubYaml(dir: string, extra: readonly string[] = [], sections: TestHubSections = {}): string {
  return [
    'hub:',
    `  data_dir: ${dir}`,
    'broker:',
    '  listen: 127.0.0.1:0',
    'http:',
    '  listen: 127.0.0.1:0',
    ...(sections.http ?? []),
    'local_agent:',
    ...(sections.localAgent ?? ['  enabled: false']),
    ...extra,
  ].join('\n');
}

export function testHubConfig(
  dir: string,
  extra: readonly string[] = [],
  env: Record<string, string | undefined> = {},
  sections: TestHubSections = {},
): HubConfig {
  return parseHubConfig(testHubYaml(dir, extra, sections), 'hub.yaml', env);
}

/**
 * Publishes one batch as agent `agentId` through the hub's embedded broker (a token is
 * issued for it) and resolves at the PUBACK, which the hub sends after the commit.
 */
export async function publishAsAgent(hub: Hub, agentId: string, batch: Omit<Batch, 'agentId'>): Promise<void> {
  const client = await connectAsAgent(hub, agentId);
  try {
    await client.publishAsync(topics.samples(hub.config.topicPrefix, agentId), Buffer.from(encodeBatch({ agentId, ...batch })), { qos: 1 });
  } finally {
    await client.endAsync(true);
  }
}

/** An MQTT client of the hub's embedded broker, authenticated as agent `agentId` with a token issued for it. */
export function connectAsAgent(hub: Hub, agentId: string, options: Pick<mqtt.IClientOptions, 'will'> = {}): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(hub.localBrokerUrl, {
    clientId: `agent-${agentId}`,
    username: agentId,
    password: hub.tokens.issue(agentId),
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...options,
  });
}
