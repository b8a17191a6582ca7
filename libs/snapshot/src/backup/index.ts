// Whole-hub snapshots: the store, rule files and config of a data folder as one archive.
export { createHubSnapshot, DATABASE_MEMBER, type CreateSnapshotOptions, type SnapshotProgress, type SnapshotSummary } from './create.ts';
export { restoreHubSnapshot, listHubSnapshot, type RestoreSnapshotOptions, type RestoreSummary } from './restore.ts';
export { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, MANIFEST_NAME, type SnapshotManifest, type SnapshotMember } from './manifest.ts';
export { SnapshotError, type SnapshotErrorCode } from './snapshot-error.ts';
