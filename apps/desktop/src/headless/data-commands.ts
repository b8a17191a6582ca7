// `hub export | import | snapshot | restore`: the first three talk to the running hub over
// its HTTP API (the store is single-writer: a second process cannot open it), with
// progress on stderr; `restore` works offline, into a fresh data folder.

import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { guessFileFormat, restoreHubSnapshot } from '@metrics-hub/snapshot';
import { CLIENT_HEADER, loopbackFor, readApiToken, type HubConfig } from '@metrics-hub/hub';
import type {
  ArchiveStatus,
  HubError,
  ImportLine,
  ImportProgress,
  ImportSummary,
  IncidentImport,
  IncidentRequest,
  SnapshotList,
  SnapshotTaken,
} from '@metrics-hub/hub-api';

/** `--name value` pairs after the command. */
export function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    const takesValue = next !== undefined && !next.startsWith('--');
    out.set(argv[i].slice(2), takesValue ? next : 'true');
    if (takesValue) i++;
  }
  return out;
}

function hubUrl(config: HubConfig): { base: string; headers: Record<string, string> } {
  const { host, port } = config.http.listen;
  // hub.yaml's token, or the one the desktop app keeps in the data folder.
  const token = config.http.token ?? readApiToken(config.dataDir);
  // The hub refuses changes a web page could send; this header says a program sends them.
  const headers: Record<string, string> = { [CLIENT_HEADER]: '1', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return { base: `http://${loopbackFor(host)}:${port}/api/hub/v1`, headers };
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
}

/**
 * POSTs a file as the body, read as fast as the hub takes it (fetch would read a big file
 * into memory ahead of a slow hub: gigabytes).
 */
function upload(
  config: HubConfig,
  what: string,
  path: string,
  file: string,
  extra: Record<string, string> = {},
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const { base, headers } = hubUrl(config);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method: 'POST', headers: { ...headers, ...extra, 'content-length': statSync(file).size } },
      (res) => resolve({ req, res }),
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `${what}: the hub is not reachable at ${base} (${e.code ?? e.message}): start it with \`hub serve\` (or npm start) using the same config`,
        ),
      ),
    );
    createReadStream(file).on('error', reject).pipe(req);
  });
}

async function text(res: IncomingMessage): Promise<string> {
  let out = '';
  res.setEncoding('utf8');
  for await (const piece of res as AsyncIterable<string>) out += piece;
  return out;
}

async function call(config: HubConfig, what: string, path: string, init: RequestInit = {}): Promise<Response> {
  const { base, headers } = hubUrl(config);
  try {
    return await fetch(`${base}${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
      duplex: 'half',
    } as RequestInit);
  } catch (e) {
    // fetch says "fetch failed" for network errors only; anything else is ours to report as is.
    if ((e as Error).message !== 'fetch failed') throw e;
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? 'no answer';
    throw new Error(
      `${what}: the hub is not reachable at ${base} (${cause}): start it with \`hub serve\` (or npm start) using the same config`,
    );
  }
}

export async function exportCommand(config: HubConfig, argv: string[]): Promise<number> {
  const f = flags(argv);
  const params = new URLSearchParams();
  for (const k of ['format', 'selector', 'query', 'step', 'start', 'end']) if (f.has(k)) params.set(k, f.get(k)!);
  const res = await call(config, 'export', `/export?${params}`);
  if (!res.ok) {
    console.error(`export refused: ${((await res.json()) as HubError).error}`);
    return 1;
  }
  const out = f.get('out');
  let bytes = 0;
  const body = Readable.fromWeb(res.body as never).on('data', (c: Buffer) => {
    bytes += c.length;
    progress(`export: ${(bytes / 1e6).toFixed(1)} MB`);
  });
  await pipeline(body, out ? createWriteStream(out) : process.stdout);
  progress('');
  if (out) console.error(`export: ${bytes} bytes written to ${out}`);
  return 0;
}

export async function importCommand(config: HubConfig, argv: string[]): Promise<number> {
  const f = flags(argv);
  // The first word that is neither a flag nor the value of one that takes a value.
  const valued = new Set(['--format', '--default-timestamp', '--max-staged-bytes']);
  const file = argv.find((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1]));
  if (!file) {
    console.error(
      'usage: hub import FILE [--format prometheus|openmetrics|mhb-json] [--partial] [--allow-old] [--default-timestamp TIME] [--max-staged-bytes BYTES]',
    );
    return 2;
  }
  const params = new URLSearchParams();
  params.set('format', f.get('format') ?? (await guessFileFormat(file)));
  if (f.has('partial')) params.set('partial', 'true');
  if (f.has('allow-old')) params.set('allow_old', 'true');
  if (f.has('default-timestamp')) params.set('default_timestamp', f.get('default-timestamp')!);
  if (f.has('max-staged-bytes')) params.set('max_staged_bytes', f.get('max-staged-bytes')!);
  const { req, res } = await upload(config, 'import', `/import?${params}`, file, { accept: 'application/x-ndjson' });
  // The summary can come before the whole file is sent (a refusal): then the rest is not.
  const summary = await importAnswer(res, () => req.destroy());
  progress('');
  // Refused before reading the file (no token, the hub's guard): its word, not a summary.
  if (!Array.isArray(summary.rejected)) {
    console.error(`import refused: ${summary.error ?? `HTTP ${res.statusCode}`}`);
    return 1;
  }
  console.log(
    `${summary.committed ? 'imported' : 'NOT imported (nothing was stored)'}: ${summary.samples} samples in ${summary.series} series`,
  );
  summary.rejected ??= [];
  const old = summary.pastRetention;
  if (summary.committed && old)
    console.log(`  ${old.samples} samples older than store.retention (at or before ${new Date(old.cutoffMs).toISOString()}): ${old.fate}`);
  if (summary.error && summary.rejected.length === 0) console.log(`  ${summary.error}`);
  for (const r of summary.rejected.slice(0, 20)) console.log(`  ${r.line !== undefined ? `${file}:${r.line}: ` : ''}${r.reason}`);
  if (summary.rejected.length > 20) console.log(`  ... and ${summary.rejected.length - 20} more`);
  if (!summary.committed && summary.rejected.length > 0) console.log('Fix the lines above, or pass --partial to store the good ones.');
  return summary.committed ? 0 : 1;
}

/**
 * The summary of an import, showing the hub's progress lines on the way (a hub that
 * refuses before reading answers with a plain JSON error instead).
 */
async function importAnswer(res: IncomingMessage, onSummary: () => void): Promise<Partial<ImportSummary> & { error?: string }> {
  if (!(res.headers['content-type'] ?? '').startsWith('application/x-ndjson')) return JSON.parse(await text(res)) as HubError;
  const shown = new ImportProgressLine();
  let summary: ImportSummary | undefined;
  let rest = '';
  res.setEncoding('utf8');
  try {
    for await (const piece of res as AsyncIterable<string>) {
      const lines = (rest + piece).split('\n');
      rest = lines.pop()!;
      for (const text of lines) {
        if (!text) continue;
        const line = JSON.parse(text) as ImportLine;
        if (line.error !== undefined) return { error: line.error };
        if (line.summary) summary = line.summary;
        else shown.show(line.progress);
      }
      if (summary) {
        onSummary();
        break;
      }
    }
  } catch (e) {
    // The connection cut once the summary is in is the upload stopping: not an error.
    if (!summary) throw e;
  }
  return summary ?? { error: 'the hub ended the answer without a summary: see its log' };
}

/** An import's progress on one terminal line, with its rate in each phase. */
class ImportProgressLine {
  private readonly started = performance.now();
  private committingSince = 0;

  show(p: ImportProgress): void {
    if (p.phase === 'reading') {
      const seconds = (performance.now() - this.started) / 1000;
      const of = p.totalBytes ? ` of ${mb(p.totalBytes)} (${Math.round((100 * p.bytesRead) / p.totalBytes)}%)` : '';
      progress(`import: reading ${mb(p.bytesRead)}${of}, ${millions(p.samples)} samples, ${millions(p.samples / seconds)} samples/s`);
    } else {
      this.committingSince ||= performance.now();
      const rate = p.committed / Math.max(0.001, (performance.now() - this.committingSince) / 1000);
      progress(`import: committing ${millions(p.committed)} of ${millions(p.samples)} samples, ${millions(rate)} samples/s`);
    }
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

function millions(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(Math.round(n));
}

export async function snapshotCommand(config: HubConfig, argv: string[]): Promise<number> {
  if (argv[0] === 'list') {
    const res = await call(config, 'snapshot list', '/snapshots');
    const body = (await res.json()) as SnapshotList;
    console.log(`${body.folder}:`);
    for (const s of body.snapshots) console.log(`  ${s.name}  ${(s.bytes / 1e6).toFixed(1)} MB`);
    return 0;
  }
  progress('snapshot: copying the database while the hub keeps running');
  const res = await call(config, 'snapshot', '/snapshots', { method: 'POST' });
  progress('');
  const body = (await res.json()) as Partial<SnapshotTaken & HubError>;
  if (!res.ok) {
    console.error(body.error);
    return 1;
  }
  console.log(
    `snapshot: ${body.file} (${((body.archiveBytes ?? 0) / 1e6).toFixed(1)} MB); restore it with \`hub restore ${body.file} --data-dir <an empty folder>\``,
  );
  return 0;
}

/** `hub archive` prints the cold storage's state; `hub archive verify` checks every file. */
export async function archiveCommand(config: HubConfig, argv: string[]): Promise<number> {
  const verify = argv[0] === 'verify';
  if (argv.length && !verify) {
    console.error('usage: hub archive [verify]');
    return 2;
  }
  if (verify) progress('archive: reading every file and checking its checksums');
  const res = await call(config, 'archive', verify ? '/archive/verify' : '/archive', verify ? { method: 'POST' } : {});
  if (verify) progress('');
  const body = (await res.json()) as ArchiveStatus & Partial<HubError>;
  if (!res.ok) {
    console.error(`archive: ${body.error}`);
    return 1;
  }
  const span = body.firstDay ? `${body.firstDay} to ${body.lastDay}` : 'no days yet';
  console.log(`archive: ${body.dir}\n  ${body.files} files, ${(body.bytes / 1e6).toFixed(1)} MB, ${span}`);
  if (body.archivedThrough !== undefined) console.log(`  archived through ${new Date(body.archivedThrough).toISOString()}`);
  if (body.lastError) console.log(`  last attempt failed: ${body.lastError}`);
  for (const d of body.damaged) console.log(`  DAMAGED ${d.file}: ${d.reason}`);
  if (body.damaged.length)
    console.log('  damaged files are left out of query results: restore them from a backup, or move them out of the folder');
  else if (verify) console.log('  every file passed its checksums');
  return body.damaged.length ? 1 : 0;
}

export async function restoreCommand(argv: string[]): Promise<number> {
  const archive = argv.find((a) => !a.startsWith('--'));
  const dataDir = flags(argv).get('data-dir');
  if (!archive || !dataDir) {
    console.error('usage: hub restore ARCHIVE --data-dir EMPTY_FOLDER   (then start the hub with hub.data_dir set to it)');
    return 2;
  }
  const summary = await restoreHubSnapshot(archive, dataDir, {
    onProgress: (p) => progress(`restore: ${p.member}: ${p.bytesDone} of ${p.bytesTotal} bytes`),
  });
  progress('');
  console.log(
    `restored ${summary.restored.length} files into ${summary.dataDir} (snapshot of ${summary.manifest.createdAt}); start the hub with hub.data_dir: ${summary.dataDir}`,
  );
  return 0;
}

/** `hub incident create --dashboard ID --start T --end T [--title T] --out FILE` | `hub incident import FILE`. */
export async function incidentCommand(config: HubConfig, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const f = flags(rest);
  if (sub === 'create' && f.has('dashboard') && f.has('out')) {
    const end = f.get('end') ?? new Date().toISOString();
    const start = f.get('start') ?? new Date(Date.parse(end) - 3_600_000).toISOString();
    const res = await call(config, 'incident', '/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        dashboardId: f.get('dashboard'),
        title: f.get('title') ?? `incident ${start} to ${end}`,
        start,
        end,
        gzip: true,
      } satisfies IncidentRequest),
    });
    if (!res.ok) {
      console.error(`incident refused: ${((await res.json()) as HubError).error}`);
      return 1;
    }
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(f.get('out')!));
    console.log(
      `incident: ${f.get('out')} (open it on any hub: hub incident import ${f.get('out')}, or POST it to /api/hub/v1/incidents/open for a read-only view)`,
    );
    return 0;
  }
  const file = rest.find((a) => !a.startsWith('--'));
  if (sub === 'import' && file) {
    const { res } = await upload(config, 'incident import', `/incidents/import${f.has('allow-old') ? '?allow_old=true' : ''}`, file);
    const body = JSON.parse(await text(res)) as Partial<Pick<IncidentImport, 'dashboard' | 'summary'> & HubError>;
    if (res.statusCode !== 200) {
      console.error(`incident NOT imported (nothing was stored): ${body.error}`);
      return 1;
    }
    console.log(`incident imported: ${body.summary?.samples ?? 0} samples; dashboard ${body.dashboard?.id}`);
    // What the store refused after the file's own checks passed (e.g. samples ahead of the hub's clock).
    for (const r of body.summary?.rejected ?? []) console.log(`  ${r.reason}`);
    return 0;
  }
  console.error(
    'usage: hub incident create --dashboard ID [--start TIME] [--end TIME] [--title TEXT] --out FILE\n       hub incident import FILE [--allow-old]',
  );
  return 2;
}
