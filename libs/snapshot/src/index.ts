// Getting data out of the hub and back in.
//
// Exports: a selector's raw samples or a PromQL range query, streamed as CSV (long or
// wide), Prometheus query_range JSON, OpenMetrics (promtool backfill) or our lossless
// mhb-json. Imports: Prometheus text, OpenMetrics or mhb-json, all-or-nothing by default.
// Whole-hub snapshots: the database copied online while ingest goes on, with the rule
// files and settings, in one checksummed archive that restores into a fresh data folder.

export {
  exportSelection,
  EXPORT_FORMATS,
  EXPORT_FORMAT_INFO,
  type ExportFormat,
  type ExportOptions,
  type ExportSummary,
} from './export/export.ts';
export { ExportError, type ExportSeries, type ExportSource, type Selection } from './export/selection.ts';
export type { WriteChunk } from './export/chunked-writer.ts';
export { LOSSLESS_FORMAT, LOSSLESS_VERSION } from './export/lossless.ts';
export { importText, guessFileFormat, resumeImports, SERIES_PER_APPEND, defaultMaxStagedBytes } from './import/import-text.ts';
export type { Appender, ImportFormat, ImportInput, ImportOptions, ImportProgress, ImportRejection, ImportSummary } from './import/types.ts';
export {
  createHubSnapshot,
  restoreHubSnapshot,
  listHubSnapshot,
  SnapshotError,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type CreateSnapshotOptions,
  type SnapshotProgress,
  type SnapshotSummary,
  type RestoreSnapshotOptions,
  type RestoreSummary,
  type SnapshotManifest,
  type SnapshotMember,
  type SnapshotErrorCode,
} from './backup/index.ts';
export {
  createIncident,
  openIncident,
  importIncident,
  importOpenedIncident,
  incidentText,
  dashboardSelectors,
  IncidentQueryable,
  IncidentError,
  INCIDENT_FORMAT,
  INCIDENT_VERSION,
  INCIDENT_LOOKBACK_MS,
  type CreateIncidentOptions,
  type CreateIncidentSummary,
  type IncidentInput,
  type OpenedIncident,
  type IncidentImportSummary,
  type IncidentDashboard,
  type IncidentHeader,
  type IncidentPanel,
  type IncidentSeries,
  type SelectorNeed,
} from './incident/index.ts';
