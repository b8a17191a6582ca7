// The birth message an agent publishes (retained) on `<prefix>/<id>/meta`: who it is (host,
// version, interval), the extra labels of its config and what its metrics mean (HELP, TYPE,
// UNIT). It is untrusted input: read with bounds on every size, unknown or ill-typed fields
// dropped with a note, and nothing in it can name the agent: the hub knows who published it
// (the broker authenticated the agent), so `instance` and `job` in its labels are the hub's.

import { LABEL_LIMITS, labelsProblem, type Labels } from '@metrics-hub/wire';
import { isMetricType, type MetricMetadata } from '@metrics-hub/tsdb';
import { AGENT_IDENTITY_LABEL } from '../ingest/agent-identity.ts';

/** What a birth message may hold at most; a larger one is refused whole. */
export const BIRTH_LIMITS = {
  maxBytes: 1024 * 1024,
  maxLabels: 32,
  maxMetadata: 20_000,
  maxHelpLength: 4096,
  maxUnitLength: 64,
  maxTextLength: 256,
  /** Notes returned at most (each says what was left out); the rest are counted in the last. */
  maxNotes: 8,
} as const;

/** The birth message is not one (too large, not JSON, not an object): it is ignored whole. */
export class BirthFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BirthFormatError';
  }
}

export interface Birth {
  version?: string;
  host?: { hostname?: string; os?: string; release?: string; arch?: string };
  /** The agent's extra labels (agent.labels), without the ones the hub sets. */
  labels?: Labels;
  intervalMs?: number;
  metadata: [metric: string, meta: MetricMetadata][];
}

/** Labels of the agent's series that the hub sets: a birth cannot choose them. */
const HUB_LABELS = new Set([AGENT_IDENTITY_LABEL, 'job']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Reads agent `agentId`'s birth message. Throws BirthFormatError when it is not a birth
 * message at all; otherwise returns what it holds that is well formed, and a note for each
 * thing left out (a claimed identity, a bad label, an ill-typed field).
 */
export function parseBirth(payload: Uint8Array, agentId: string): { birth: Birth; notes: string[] } {
  if (payload.byteLength > BIRTH_LIMITS.maxBytes)
    throw new BirthFormatError(`birth message of ${payload.byteLength} bytes is over the limit of ${BIRTH_LIMITS.maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    throw new BirthFormatError(`birth message is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(raw)) throw new BirthFormatError('birth message is not a JSON object');
  const notes: string[] = [];
  const birth: Birth = { metadata: [] };

  if (typeof raw.version === 'string') birth.version = raw.version.slice(0, 64);
  if (isRecord(raw.host)) {
    const host: NonNullable<Birth['host']> = {};
    for (const key of ['hostname', 'os', 'release', 'arch'] as const) {
      const v = raw.host[key];
      if (typeof v === 'string') host[key] = v.slice(0, BIRTH_LIMITS.maxTextLength);
    }
    birth.host = host;
  }
  if (typeof raw.intervalMs === 'number' && raw.intervalMs >= 100 && raw.intervalMs <= 86_400_000) birth.intervalMs = raw.intervalMs;
  if (raw.labels !== undefined) birth.labels = readLabels(raw.labels, agentId, notes);
  if (raw.metadata !== undefined) birth.metadata = readMetadata(raw.metadata, notes);
  if (notes.length > BIRTH_LIMITS.maxNotes) {
    const more = notes.length - (BIRTH_LIMITS.maxNotes - 1);
    notes.splice(BIRTH_LIMITS.maxNotes - 1, notes.length, `and ${more} more things left out`);
  }
  return { birth, notes };
}

function readLabels(raw: unknown, agentId: string, notes: string[]): Labels {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) {
    notes.push('labels is not an object: ignored');
    return out;
  }
  let kept = 0;
  for (const [name, value] of Object.entries(raw)) {
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (HUB_LABELS.has(name)) {
      if (name === AGENT_IDENTITY_LABEL && text !== agentId)
        notes.push(`claims ${name}=${JSON.stringify(String(text).slice(0, 80))}: the hub uses the authenticated agent id "${agentId}"`);
      continue;
    }
    if (name.startsWith('__')) {
      notes.push(`label ${JSON.stringify(name.slice(0, 80))} is reserved: dropped`);
      continue;
    }
    // The same checks as a series' labels (name characters, value length, UTF-8).
    const problem = text === undefined ? 'its value is not text' : labelsProblem({ __name__: 'x', [name]: text });
    if (problem || kept >= BIRTH_LIMITS.maxLabels) {
      notes.push(`label ${JSON.stringify(name.slice(0, 80))} dropped: ${problem ?? `more than ${BIRTH_LIMITS.maxLabels} labels`}`);
      continue;
    }
    out[name] = text!;
    kept++;
  }
  return out;
}

function readMetadata(raw: unknown, notes: string[]): Birth['metadata'] {
  const out: Birth['metadata'] = [];
  if (!isRecord(raw)) {
    notes.push('metadata is not an object: ignored');
    return out;
  }
  let dropped = 0;
  for (const [metric, m] of Object.entries(raw)) {
    if (
      out.length >= BIRTH_LIMITS.maxMetadata ||
      !METRIC_NAME.test(metric) ||
      metric.length > LABEL_LIMITS.maxValueLength ||
      !isRecord(m)
    ) {
      dropped++;
      continue;
    }
    const type = isMetricType(m.type) ? m.type : 'unknown';
    const help = typeof m.help === 'string' ? m.help.slice(0, BIRTH_LIMITS.maxHelpLength) : '';
    const unit = typeof m.unit === 'string' ? m.unit.slice(0, BIRTH_LIMITS.maxUnitLength) : '';
    out.push([metric, { type, help, unit }]);
  }
  if (dropped) notes.push(`${dropped} metadata entries dropped (bad metric name, not an object, or over ${BIRTH_LIMITS.maxMetadata})`);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
