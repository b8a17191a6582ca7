// Snapshots of a real SQLite store: taken while appends keep arriving, restored into a
// fresh folder, and refused when damaged or hostile.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@metrics-hub/testing';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { createHubSnapshot, listHubSnapshot, restoreHubSnapshot, SnapshotError, type SnapshotProgress } from './index.ts';
import { encodeManifest, SNAPSHOT_FORMAT, type SnapshotManifest } from './manifest.ts';
import { encodeHeader, endOfArchive, padding } from './tar-writer.ts';
import { sha256 } from './create.ts';

const T0 = Date.UTC(2024, 0, 1);
const STEP = 10_000;
const SERIES = 100;

const removals: (() => unknown)[] = [];
const stores: TimeSeriesStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const remove of removals.splice(0)) remove();
});

function openStore(dataDir: string): TimeSeriesStore {
  mkdirSync(dataDir, { recursive: true });
  const s = TimeSeriesStore.open({ path: join(dataDir, 'metrics.db') });
  stores.push(s);
  return s;
}

/** Appends `count` timestamps from index `first` to every series; returns the last timestamp. */
function appendSteps(store: TimeSeriesStore, first: number, count: number): number {
  const timestamps = Array.from({ length: count }, (_, i) => T0 + (first + i) * STEP);
  store.append(
    Array.from({ length: SERIES }, (_, s) => ({
      labels: { __name__: 'load', host: `h${s}` },
      timestamps,
      // Irregular values so chunks do not compress to nothing and the file spans many pages.
      values: timestamps.map((t, i) => Math.sin(t / 7_919 + s) * 1000 + (((first + i) * 31 + s) % 97)),
    })),
  );
  return timestamps[timestamps.length - 1];
}

function countUpTo(store: TimeSeriesStore, host: string, maxt: number): number {
  let n = 0;
  for (const series of store.select([{ name: 'host', type: '=', value: host }], T0, maxt)) for (const b of series.blocks()) n += b.length;
  return n;
}

function seedConfig(dataDir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'rules/node.yml': Buffer.from('groups:\n  - name: node\n    rules:\n      - alert: HostDown\n        expr: up == 0\n'),
    'rules/extra/cpu.yaml': Buffer.from('groups: []\n# ünïcode and a trailing space \n'),
    'alerting.yml': Buffer.from('route:\n  receiver: desk\nreceivers:\n  - name: desk\n    desktop_configs: [{}]\n# ALERTING-MARKER\n'),
    'settings.yaml': Buffer.from('store.retention: 30d\n'),
  };
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dataDir, name, '..'), { recursive: true });
    writeFileSync(join(dataDir, name), data);
  }
  return files;
}

async function refusal(p: Promise<unknown>): Promise<SnapshotError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SnapshotError);
  return e as SnapshotError;
}

describe('createHubSnapshot under concurrent ingest', () => {
  it('restores every sample acknowledged before the snapshot began, and a whole database', async () => {
    const src = tempDir('snapshot-', removals).file('data');
    const store = openStore(src);
    let next = 0;
    for (; next < 4000; next += 500) appendSteps(store, next, 500); // 400k samples
    const lastBefore = T0 + (next - 1) * STEP;

    // Keep ingesting from a timer and from inside the copy's own steps.
    let appendsDuring = 0;
    const ingest = () => {
      appendSteps(store, next, 3);
      next += 3;
      appendsDuring++;
    };
    const timer = setInterval(ingest, 1);
    const progress: SnapshotProgress[] = [];
    const out = tempDir('snapshot-', removals).file('hub.snapshot.tar.gz');
    let summary;
    try {
      summary = await createHubSnapshot(store.database, src, out, {
        pagesPerStep: 4,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'database' && p.remainingPages > 0) ingest();
        },
      });
    } finally {
      clearInterval(timer);
    }
    const dbSteps = progress.filter((p) => p.phase === 'database');
    expect(dbSteps.length).toBeGreaterThan(5);
    expect(appendsDuring).toBeGreaterThan(5);
    expect(summary.manifest.newestSampleMs).toBeGreaterThan(lastBefore);
    expect(existsSync(out)).toBe(true);

    const restored = tempDir('snapshot-', removals).file('restored');
    const r = await restoreHubSnapshot(out, restored);
    expect(r.restored).toContain('metrics.db');

    const raw = new Database(join(restored, 'metrics.db'));
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const copy = openStore(restored);
    const newest = summary.manifest.newestSampleMs!;
    for (const host of ['h0', 'h42', `h${SERIES - 1}`]) {
      // Nothing missing up to the snapshot's start...
      expect(countUpTo(copy, host, lastBefore)).toBe(4000);
      // ...nor in what was appended while it ran, up to the newest sample it records.
      expect(countUpTo(copy, host, newest)).toBe((newest - T0) / STEP + 1);
      expect(countUpTo(copy, host, newest + 1_000 * STEP)).toBe((newest - T0) / STEP + 1);
    }
  });
});

describe('snapshot contents and refusals', () => {
  async function makeSnapshot(): Promise<{ src: string; out: string; files: Record<string, Buffer>; manifest: SnapshotManifest }> {
    const src = tempDir('snapshot-', removals).file('data');
    const store = openStore(src);
    appendSteps(store, 0, 50);
    const files = seedConfig(src);
    mkdirSync(join(src, 'local-agent'), { recursive: true });
    writeFileSync(join(src, 'local-agent', 'buffer.seg'), 'not part of a snapshot');
    const out = tempDir('snapshot-', removals).file('snap.tar.gz');
    const { manifest } = await createHubSnapshot(store.database, src, out, { hubVersion: '9.9.9' });
    return { src, out, files, manifest };
  }

  it('holds the rule files, alerting.yml and settings.yaml byte-identical, and lists them', async () => {
    const { out, files, manifest } = await makeSnapshot();
    const listed = await listHubSnapshot(out);
    expect(listed).toEqual(manifest);
    expect(listed.format).toBe(SNAPSHOT_FORMAT);
    expect(listed.hubVersion).toBe('9.9.9');
    expect(listed.newestSampleMs).toBe(T0 + 49 * STEP);
    expect(listed.members.map((m) => m.name).sort()).toEqual([
      'alerting.yml',
      'metrics.db',
      'rules/extra/cpu.yaml',
      'rules/node.yml',
      'settings.yaml',
    ]);

    const restored = tempDir('snapshot-', removals).file('fresh');
    await restoreHubSnapshot(out, restored);
    for (const [name, data] of Object.entries(files)) expect(readFileSync(join(restored, name)).equals(data), name).toBe(true);
    expect(existsSync(join(restored, 'local-agent'))).toBe(false);
    for (const m of listed.members) expect(sha256(readFileSync(join(restored, m.name))), m.name).toBe(m.sha256);
  });

  it('refuses a damaged archive, naming the member, and leaves no folder behind', async () => {
    const { out } = await makeSnapshot();
    const tar = gunzipSync(readFileSync(out));
    const at = tar.indexOf('ALERTING-MARKER');
    expect(at).toBeGreaterThan(0);
    tar[at] ^= 0x01;
    const damaged = tempDir('snapshot-', removals).file('damaged.tar.gz');
    writeFileSync(damaged, gzipSync(tar));
    const target = tempDir('snapshot-', removals).file('never');
    const e = await refusal(restoreHubSnapshot(damaged, target));
    expect(e.code).toBe('archive_damaged');
    expect(e.member).toBe('alerting.yml');
    expect(e.message).toMatch(/alerting\.yml.*sha256/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses an archive cut short inside the gzip stream', async () => {
    const { out } = await makeSnapshot();
    const cut = tempDir('snapshot-', removals).file('cut.tar.gz');
    const bytes = readFileSync(out);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    const e = await refusal(restoreHubSnapshot(cut, tempDir('snapshot-', removals).file('never')));
    expect(e.code).toBe('archive_damaged');
  });

  function hostileArchive(listed: string, actual: string): string {
    const payload = Buffer.from('pwned\n');
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT,
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      hubVersion: 'x',
      newestSampleMs: null,
      members: [{ name: listed, size: payload.byteLength, sha256: sha256(payload) }],
    };
    const m = encodeManifest(manifest);
    const tar = Buffer.concat([
      encodeHeader({ name: 'snapshot.json', size: m.byteLength, type: 'file' }),
      m,
      padding(m.byteLength),
      encodeHeader({ name: actual, size: payload.byteLength, type: 'file' }),
      payload,
      padding(payload.byteLength),
      endOfArchive(),
    ]);
    const file = tempDir('snapshot-', removals).file('evil.tar.gz');
    writeFileSync(file, gzipSync(tar));
    return file;
  }

  it('refuses ../ and absolute member names, writing nothing outside the target', async () => {
    const parent = tempDir('snapshot-', removals).path;
    for (const [listed, actual] of [
      ['../evil', '../evil'],
      ['metrics.db', '../evil'],
      ['metrics.db', '/tmp/evil-abs'],
    ]) {
      const e = await refusal(restoreHubSnapshot(hostileArchive(listed, actual), join(parent, 'target')));
      expect(e.code).toBe('archive_unsafe');
      expect(e.member).toBe(listed === '../evil' ? '../evil' : actual);
      expect(existsSync(join(parent, 'evil'))).toBe(false);
      expect(existsSync(join(parent, 'target'))).toBe(false);
    }
    expect(existsSync('/tmp/evil-abs')).toBe(false);
  });

  it('refuses a non-empty data folder, naming what is in it and what to do', async () => {
    const { out } = await makeSnapshot();
    const target = tempDir('snapshot-', removals).path;
    writeFileSync(join(target, 'metrics.db'), 'live data');
    const e = await refusal(restoreHubSnapshot(out, target));
    expect(e.code).toBe('data_dir_not_empty');
    expect(e.message).toMatch(/metrics\.db/);
    expect(e.message).toMatch(/new or empty folder/);
    expect(readFileSync(join(target, 'metrics.db'), 'utf8')).toBe('live data');
    // An existing but empty folder is fine.
    const empty = tempDir('snapshot-', removals).path;
    await restoreHubSnapshot(out, empty);
    expect(existsSync(join(empty, 'metrics.db'))).toBe(true);
  });

  it('refuses extra files outside the data folder when creating', async () => {
    const src = tempDir('snapshot-', removals).file('data');
    const store = openStore(src);
    writeFileSync(join(src, '..', 'outside'), 'secret');
    const e = await refusal(
      createHubSnapshot(store.database, src, tempDir('snapshot-', removals).file('x.tar.gz'), { extraFiles: ['../outside'] }),
    );
    expect(e.code).toBe('source_missing');
    expect(e.message).toMatch(/inside the data folder/);
  });

  it('refuses a file that is not a snapshot', async () => {
    const file = tempDir('snapshot-', removals).file('other.tar.gz');
    const data = Buffer.from('hello');
    writeFileSync(
      file,
      gzipSync(Buffer.concat([encodeHeader({ name: 'readme.txt', size: 5, type: 'file' }), data, padding(5), endOfArchive()])),
    );
    expect((await refusal(listHubSnapshot(file))).code).toBe('archive_unsupported');
  });
});
