// Errors from making, reading and restoring snapshots: a code a caller can branch on, a
// message a user can act on, and where it happened (the archive and, when known, the member).

export type SnapshotErrorCode =
  | 'archive_damaged' // a member's bytes do not match the manifest, or the gzip/tar stream is broken
  | 'archive_unsafe' // a member name or type that could write outside the data folder
  | 'archive_unsupported' // not a hub snapshot, or a newer format than this build reads
  | 'data_dir_not_empty' // restore only ever fills a fresh folder
  | 'source_missing'; // a file the snapshot should include cannot be read

export class SnapshotError extends Error {
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
    /** The archive or folder concerned. */
    readonly file?: string,
    /** The archive member concerned, when there is one. */
    readonly member?: string,
  ) {
    super(file ? `${file}${member ? ` (${member})` : ''}: ${message}` : message);
    this.name = 'SnapshotError';
  }
}
