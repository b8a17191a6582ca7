// Takes a hub snapshot while the hub keeps ingesting: SQLite's online backup API copies the
// database a few pages per event-loop turn on the hub's own connection (the store holds the
// file with an exclusive lock, so no second connection could read it anyway; and writes made
// through the backup's own connection are applied to the copy as they happen instead of
// restarting it), then the copy, the rule files and the two config files go into one
// gzipped tar, written under a temporary name and renamed so the final name only ever
// holds a complete archive.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import {
  encodeManifest,
  MANIFEST_NAME,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotManifest,
  type SnapshotMember,
} from './manifest.ts';
import { memberNameProblem } from './safe-path.ts';
import { SnapshotError } from './snapshot-error.ts';
import { TarWriter } from './tar-writer.ts';

export const DATABASE_MEMBER = 'metrics.db';

export type SnapshotProgress =
  | { phase: 'database'; totalPages: number; remainingPages: number }
  | { phase: 'archive'; bytesDone: number; bytesTotal: number };

export interface CreateSnapshotOptions {
  onProgress?: (p: SnapshotProgress) => void;
  /** Pages copied per event-loop turn: small keeps ingest responsive, large finishes sooner. */
  pagesPerStep?: number;
  /** Rule files or folders (the hub's alerting.rulePaths); default <dataDir>/rules. */
  rulePaths?: string[];
  /** The notifier config (alerting.notifierConfigFile); default <dataDir>/alerting.yml. */
  notifierConfigFile?: string;
  /** More files or folders to include, relative to dataDir (kept at the same place). */
  extraFiles?: string[];
  /** Recorded in the manifest (the hub passes its HUB_VERSION). */
  hubVersion?: string;
}

export interface SnapshotSummary {
  file: string;
  /** Size of the archive on disk (compressed). */
  archiveBytes: number;
  manifest: SnapshotManifest;
  database: { bytes: number; pages: number; steps: number };
}

interface PlannedFile {
  name: string;
  data: Buffer;
}

export async function createHubSnapshot(
  db: Database.Database,
  dataDir: string,
  outFile: string,
  options: CreateSnapshotOptions = {},
): Promise<SnapshotSummary> {
  const outDir = dirname(outFile);
  // The staging folder sits beside the archive: same file system, so nothing crosses devices.
  const staging = await mkdtemp(join(outDir, '.snapshot-staging-'));
  const partial = join(outDir, `.${basename(outFile)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const copy = join(staging, DATABASE_MEMBER);
    let steps = 0;
    let pages = 0;
    await db.backup(copy, {
      progress: ({ totalPages, remainingPages }) => {
        steps++;
        pages = totalPages;
        options.onProgress?.({ phase: 'database', totalPages, remainingPages });
        return options.pagesPerStep ?? 256;
      },
    });
    const newestSampleMs = settleCopy(copy);
    const createdAt = new Date().toISOString();

    // Config and rule files are small: read once, so what is hashed is what is written.
    const files = await collectFiles(dataDir, options);
    const dbSize = (await stat(copy)).size;
    const members: SnapshotMember[] = [{ name: DATABASE_MEMBER, size: dbSize, sha256: await hashFile(copy) }];
    for (const f of files) members.push({ name: f.name, size: f.data.byteLength, sha256: sha256(f.data) });
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      createdAt,
      hubVersion: options.hubVersion ?? 'unknown',
      newestSampleMs,
      members,
    };

    const bytesTotal = members.reduce((n, m) => n + m.size, 0);
    let bytesDone = 0;
    const counted = (n: number) => {
      bytesDone += n;
      options.onProgress?.({ phase: 'archive', bytesDone, bytesTotal });
    };
    const gzip = createGzip();
    // 0o600: the database holds agent tokens and alert history.
    const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
    try {
      const tar = new TarWriter(gzip);
      const mtimeMs = Date.parse(createdAt);
      await tar.addBuffer(MANIFEST_NAME, encodeManifest(manifest), mtimeMs);
      await tar.addStream(DATABASE_MEMBER, dbSize, createReadStream(copy), mtimeMs, counted);
      for (const f of files) {
        await tar.addBuffer(f.name, f.data, mtimeMs);
        counted(f.data.byteLength);
      }
      await tar.finish();
      gzip.end();
    } catch (e) {
      gzip.destroy(e as Error);
      await written.catch(() => undefined);
      throw e;
    }
    await written;
    const handle = await open(partial, 'r');
    try {
      await handle.sync(); // on disk before it gets the final name
    } finally {
      await handle.close();
    }
    await rename(partial, outFile);
    return { file: outFile, archiveBytes: (await stat(outFile)).size, manifest, database: { bytes: dbSize, pages, steps } };
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Opens the copy as a store and closes it again: that replays its write-ahead rows, seals
 * every head into chunks and checkpoints the journal, so the archived file is one
 * self-contained SQLite file; then reads the newest sample time, which after sealing is the
 * largest `sealed_max_t` (late samples are older than their series' newest by definition).
 */
function settleCopy(copy: string): number | null {
  TimeSeriesStore.open({ path: copy }).close();
  const db = new Database(copy);
  try {
    const newest = db.prepare('SELECT max(sealed_max_t) FROM series').pluck().get() as number | null;
    return newest === null || newest <= -Number.MAX_SAFE_INTEGER ? null : newest;
  } finally {
    db.close();
  }
}

async function collectFiles(dataDir: string, options: CreateSnapshotOptions): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  const names = new Set<string>();
  const add = (name: string, data: Buffer, source: string) => {
    // Restore refuses such names, so refuse them here rather than write an unrestorable archive.
    const problem = memberNameProblem(name);
    if (problem)
      throw new SnapshotError(
        'source_missing',
        `${source} cannot be archived as ${name}: ${problem} (extra files must lie inside the data folder)`,
        source,
      );
    if (names.has(name))
      throw new SnapshotError(
        'source_missing',
        `two sources would both be archived as ${name} (the second is ${source}): give the rule files distinct names`,
        source,
      );
    names.add(name);
    out.push({ name, data });
  };
  for (const p of options.rulePaths ?? [join(dataDir, 'rules')]) {
    const s = await stat(p).catch(() => undefined);
    if (!s) continue; // a hub that never started has no rules folder yet
    if (s.isDirectory()) for (const f of await walk(p)) add(`rules/${toPosix(relative(p, f))}`, await readFile(f), f);
    else add(`rules/${basename(p)}`, await readFile(p), p);
  }
  for (const [name, path] of [
    ['alerting.yml', options.notifierConfigFile ?? join(dataDir, 'alerting.yml')],
    ['settings.yaml', join(dataDir, 'settings.yaml')],
  ] as const) {
    const data = await readFile(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (data) add(name, data, path);
  }
  for (const rel of options.extraFiles ?? []) {
    const path = join(dataDir, rel);
    const s = await stat(path).catch(() => undefined);
    if (!s) throw new SnapshotError('source_missing', `extra file ${rel} does not exist in the data folder`, path);
    if (s.isDirectory()) for (const f of await walk(path)) add(toPosix(relative(dataDir, f)), await readFile(f), f);
    else add(toPosix(relative(dataDir, path)), await readFile(path), path);
  }
  return out;
}

/** Regular files under `dir`, sorted, so the same folder always archives the same way. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
