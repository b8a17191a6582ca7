// snapshot.json: the first member of every snapshot, so that listing an archive reads one
// block, and restoring can check every later member against it as it streams past.

import { SnapshotError } from './snapshot-error.ts';

export const MANIFEST_NAME = 'snapshot.json';
export const SNAPSHOT_FORMAT = 'metrics-hub-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
/** A manifest is small; a bigger first member is not one of ours. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface SnapshotMember {
  /** Path inside the archive and, on restore, inside the data folder ('rules/node.yml'). */
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  /** ISO time the snapshot was taken (its database copy completed). */
  createdAt: string;
  hubVersion: string;
  /** Newest sample time in the copied database (ms since the epoch), null when it holds none. */
  newestSampleMs: number | null;
  /** Every member but snapshot.json itself, in archive order. */
  members: SnapshotMember[];
}

export function encodeManifest(m: SnapshotManifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
}

/** Parses and checks a manifest; anything off is `archive_unsupported`, naming the problem. */
export function decodeManifest(bytes: Buffer, archive: string): SnapshotManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new SnapshotError('archive_damaged', `${MANIFEST_NAME} is not valid JSON (${(e as Error).message})`, archive, MANIFEST_NAME);
  }
  const m = raw as Partial<SnapshotManifest>;
  if (!m || typeof m !== 'object' || m.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError('archive_unsupported', `${MANIFEST_NAME} does not describe a metrics-hub snapshot`, archive, MANIFEST_NAME);
  }
  if (typeof m.formatVersion !== 'number' || m.formatVersion > SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(
      'archive_unsupported',
      `snapshot format ${m.formatVersion} is newer than this build reads (up to ${SNAPSHOT_FORMAT_VERSION}): restore it with a newer hub`,
      archive,
      MANIFEST_NAME,
    );
  }
  const members = Array.isArray(m.members) ? m.members : undefined;
  const good = members?.every(
    (x) =>
      x &&
      typeof x.name === 'string' &&
      Number.isSafeInteger(x.size) &&
      x.size >= 0 &&
      typeof x.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(x.sha256),
  );
  if (
    !members ||
    !good ||
    typeof m.createdAt !== 'string' ||
    typeof m.hubVersion !== 'string' ||
    !(m.newestSampleMs === null || typeof m.newestSampleMs === 'number')
  ) {
    throw new SnapshotError('archive_damaged', `${MANIFEST_NAME} is missing fields or has malformed ones`, archive, MANIFEST_NAME);
  }
  const seen = new Set<string>();
  for (const x of members) {
    if (seen.has(x.name)) throw new SnapshotError('archive_damaged', `${MANIFEST_NAME} lists ${x.name} twice`, archive, MANIFEST_NAME);
    seen.add(x.name);
  }
  return m as SnapshotManifest;
}
