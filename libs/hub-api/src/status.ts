// The hub itself: its status, the settings the app may change, cold storage, snapshots
// and imports.
//
//   GET  /api/hub/v1/status            HubStatus
//   GET  /api/hub/v1/settings          HubSettings
//   PUT  /api/hub/v1/settings          SettingsChanges -> SettingsSaved (400: HubError with problems)
//   GET  /api/hub/v1/archive           ArchiveStatus (404 when cold storage is off)
//   POST /api/hub/v1/archive/verify    ArchiveVerified
//   GET  /api/hub/v1/snapshots         SnapshotList
//   POST /api/hub/v1/snapshots         SnapshotTaken (201)
//   POST /api/hub/v1/import            ImportSummary (400 when nothing was committed); with Accept:
//                                      application/x-ndjson, ImportLine lines (200: see committed)

export interface HostPort {
  host: string;
  port: number;
}

/** The embedded broker's listeners and connections, or the external broker's address. */
export interface BrokerStatus {
  mode: 'embedded' | 'external';
  mqtt?: HostPort;
  mqtts?: HostPort;
  connections?: number;
  url?: string;
  connected?: boolean;
}

export interface HttpStatus extends HostPort {
  tokenRequired: boolean;
  /** Where the token is, when it is the data folder's. */
  tokenFile?: string;
  /** Requests the browser rules refused, by reason. */
  refused: Record<string, number>;
}

/** GET /api/hub/v1/archive: the cold-storage folder, what it holds, and the files found damaged. */
export interface ArchiveStatus {
  dir: string;
  files: number;
  bytes: number;
  firstDay?: string;
  lastDay?: string;
  /** Samples at or before this time are in archive files (and no longer accepted). */
  archivedThrough?: number;
  /** null: kept for ever (Infinity in the hub). */
  retentionMs: number | null;
  /** The last failure to write a day, if the latest attempt failed. */
  lastError?: string;
  damaged: { file: string; reason: string }[];
  /** Why nothing is archived now (the folder lost its marker: not mounted). */
  unavailable?: string;
}

/** POST /api/hub/v1/archive/verify: the status after reading every file, and how many were checked. */
export interface ArchiveVerified extends ArchiveStatus {
  checked: number;
}

export interface RemoteWriteEndpointStatus {
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
}

/** Remote write: what came in on POST /api/v1/write, and each remote_write endpoint's queue. */
export interface RemoteWriteStatus {
  receive: {
    requests: { stored: number; refused: number; tooLarge: number; failed: number };
    samplesStored: number;
    samplesRefused: number;
  };
  /** Present when hub.yaml names remote_write endpoints. */
  forward?: { endpoints: RemoteWriteEndpointStatus[] };
}

/** What the hub's ingest has done since it started. */
export interface IngestStats {
  batchesStored: number;
  batchesDuplicate: number;
  batchesRejected: number;
  samplesStored: number;
  samplesDuplicate: number;
  seriesRejected: number;
  samplesTooFarAhead: number;
  commits: number;
  commitErrors: number;
  /** Batches refused because too many bytes were waiting for the store (the agent retries). */
  refusedBusy: number;
  pendingBatches: number;
  pendingBytes: number;
  lastCommitMs: number;
}

/** The store's size and what it refused. */
export interface StoreStats {
  series: number;
  samples: number;
  headSamples: number;
  chunks: number;
  chunkBytes: number;
  rollupBytes: number;
  fileBytes: number;
  walFileBytes: number;
  bytesPerSample: number;
  rejected: { tooOld: number; tooFarAhead: number; conflicts: number; cardinality: number; invalid: number };
  duplicates: number;
  outOfOrder: number;
}

export interface HubStatus {
  version: string;
  startedMs: number;
  broker: BrokerStatus;
  http?: HttpStatus;
  ingest: IngestStats;
  store: StoreStats;
  /** Cold storage, when store.archive_dir is set. */
  archive?: ArchiveStatus;
  remoteWrite?: RemoteWriteStatus;
  agents: number;
  /** The agent the hub runs on its own machine, when it does. */
  localAgent?: { id: string; pid: number | undefined };
}

/** The settings the app may change (applied at the next start): current, and saved for it. */
export interface HubSettings {
  keys: readonly string[];
  current: Record<string, string>;
  saved: Record<string, string>;
  /** The file the saved ones are in. */
  file: string;
  /** hub.yaml, or "(defaults)". */
  configFile: string;
}

/** PUT /api/hub/v1/settings: setting name -> value ('' to forget it). */
export type SettingsChanges = Record<string, string>;

export interface SettingsSaved extends HubSettings {
  restartRequired: boolean;
}

export interface SnapshotList {
  folder: string;
  snapshots: {
    name: string;
    bytes: number;
    /** Its manifest, or why it could not be read. */
    manifest: { createdAt?: string; newestSampleMs?: number | null; error?: string };
  }[];
}

export interface SnapshotTaken {
  file: string;
  /** The archive's size on disk (compressed). */
  archiveBytes: number;
  manifest: { createdAt: string; hubVersion: string; newestSampleMs: number | null };
  database: { bytes: number; pages: number; steps: number };
}

/** What POST /api/hub/v1/import did: stored, refused, and why. */
export interface ImportSummary {
  format: string;
  committed: boolean;
  /** Why nothing was committed, when it was not. */
  error?: string;
  samples: number;
  appended: number;
  series: number;
  families: number;
  rejected: { line?: number; reason: string }[];
  problemCount: number;
  skippedFamilies: string[];
  missingTimestamps: { count: number; action: 'defaulted' | 'rejected' };
  /** What the store refused or ignored after the import's own checks passed. */
  store: { duplicates: number; conflicts: number; tooOld: number; tooFarAhead: number; rejectedSeries: number };
  /** Samples older than the hub keeps raw data (at or before cutoffMs), and what becomes of them. */
  pastRetention?: { samples: number; cutoffMs: number; fate: string };
  bytesRead: number;
}

/** Where a running import is: reading (and checking) the body, then committing it to the store. */
export interface ImportProgress {
  phase: 'reading' | 'committing';
  bytesRead: number;
  totalBytes: number | undefined;
  /** Samples read and accepted by the import's checks so far. */
  samples: number;
  /** Samples appended to the store so far (committing). */
  committed: number;
}

/** One line of a streamed import: progress lines while it runs, the summary last. */
export type ImportLine =
  | { progress: ImportProgress; summary?: undefined; error?: undefined }
  | { summary: ImportSummary; progress?: undefined; error?: undefined }
  /** The import failed (the store or the disk): nothing of it was acknowledged. */
  | { error: string; progress?: undefined; summary?: undefined };
