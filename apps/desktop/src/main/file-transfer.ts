// Streaming files between the user's disk and the hub, for the Electron main process: a
// hub answer into a chosen file, a chosen file as a request body. Plain Node (node:http,
// node:fs) so it is tested against a real server and real files; main.ts only adds the
// dialogs and the IPC.
//
// A save writes to a hidden temporary name in the target's folder and renames it when the
// last byte is in: a cancelled, failed or cut-short save leaves no file behind (and leaves
// a file the user chose to replace as it was). The rename stays in one folder, so it is
// atomic on one file system.

import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HubFileRequest, ProgressListener, SaveOutcome, UploadOutcome } from '../common/file-transfer.ts';
import { CLIENT_HEADERS } from '../common/transport.ts';
import type { HubEndpoint } from './hub-client.ts';

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Progress is reported at most this often (and once more at the end); default 100 ms. */
  progressEveryMs?: number;
}

/** The hub's answer to an upload is JSON (an import summary with its rejected lines): more is cut. */
const MAX_ANSWER_BYTES = 8 << 20;
/** An error answer is a line or a few; more is not worth keeping. */
const MAX_ERROR_BYTES = 64 << 10;

/** The hidden name a save is written under until it is complete: same folder, so the rename is atomic. */
export function partialPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.part`);
}

/** Streams the hub's answer to `request` into `target`; never throws. */
export async function saveHubResponse(
  hub: HubEndpoint,
  request: HubFileRequest,
  target: string,
  o: TransferOptions = {},
): Promise<SaveOutcome> {
  const { signal } = o;
  if (signal?.aborted) return { status: 'cancelled' };
  let res: IncomingMessage;
  try {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    res = await send(
      hub,
      request.method,
      request.path,
      body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {},
      body,
      signal,
    );
  } catch (e) {
    return signal?.aborted ? { status: 'cancelled' } : { status: 'failed', error: `the hub does not answer: ${(e as Error).message}` };
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    // Refused before any file exists: nothing to clean up, the hub's own words to show.
    const text = await readAtMost(res, MAX_ERROR_BYTES).catch(() => '');
    return { status: 'failed', httpStatus: status, error: hubMessage(text, status) };
  }
  const total = contentLength(res);
  const progress = throttled(o.onProgress, o.progressEveryMs ?? 100);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      progress.report(bytes, total);
      done(null, chunk);
    },
  });
  const partial = partialPathFor(target);
  try {
    await pipeline(res, counter, createWriteStream(partial, { flags: 'wx' }), { signal });
    if (total !== null && bytes !== total) throw new Error(`the hub stopped sending after ${bytes} of ${total} bytes`);
    await rename(partial, target);
  } catch (e) {
    await rm(partial, { force: true }).catch(() => undefined);
    res.destroy();
    if (signal?.aborted) return { status: 'cancelled' };
    return { status: 'failed', error: saveErrorText(e as NodeJS.ErrnoException, target) };
  }
  progress.final(bytes, total);
  return { status: 'saved', file: target, bytes };
}

/** Streams `file` to the hub as the body of a POST to `path`; never throws. */
export async function uploadFileToHub(
  hub: HubEndpoint,
  path: string,
  file: string,
  contentType: string,
  o: TransferOptions = {},
): Promise<UploadOutcome> {
  const { signal } = o;
  if (signal?.aborted) return { status: 'cancelled' };
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    return { status: 'failed', error: `cannot read ${file}: ${(e as Error).message}` };
  }
  const progress = throttled(o.onProgress, o.progressEveryMs ?? 100);
  return new Promise<UploadOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      source.destroy();
      resolve(outcome);
    };
    let sent = 0;
    const req = httpRequest(`${hub.url}${path}`, {
      method: 'POST',
      headers: { ...CLIENT_HEADERS, authorization: `Bearer ${hub.token}`, 'content-type': contentType, 'content-length': String(size) },
      signal,
    });
    const source = createReadStream(file);
    source.on('data', (chunk) => {
      sent += chunk.length;
      progress.report(sent, size);
    });
    source.on('error', (e) => {
      req.destroy();
      settle({ status: 'failed', error: `reading ${file} failed: ${e.message}` });
    });
    // Every byte handed to the connection: the last report says so even between ticks.
    req.on('finish', () => progress.final(sent, size));
    req.on('error', (e) =>
      settle(signal?.aborted ? { status: 'cancelled' } : { status: 'failed', error: `the hub does not answer: ${e.message}` }),
    );
    req.on('response', (res) => {
      // The hub may answer before it has read everything (a 413, a refused format).
      readAtMost(res, MAX_ANSWER_BYTES).then(
        (text) => {
          const status = res.statusCode ?? 0;
          settle({ status: 'sent', response: { ok: status >= 200 && status <= 299, status, body: parseAnswer(text, status) } });
        },
        (e: Error) =>
          settle(signal?.aborted ? { status: 'cancelled' } : { status: 'failed', error: `the hub's answer broke off: ${e.message}` }),
      );
    });
    source.pipe(req);
  });
}

/** Writes bytes made in the main process (a captured chart) the same way: temporary name, then rename. */
export async function writeFileViaTemp(target: string, bytes: Uint8Array): Promise<SaveOutcome> {
  const partial = partialPathFor(target);
  try {
    await writeFile(partial, bytes, { flag: 'wx' });
    await rename(partial, target);
    return { status: 'saved', file: target, bytes: bytes.length };
  } catch (e) {
    await rm(partial, { force: true }).catch(() => undefined);
    return { status: 'failed', error: saveErrorText(e as NodeJS.ErrnoException, target) };
  }
}

function send(
  hub: HubEndpoint,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${hub.url}${path}`, {
      method,
      headers: { ...CLIENT_HEADERS, authorization: `Bearer ${hub.token}`, ...headers },
      signal,
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end(body);
  });
}

function contentLength(res: IncomingMessage): number | null {
  const n = Number(res.headers['content-length']);
  return res.headers['content-length'] !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

async function readAtMost(res: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    chunks.push(c);
    size += c.length;
    if (size >= max) {
      res.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function parseAnswer(text: string, status: number): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return status >= 200 && status <= 299 ? text : { status: 'error', error: text.slice(0, 300) };
  }
}

/** The hub's `error` field, or the start of its text, or the bare status. */
function hubMessage(text: string, status: number): string {
  const parsed = parseAnswer(text, status) as { error?: unknown } | undefined;
  if (parsed && typeof parsed.error === 'string' && parsed.error) return parsed.error;
  return text.trim().slice(0, 300) || `the hub answered HTTP ${status}`;
}

function saveErrorText(e: NodeJS.ErrnoException, target: string): string {
  const folder = dirname(target);
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `cannot write in ${folder}: choose another folder`;
    case 'ENOSPC':
      return `the disk holding ${folder} is full: free some space or choose another disk`;
    case 'ENOENT':
      return `the folder ${folder} does not exist any more: choose another`;
    default:
      return e.message;
  }
}

/** Reports at most every `everyMs`, the first chunk at once, and the last one always (final). */
function throttled(listener: ProgressListener | undefined, everyMs: number): { report: ProgressListener; final: ProgressListener } {
  let last = -Infinity;
  return {
    report(bytes, total) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      listener?.(bytes, total);
    },
    final(bytes, total) {
      listener?.(bytes, total);
    },
  };
}
