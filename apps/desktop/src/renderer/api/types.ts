// The shapes the hub's API answers with, as the renderer reads them (the hub's own types
// live in Node-side packages the renderer does not import).

export type Labels = Record<string, string>;

export interface FleetAgent {
  agentId: string;
  connected: boolean;
  up: boolean;
  statusChangedMs?: number;
  firstSeenMs: number;
  lastBatchMs?: number;
  lastSampleMs?: number;
  lagMs?: number;
  backlogBytes?: number;
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
  host?: { hostname?: string; os?: string; release?: string; arch?: string };
  labels: Labels;
  intervalMs: number;
}

export interface TokenInfo {
  agentId: string;
  issuedMs: number;
  revokedMs?: number;
}

export interface IssuedToken {
  agentId: string;
  token: string;
  brokerUrl: string;
  config: string;
  installCommand: string;
}

export type PromValue = [number, string];
export type QueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: PromValue }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: PromValue[] }[] }
  | { resultType: 'scalar' | 'string'; result: PromValue };

/** query_range with format=columns (the hub's extension): one value per step, null for none. */
export interface MatrixColumnsData {
  resultType: 'matrix';
  format: 'columns';
  /** Seconds. */
  start: number;
  step: number;
  count: number;
  result: { metric: Labels; values: (number | string | null)[] }[];
}

export interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  warnings?: string[];
  infos?: string[];
  error?: string;
  errorType?: string;
}

export interface AlertView {
  fingerprint: string;
  labels: Labels;
  annotations: Record<string, string>;
  status: 'firing' | 'resolved';
  state: 'active' | 'suppressed';
  startsAt: number;
  endsAt: number;
  silencedBy: string[];
  inhibitedBy: string[];
  acked?: unknown;
  snoozed?: unknown;
  receivers: string[];
}

export interface Silence {
  id: string;
  matchers: { name: string; type: string; value: string }[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
}

export interface HistoryEvent {
  at: number;
  kind: string;
  [key: string]: unknown;
}

export interface RuleGroupView {
  name: string;
  file: string;
  interval: number;
  lastEvaluation: string;
  evaluationTime: number;
  rules: {
    name: string;
    query: string;
    type: 'alerting' | 'recording';
    health: string;
    lastError?: string;
    state?: 'inactive' | 'pending' | 'firing';
    lastEvaluation: string;
    alerts?: { labels: Labels; annotations: Record<string, string>; state: string; activeAt: string; value: string }[];
  }[];
}

export interface Dashboard {
  id: string;
  title: string;
  panels: { title: string; expr: string; unit?: string }[];
  updatedMs?: number;
  builtIn?: boolean;
}

export interface HubStatus {
  version: string;
  startedMs: number;
  broker: {
    mode: string;
    mqtt?: { host: string; port: number };
    mqtts?: { host: string; port: number };
    url?: string;
    connections?: number;
    connected?: boolean;
  };
  http?: { host: string; port: number; tokenRequired?: boolean; tokenFile?: string };
  ingest: Record<string, number>;
  store: Record<string, unknown>;
  /** Cold storage, when store.archive_dir is set. */
  archive?: ArchiveStatus;
  remoteWrite?: RemoteWriteStatus;
  agents: number;
}

/** Remote write: what came in on POST /api/v1/write, and each remote_write endpoint's queue. */
export interface RemoteWriteStatus {
  receive: {
    requests: { stored: number; refused: number; tooLarge: number; failed: number };
    samplesStored: number;
    samplesRefused: number;
  };
  forward?: {
    endpoints: {
      name: string;
      url: string;
      state: 'idle' | 'sending' | 'retrying';
      pendingSamples: number;
      queueFull: boolean;
      oldestPendingMs?: number;
      sentSamples: number;
      failedRequests: number;
      droppedSamples: { rejected: number; queueFull: number };
      lastError?: { atMs: number; message: string };
      lastSentMs?: number;
    }[];
  };
}

/** GET /api/hub/v1/archive: the cold-storage folder, what it holds, and the files found damaged. */
export interface ArchiveStatus {
  dir: string;
  files: number;
  bytes: number;
  firstDay?: string;
  lastDay?: string;
  archivedThrough?: number;
  retentionMs: number | null;
  lastError?: string;
  damaged: { file: string; reason: string }[];
  /** Why nothing is archived now (the folder lost its marker: not mounted). */
  unavailable?: string;
}

/** An incident file the hub has opened (in memory, read-only): GET /api/hub/v1/incidents[/<id>]. */
export interface OpenedIncident {
  id: string;
  title: string;
  /** RFC 3339, when the file was made. */
  createdAt: string;
  startMs: number;
  endMs: number;
  dashboard: { id?: string; title: string; panels: Dashboard['panels'] };
  series: number;
  samples: number;
  /** The name of the file it was opened from, when the opener said. */
  fileName?: string;
}

/** What POST /api/hub/v1/incidents/import stored. */
export interface IncidentImport {
  title: string;
  startMs: number;
  endMs: number;
  dashboard: Dashboard;
  summary: {
    samples: number;
    appended: number;
    series: number;
    store: { duplicates: number; conflicts: number; tooOld: number; tooFarAhead: number; rejectedSeries: number };
    /** What the store refused after the file's own checks, with the reason. */
    rejected?: { line?: number; reason: string }[];
  };
}
