// MQTT topic names between agents and the hub. One topic tree per agent, so a broker ACL
// can let an agent publish only under its own id.

export const DEFAULT_TOPIC_PREFIX = 'metrics';

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why `id` cannot be an agent id (it becomes a topic level), or undefined. */
export function agentIdProblem(id: string): string | undefined {
  if (!AGENT_ID.test(id)) {
    return `agent id ${JSON.stringify(id)} is invalid: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit`;
  }
  return undefined;
}

export const topics = {
  /** Batches of samples, QoS 1. */
  samples: (prefix: string, agentId: string) => `${prefix}/${agentId}/samples`,
  /** Retained: host facts, agent version, static labels, metric metadata. */
  meta: (prefix: string, agentId: string) => `${prefix}/${agentId}/meta`,
  /** Retained: "online", or the last will "offline". */
  status: (prefix: string, agentId: string) => `${prefix}/${agentId}/status`,
};

/** `<prefix>/<agent id>/<kind>` -> its parts, or undefined for another topic. */
export function parseAgentTopic(prefix: string, topic: string): { agentId: string; kind: 'samples' | 'meta' | 'status' } | undefined {
  if (!topic.startsWith(prefix + '/')) return undefined;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length !== 2 || agentIdProblem(parts[0])) return undefined;
  if (parts[1] !== 'samples' && parts[1] !== 'meta' && parts[1] !== 'status') return undefined;
  return { agentId: parts[0], kind: parts[1] };
}
