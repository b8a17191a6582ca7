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
  /**
   * From the hub to one agent, QoS 1: "stored <first seq> <last seq>" once a batch is
   * committed. Agents that confirm with the hub (behind an external broker, several hubs)
   * keep a batch until this arrives, not merely until the broker took it. And
   * "refused <first> <last> <samples> <reason> <hub clock ms>" when the hub refused samples
   * of a batch it stored the rest of (see encodeRefusedNotice).
   */
  ack: (prefix: string, agentId: string) => `${prefix}/${agentId}/ack`,
};

export function encodeStoredAck(firstSeq: number, lastSeq: number): Uint8Array {
  return Uint8Array.from(`stored ${firstSeq} ${lastSeq}`, (c) => c.charCodeAt(0));
}

export function decodeStoredAck(payload: Uint8Array): { firstSeq: number; lastSeq: number } | undefined {
  if (payload.length > 64) return undefined;
  const m = /^stored (\d+) (\d+)$/.exec(String.fromCharCode(...payload));
  if (!m) return undefined;
  const firstSeq = Number(m[1]);
  const lastSeq = Number(m[2]);
  return Number.isSafeInteger(firstSeq) && Number.isSafeInteger(lastSeq) && lastSeq >= firstSeq ? { firstSeq, lastSeq } : undefined;
}

/** Why the hub refused samples of a batch: `too_far_ahead`, stamped further ahead of its clock than it accepts. */
export type RefusalReason = 'too_far_ahead';

export interface RefusedNotice {
  firstSeq: number;
  lastSeq: number;
  samples: number;
  reason: RefusalReason;
  /** The hub's clock when it refused them, so that the agent can say how far off its own is. */
  hubMs: number;
}

export function encodeRefusedNotice(n: RefusedNotice): Uint8Array {
  return Uint8Array.from(`refused ${n.firstSeq} ${n.lastSeq} ${n.samples} ${n.reason} ${n.hubMs}`, (c) => c.charCodeAt(0));
}

export function decodeRefusedNotice(payload: Uint8Array): RefusedNotice | undefined {
  if (payload.length > 128) return undefined;
  const m = /^refused (\d+) (\d+) (\d+) (too_far_ahead) (\d+)$/.exec(String.fromCharCode(...payload));
  if (!m) return undefined;
  const [firstSeq, lastSeq, samples, hubMs] = [m[1], m[2], m[3], m[5]].map(Number);
  if (![firstSeq, lastSeq, samples, hubMs].every(Number.isSafeInteger) || lastSeq < firstSeq) return undefined;
  return { firstSeq, lastSeq, samples, reason: m[4] as RefusalReason, hubMs };
}

/** `<prefix>/<agent id>/<kind>` -> its parts, or undefined for another topic. */
export function parseAgentTopic(prefix: string, topic: string): { agentId: string; kind: 'samples' | 'meta' | 'status' } | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length !== 2 || agentIdProblem(parts[0])) return undefined;
  if (parts[1] !== 'samples' && parts[1] !== 'meta' && parts[1] !== 'status') return undefined;
  return { agentId: parts[0], kind: parts[1] };
}
