// The fleet: agents, their tokens, and the live events stream.
//
//   GET    /api/hub/v1/fleet               FleetResponse
//   POST   /api/hub/v1/agents              IssueTokenRequest -> IssuedToken (201)
//   DELETE /api/hub/v1/agents/<id>/token   TokenRevoked
//   DELETE /api/hub/v1/agents/<id>         AgentRemoved
//   GET    /api/hub/v1/events              server-sent events: HubEvents

import type { Labels } from './common.ts';

export interface AgentHost {
  hostname?: string;
  os?: string;
  release?: string;
  arch?: string;
}

/** One agent as the hub's fleet registry sees it. */
export interface FleetAgent {
  agentId: string;
  /** Connected to the broker, by its retained status ("online" / the will "offline"). */
  connected: boolean;
  /** Connected and delivering: what `up` says. */
  up: boolean;
  statusChangedMs?: number;
  firstSeenMs: number;
  /** When its last batch arrived. */
  lastBatchMs?: number;
  /** Newest sample time it delivered. */
  lastSampleMs?: number;
  /** Arrival minus collection time of the newest sample of its last batch. */
  lagMs?: number;
  /** Bytes waiting in its outbox, from its own agent_buffer_bytes. */
  backlogBytes?: number;
  /** Its clock minus the hub's (delivery delay counts as behind). */
  clockOffsetMs?: number;
  batches: number;
  samples: number;
  rejectedBatches: number;
  /** Samples refused for being stamped further ahead of the hub's clock than store.max_future. */
  samplesTooFarAhead: number;
  /** Series refused from its batches (invalid, over a limit, or only the hub's to write). */
  seriesRefused: number;
  /** Why something from it was last refused, and when. */
  lastRejection?: string;
  lastRejectionMs?: number;
  version?: string;
  host?: AgentHost;
  /** The labels of its `up`: job="node", instance=<its id>, plus the extra labels of its config. */
  labels: Labels;
  intervalMs: number;
}

/** An agent's token, without the token. */
export interface TokenInfo {
  agentId: string;
  issuedMs: number;
  revokedMs?: number;
}

export interface FleetResponse {
  agents: FleetAgent[];
  tokens: TokenInfo[];
}

export interface IssueTokenRequest {
  agentId: string;
}

/** A new token (shown only now) and the agent config and install command that carry it. */
export interface IssuedToken {
  agentId: string;
  token: string;
  brokerUrl: string;
  config: string;
  installCommand: string;
  note: string;
}

export interface TokenRevoked {
  agentId: string;
  revoked: true;
}

export interface AgentRemoved {
  agentId: string;
  removed: true;
}

/** A `fleet` event: the whole fleet when the stream starts, then one agent per change. */
export type FleetEvent = { agents: FleetAgent[] } | { kind: 'agent'; agent: FleetAgent };

/** An `ingest` event: per agent, the samples stored since the last one and the newest one's time. */
export interface IngestEvent {
  agents: Record<string, { samples: number; newestMs: number }>;
}

/** The events of GET /api/hub/v1/events, by name. */
export interface HubEvents {
  fleet: FleetEvent;
  ingest: IngestEvent;
}
