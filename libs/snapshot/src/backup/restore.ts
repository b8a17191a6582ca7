// Restores a hub snapshot into a fresh data folder: the archive is streamed once, each
// member checked against the manifest (name, size, sha256) while it is written to a staging
// folder beside the target; only when every member has checked out is the staging folder
// renamed to the target. A damaged or hostile archive therefore leaves nothing behind, and a
// hub started on the folder afterwards sees either the whole snapshot or no folder at all.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, mkdirSync, closeSync, openSync, writeSync, fsyncSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { decodeManifest, MANIFEST_NAME, MAX_MANIFEST_BYTES, type SnapshotManifest, type SnapshotMember } from './manifest.ts';
import { memberNameProblem } from './safe-path.ts';
import { SnapshotError } from './snapshot-error.ts';
import { readTar, TarFormatError, type EntrySink, type TarEntry } from './tar-reader.ts';
import { DATABASE_MEMBER } from './create.ts';

export interface RestoreSnapshotOptions {
  onProgress?: (p: { member: string; bytesDone: number; bytesTotal: number }) => void;
}

export interface RestoreSummary {
  dataDir: string;
  manifest: SnapshotManifest;
  /** Members written, in archive order. */
  restored: string[];
  bytes: number;
}

/** Reads only the manifest (the first member) of a snapshot. */
export async function listHubSnapshot(archive: string): Promise<SnapshotManifest> {
  let manifest: SnapshotManifest | undefined;
  await readArchive(
    archive,
    (entry) => {
      if (manifest) return 'stop';
      if (entry.name !== MANIFEST_NAME || entry.type !== 'file') throw notSnapshot(archive, entry.name);
      return collectManifest(archive, entry, (m) => (manifest = m));
    },
    () => manifest !== undefined,
  );
  if (!manifest) throw new SnapshotError('archive_unsupported', `the archive holds no ${MANIFEST_NAME}: it is not a hub snapshot`, archive);
  return manifest;
}

export async function restoreHubSnapshot(archive: string, dataDir: string, options: RestoreSnapshotOptions = {}): Promise<RestoreSummary> {
  await assertFresh(dataDir);
  await mkdir(dirname(dataDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dataDir), `.${basename(dataDir)}.restoring-`));
  let manifest: SnapshotManifest | undefined;
  const expected = new Map<string, SnapshotMember>();
  const restored: string[] = [];
  let bytesDone = 0;
  try {
    await readArchive(archive, (entry) => {
      if (!manifest) {
        if (entry.name !== MANIFEST_NAME || entry.type !== 'file') throw notSnapshot(archive, entry.name);
        return collectManifest(archive, entry, (m) => {
          manifest = m;
          for (const member of m.members) {
            const problem = memberNameProblem(member.name);
            if (problem || member.name === MANIFEST_NAME)
              throw new SnapshotError(
                'archive_unsafe',
                `the manifest lists a member that cannot be restored: ${problem ?? 'it reuses the manifest name'}`,
                archive,
                member.name,
              );
            expected.set(member.name, member);
          }
        });
      }
      const problem = memberNameProblem(entry.name);
      if (problem) throw new SnapshotError('archive_unsafe', `refusing to extract member: ${problem}`, archive, entry.name);
      if (entry.type === 'directory') {
        mkdirSync(join(staging, entry.name), { recursive: true });
        return undefined;
      }
      const member = expected.get(entry.name);
      if (!member)
        throw new SnapshotError(
          'archive_damaged',
          'the member is not listed in the manifest (the archive was altered, or it appears twice)',
          archive,
          entry.name,
        );
      expected.delete(entry.name);
      if (entry.size !== member.size)
        throw new SnapshotError(
          'archive_damaged',
          `the member holds ${entry.size} bytes, the manifest says ${member.size}`,
          archive,
          entry.name,
        );
      const bytesTotal = member.size;
      let memberDone = 0;
      return verifiedFile(
        join(staging, entry.name),
        member,
        archive,
        (n) => {
          memberDone += n;
          bytesDone += n;
          options.onProgress?.({ member: entry.name, bytesDone: memberDone, bytesTotal });
        },
        () => restored.push(entry.name),
      );
    });
    if (!manifest)
      throw new SnapshotError('archive_unsupported', `the archive holds no ${MANIFEST_NAME}: it is not a hub snapshot`, archive);
    const missing = [...expected.keys()];
    if (missing.length)
      throw new SnapshotError(
        'archive_damaged',
        `the archive lacks members its manifest lists: ${missing.join(', ')}`,
        archive,
        missing[0],
      );
    if (!restored.includes(DATABASE_MEMBER))
      throw new SnapshotError('archive_damaged', `the snapshot holds no ${DATABASE_MEMBER}`, archive, DATABASE_MEMBER);
    // An empty target folder (checked above) is replaced; rmdir fails if something appeared meanwhile.
    await rmdir(dataDir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    await rename(staging, dataDir);
    return { dataDir, manifest, restored, bytes: bytesDone };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Refuses a data folder that holds anything: a restore never merges into a live hub's files. */
async function assertFresh(dataDir: string): Promise<void> {
  const entries = await readdir(dataDir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
  if (entries.length) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, ... (${entries.length} entries)` : '');
    throw new SnapshotError(
      'data_dir_not_empty',
      `the data folder is not empty (${shown}): restore into a new or empty folder and point hub.data_dir at it, or stop the hub and move the folder aside first`,
      dataDir,
    );
  }
}

async function readArchive(archive: string, onEntry: (e: TarEntry) => EntrySink | undefined | 'stop', done?: () => boolean): Promise<void> {
  const input = createReadStream(archive);
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  let current: string | undefined;
  try {
    await readTar(input.pipe(gunzip), (entry) => {
      if (done?.()) return 'stop';
      current = entry.name;
      return onEntry(entry);
    });
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    if (e instanceof TarFormatError) throw new SnapshotError('archive_damaged', e.message, archive, e.member);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new SnapshotError('archive_unsupported', 'the file does not exist', archive);
    if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new SnapshotError(
        'archive_damaged',
        `the gzip stream is broken${current ? ` inside or after member ${current}` : ''} (${err.message}): the file is damaged or not a snapshot`,
        archive,
        current,
      );
    }
    throw e;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

function collectManifest(archive: string, entry: TarEntry, onManifest: (m: SnapshotManifest) => void): EntrySink {
  if (entry.size > MAX_MANIFEST_BYTES)
    throw new SnapshotError(
      'archive_unsupported',
      `${MANIFEST_NAME} is ${entry.size} bytes, far more than a manifest`,
      archive,
      MANIFEST_NAME,
    );
  const parts: Buffer[] = [];
  return {
    data: (chunk) => void parts.push(Buffer.from(chunk)),
    end: () => onManifest(decodeManifest(Buffer.concat(parts), archive)),
  };
}

/** Writes a member to `path`, hashing as it goes; at the end, a mismatch names the member. */
function verifiedFile(path: string, member: SnapshotMember, archive: string, onBytes: (n: number) => void, onDone: () => void): EntrySink {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'wx', 0o600);
  const hash: Hash = createHash('sha256');
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    data(chunk) {
      hash.update(chunk);
      for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd, chunk, at);
      onBytes(chunk.byteLength);
    },
    end() {
      try {
        fsyncSync(fd);
      } finally {
        close();
      }
      const got = hash.digest('hex');
      if (got !== member.sha256)
        throw new SnapshotError(
          'archive_damaged',
          `the member's sha256 is ${got}, the manifest says ${member.sha256}: the archive is damaged`,
          archive,
          member.name,
        );
      onDone();
    },
  };
}

function notSnapshot(archive: string, first: string): SnapshotError {
  return new SnapshotError(
    'archive_unsupported',
    `the first member is ${first}, not ${MANIFEST_NAME}: this is not a hub snapshot`,
    archive,
    first,
  );
}
