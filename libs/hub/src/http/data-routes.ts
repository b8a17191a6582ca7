// Data in and out of the hub over HTTP (what `hub export | import | snapshot` and the app use):
//
//   GET  /api/hub/v1/export?format=&selector=|query=&step=&start=&end=   streamed download
//   POST /api/hub/v1/import?format=&partial=&default_timestamp=&max_staged_bytes=&allow_old=
//                                                                        body: the text; the summary back (with
//                                                                        Accept: application/x-ndjson, progress lines first)
//   POST /api/hub/v1/snapshots                                          a whole-hub snapshot into <data>/snapshots/
//   GET  /api/hub/v1/snapshots                                          the snapshots there, with their manifests
//   GET  /api/hub/v1/snapshots/<name>                                   download one
//   GET  /api/hub/v1/archive                                            cold storage: folder, files, damaged ones
//   POST /api/hub/v1/archive/verify                                     read every archive file and check its checksums

import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDuration, parseTime } from '@metrics-hub/http-api';
import type { ArchiveStatus, ArchiveVerified, ImportLine, ImportSummary, SnapshotList, SnapshotTaken } from '@metrics-hub/hub-api';
import type { Engine } from '@metrics-hub/promql';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';
import {
  createHubSnapshot,
  EXPORT_FORMAT_INFO,
  EXPORT_FORMATS,
  exportSelection,
  importText,
  listHubSnapshot,
  type ExportFormat,
  type ImportFormat,
} from '@metrics-hub/snapshot';
import { fail, json } from './json.ts';
import { makePrivateDir } from '../file-modes.ts';
import { importStagingDir } from '../paths.ts';
import { importRetention } from './import-retention.ts';

/** Progress lines of a streamed import at most this often. */
const PROGRESS_EVERY_MS = 250;

export interface DataRoutesDeps {
  store: TimeSeriesStore;
  engine: Engine;
  dataDir: string;
  rulePaths: string[];
  notifierConfigFile: string;
  hubVersion: string;
  now: () => number;
  log: (line: string) => void;
}

export function createDataRoutes(d: DataRoutesDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const snapshots = join(d.dataDir, 'snapshots');
  // Exports a stopped hub was writing.
  for (const name of listDir(importStagingDir(d.dataDir)))
    if (/^export-.*\.tmp$/.test(name)) rmSync(join(importStagingDir(d.dataDir), name), { force: true });
  let snapshotting = false;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const p = url.searchParams;
    switch (url.pathname) {
      case '/api/hub/v1/export': {
        if (req.method !== 'GET') return fail(res, 405, 'use GET');
        const format = (p.get('format') || 'csv-long') as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) return fail(res, 400, `format must be one of ${EXPORT_FORMATS.join(', ')}`);
        const selector = p.get('selector');
        const query = p.get('query');
        if (!selector === !query) return fail(res, 400, 'give either selector= (raw samples) or query= with step= (a range query)');
        let startMs: number;
        let endMs: number;
        let stepMs = 0;
        try {
          endMs = p.get('end') ? parseTime(p.get('end')!) : d.now();
          startMs = p.get('start') ? parseTime(p.get('start')!) : endMs - 3_600_000;
          if (query) stepMs = parseDuration(p.get('step') || '60s');
        } catch (e) {
          return fail(res, 400, `${(e as Error).message}: times are RFC 3339 or Unix seconds, steps durations like 15s`);
        }
        // Written to a file first: checked before the first byte (a bad selection is an error
        // status, not a cut file), its length known (a client shows how far a download is),
        // and never held in memory (a day of a fleet is gigabytes of text).
        makePrivateDir(importStagingDir(d.dataDir));
        const file = join(importStagingDir(d.dataDir), `export-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
        const fd = openSync(file, 'w', 0o600);
        let bytes = 0;
        try {
          exportSelection(
            d.store,
            // Megabyte pieces: a file write per 64 KB cost a tenth of an export's time.
            {
              format,
              selection: selector ? { selector } : { query: query!, stepMs },
              startMs,
              endMs,
              engine: d.engine,
              chunkChars: 1 << 20,
            },
            (chunk) => {
              const b = Buffer.from(chunk);
              for (let at = 0; at < b.length; ) at += writeSync(fd, b, at);
              bytes += b.length;
            },
          );
        } catch (e) {
          rmSync(file, { force: true });
          return fail(res, 400, (e as Error).message);
        } finally {
          closeSync(fd);
        }
        const info = EXPORT_FORMAT_INFO[format];
        res.writeHead(200, {
          'content-type': info.contentType,
          'content-disposition': `attachment; filename="metrics-${new Date(endMs).toISOString().replace(/[:.]/g, '-')}.${info.extension}"`,
          'content-length': bytes,
        });
        // A client that goes away ends the read; the file goes either way.
        await pipeline(createReadStream(file), res)
          .catch(() => undefined)
          .finally(() => rmSync(file, { force: true }));
        return true;
      }
      case '/api/hub/v1/import': {
        if (req.method !== 'POST') return fail(res, 405, 'use POST with the file as the body');
        const length = Number(req.headers['content-length']);
        // A stream's format cannot be told from its end (OpenMetrics' # EOF) before reading it all.
        const format = (p.get('format') || formatOfContentType(req.headers['content-type'])) as ImportFormat | undefined;
        if (!format)
          return fail(
            res,
            400,
            'say which format the body is in: format=prometheus|openmetrics|mhb-json (or a Content-Type of text/plain; version=0.0.4 or application/openmetrics-text)',
          );
        const limits: Record<string, number | undefined> = {};
        for (const name of ['max_staged_bytes']) {
          const v = p.get(name);
          if (v === null || v === '') continue;
          if (!/^[1-9][0-9]{0,14}$/.test(v)) return fail(res, 400, `${name} must be a positive whole number, not ${JSON.stringify(v)}`);
          limits[name] = Number(v);
        }
        // A client that asks for NDJSON gets progress lines while the import runs, then the
        // summary (the status is sent first, so it is 200 either way: see `committed`).
        const streaming = (req.headers.accept ?? '').includes('application/x-ndjson');
        let lastProgress = 0;
        if (streaming) {
          res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
          // Sent now: the client has the answer open before a refusal can come.
          res.flushHeaders();
        }
        const running = importText({ stream: req, totalBytes: Number.isFinite(length) ? length : undefined }, d.store, {
          format,
          partial: p.get('partial') === 'true',
          defaultTimestamp: p.get('default_timestamp') ? parseTime(p.get('default_timestamp')!) : undefined,
          maxStagedBytes: limits.max_staged_bytes,
          stagingDir: importStagingDir(d.dataDir),
          limitNames: {
            maxStagedBytes: 'max_staged_bytes; hub import --max-staged-bytes',
            partial: 'partial=true (hub import --partial)',
          },
          onProgress: (progress) => {
            if (!streaming || performance.now() - lastProgress < PROGRESS_EVERY_MS) return;
            lastProgress = performance.now();
            res.write(`${JSON.stringify({ progress } satisfies ImportLine)}\n`);
          },
          retention: importRetention(d.store, p.get('allow_old') === 'true', 'allow_old=true (hub import --allow-old)'),
          onCommit: ({ samples, series }) => d.log(`import: ${samples} samples in ${series} series read and checked; committing`),
        });
        const summary = await running.catch((e: Error) => e);
        // The store or the staging failed (a full disk...): said, in the stream once it is open.
        if (summary instanceof Error) {
          const error = `the import failed, nothing of it was acknowledged: ${summary.message}`;
          d.log(`import: ${error}`);
          if (!streaming) return fail(res, 500, error);
          res.end(`${JSON.stringify({ error } satisfies ImportLine)}\n`);
          return true;
        }
        d.log(
          summary.committed
            ? `import: committed, ${summary.appended} samples stored`
            : `import: refused, nothing stored: ${summary.error ?? `${summary.problemCount} problems`}`,
        );
        // Imported history may be past retention already: settle it now (into the archive
        // when cold storage is on, answering once that is done), not when new data next
        // crosses a chunk window.
        if (summary.committed) {
          d.store.applyRetention();
          await d.store.archiveSettled();
        }
        // A refusal can come before the whole body is read: what is left is read and dropped,
        // so the client gets the answer rather than a reset connection (hub import stops
        // sending when it sees the summary).
        const rest = req.complete ? Promise.resolve() : new Promise((resolve) => req.on('end', resolve).on('close', resolve).resume());
        if (streaming) res.write(`${JSON.stringify({ summary } satisfies ImportLine)}\n`);
        else json<ImportSummary>(res, summary.committed ? 200 : 400, summary);
        await rest;
        if (streaming) res.end();
        return true;
      }
      case '/api/hub/v1/archive':
      case '/api/hub/v1/archive/verify': {
        const status = d.store.archiveStatus();
        if (!status)
          return fail(res, 404, 'cold storage is off: set store.archive_dir in the hub config to move old data to archive files');
        if (url.pathname.endsWith('/verify')) {
          if (req.method !== 'POST') return fail(res, 405, 'use POST to check every archive file');
          const damaged = d.store.verifyArchive();
          d.log(`archive verify: ${status.files} files, ${damaged.length} damaged`);
          return json<ArchiveVerified>(res, 200, { ...d.store.archiveStatus()!, checked: status.files, damaged });
        }
        if (req.method !== 'GET') return fail(res, 405, 'use GET');
        return json<ArchiveStatus>(res, 200, status);
      }
      case '/api/hub/v1/snapshots': {
        if (req.method === 'GET') {
          const list: SnapshotList['snapshots'] = [];
          for (const name of existsDir(snapshots)
            ? readdirSync(snapshots)
                .filter((n) => n.endsWith('.tar.gz'))
                .sort()
            : []) {
            const file = join(snapshots, name);
            list.push({
              name,
              bytes: statSync(file).size,
              manifest: await listHubSnapshot(file).catch((e: Error) => ({ error: e.message })),
            });
          }
          return json<SnapshotList>(res, 200, { folder: snapshots, snapshots: list });
        }
        if (req.method !== 'POST') return fail(res, 405, 'use POST to take a snapshot, GET to list them');
        if (snapshotting) return fail(res, 409, 'a snapshot is being taken already: wait for it');
        snapshotting = true;
        try {
          makePrivateDir(snapshots);
          const file = join(snapshots, `hub-${new Date(d.now()).toISOString().replace(/[:.]/g, '-')}.tar.gz`);
          const summary = await createHubSnapshot(d.store.database, d.dataDir, file, {
            hubVersion: d.hubVersion,
            rulePaths: d.rulePaths,
            notifierConfigFile: d.notifierConfigFile,
          });
          d.log(`snapshot: ${file} (${summary.archiveBytes} bytes)`);
          return json<SnapshotTaken>(res, 201, summary);
        } catch (e) {
          return fail(res, 500, `snapshot failed: ${(e as Error).message}`);
        } finally {
          snapshotting = false;
        }
      }
    }
    const m = /^\/api\/hub\/v1\/snapshots\/([A-Za-z0-9._-]+\.tar\.gz)$/.exec(url.pathname);
    if (!m) return false;
    if (req.method !== 'GET') return fail(res, 405, 'use GET');
    const file = join(snapshots, m[1]);
    if (!existsFile(file)) return fail(res, 404, `no snapshot ${m[1]}`);
    res.writeHead(200, {
      'content-type': 'application/gzip',
      'content-disposition': `attachment; filename="${m[1]}"`,
      'content-length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
    return true;
  };
}

function formatOfContentType(type: string | undefined): ImportFormat | undefined {
  if (!type) return undefined;
  if (type.startsWith('application/openmetrics-text')) return 'openmetrics';
  if (type.startsWith('application/x-ndjson')) return 'mhb-json';
  if (type.startsWith('text/plain') && /version=0\.0\.4/.test(type)) return 'prometheus';
  return undefined;
}

function listDir(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}

function existsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
