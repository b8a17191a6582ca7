// The hub.yaml of a test hub: its data in `dir`, broker and HTTP on free loopback ports,
// no local agent; `extra` lines append sections of the test's own. And an agent's batch
// published through the hub's embedded broker.
import mqtt from 'mqtt';
import { encodeBatch, topics, type Batch } from '@metrics-hub/wire';
import { parseHubConfig, type HubConfig } from '../config.ts';
import type { Hub } from '../hub.ts';

export function testHubYaml(dir: string, extra: readonly string[] = []): string {
  return [
    'hub:',
    `  data_dir: ${dir}`,
    'broker:',
    '  listen: 127.0.0.1:0',
    'http:',
    '  listen: 127.0.0.1:0',
    'local_agent:',
    '  enabled: false',
    ...extra,
  ].join('\n');
}

export function testHubConfig(dir: string, extra: readonly string[] = [], env: Record<string, string> = {}): HubConfig {
  return parseHubConfig(testHubYaml(dir, extra), 'hub.yaml', env);
}

/**
 * Publishes one batch as agent `agentId` through the hub's embedded broker (a token is
 * issued for it) and resolves at the PUBACK, which the hub sends after the commit.
 */
export async function publishAsAgent(hub: Hub, agentId: string, batch: Omit<Batch, 'agentId'>): Promise<void> {
  const client = await mqtt.connectAsync(hub.localBrokerUrl, {
    clientId: `agent-${agentId}`,
    username: agentId,
    password: hub.tokens.issue(agentId),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    await client.publishAsync(topics.samples(hub.config.topicPrefix, agentId), Buffer.from(encodeBatch({ agentId, ...batch })), { qos: 1 });
  } finally {
    await client.endAsync(true);
  }
}
