// Who may talk to the main process and what it may ask, as pure functions: the checks the
// `hub:request` and `transfer:*` handlers and the window's navigation handlers run (Electron's security
// checklist: validate every IPC sender, no navigation, no new windows, careful
// shell.openExternal).

import { basename } from 'node:path';
import type { CaptureRect, FileFilter, HubFileRequest } from '../common/file-transfer.ts';
import { isHubApiPath, type HubMethod } from '../common/transport.ts';
import { FILE_ID_PATTERN } from './transfer-jobs.ts';

/** The renderer's origin: a custom scheme served from the built files by the main process. */
export const APP_SCHEME = 'metrics-hub';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

const METHODS: ReadonlySet<string> = new Set<HubMethod>(['GET', 'POST', 'PUT', 'DELETE']);
/** Bigger request bodies are refused (dashboards and rule edits are far smaller). */
export const MAX_REQUEST_BODY_BYTES = 1 << 20;

function parse(url: string | undefined): URL | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether a URL belongs to the app's own pages (the sender frame of an IPC message, a navigation target). */
export function isAppUrl(url: string | undefined): boolean {
  const u = parse(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
}

/** The parts of an IPC event the sender checks read (Electron's IpcMainEvent and IpcMainInvokeEvent have them). */
export interface IpcSender {
  sender: unknown;
  senderFrame?: { url: string } | null;
}

/** Whether a message came from the app's window (`windowContents`, its webContents; undefined before it exists). */
export function isFromWindow(windowContents: object | undefined, event: IpcSender): boolean {
  return !!windowContents && event.sender === windowContents;
}

/** Whether a message came from the app's window and from one of the app's own pages there. */
export function isFromAppPage(windowContents: object | undefined, event: IpcSender): boolean {
  return isFromWindow(windowContents, event) && isAppUrl(event.senderFrame?.url);
}

export type HubRequestCheck = { ok: true; method: HubMethod; path: string; body: unknown } | { ok: false; status: number; error: string };

/**
 * Checks a `hub:request` from the renderer: a sender frame of the app's origin, a known
 * method, a path under the hub's API that stays there once a URL parser normalises it
 * (no `..`, encoded or not, no backslashes), a JSON-serialisable body of bounded size.
 */
export function checkHubRequest(senderUrl: string | undefined, method: unknown, path: unknown, body: unknown): HubRequestCheck {
  if (!isAppUrl(senderUrl)) return refusedSender(senderUrl);
  if (typeof method !== 'string' || !METHODS.has(method)) return { ok: false, status: 405, error: `refused: method ${String(method)}` };
  const pathProblem = apiPathProblem(path);
  if (pathProblem) return { ok: false, status: 400, error: pathProblem };
  if (body !== undefined) {
    const bodyProblem = jsonBodyProblem(body);
    if (bodyProblem) return { ok: false, status: bodyProblem.status, error: bodyProblem.error };
    if (method === 'GET') return { ok: false, status: 400, error: 'refused: a GET has no body' };
  }
  return { ok: true, method: method as HubMethod, path: path as string, body };
}

function refusedSender(senderUrl: string | undefined): { ok: false; status: 403; error: string } {
  return { ok: false, status: 403, error: `refused: the request came from ${senderUrl ?? 'an unknown frame'}, not from the app` };
}

/**
 * Why a path is not one of the hub's API (undefined when it is): under /api/, and still
 * there once a URL parser normalises it (no `..`, encoded or not, no backslashes).
 */
function apiPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length > 8192 || !isHubApiPath(path))
    return `refused: ${typeof path === 'string' ? path.slice(0, 200) : typeof path} is not a path of the hub's API`;
  const pathname = path.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return `refused: ${pathname} has a broken percent-encoding`;
  }
  if (decoded.includes('..') || decoded.includes('\\') || /[\0-\x1f]/.test(decoded) || new URL(path, 'http://hub').pathname !== pathname) {
    return `refused: ${pathname} leaves the hub's API once decoded`;
  }
  return undefined;
}

function jsonBodyProblem(body: unknown): { status: number; error: string } | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    json = undefined;
  }
  if (json === undefined) return { status: 400, error: 'refused: the body is not JSON' };
  if (Buffer.byteLength(json) > MAX_REQUEST_BODY_BYTES)
    return { status: 413, error: `refused: the body is over ${MAX_REQUEST_BODY_BYTES} bytes` };
  return undefined;
}

// --- file transfers (transfer:* channels) ------------------------------------------------

/** The endpoints that take a file as their body; an upload anywhere else is refused. */
export const UPLOAD_PATHS: readonly string[] = ['/api/hub/v1/import', '/api/hub/v1/incidents/open', '/api/hub/v1/incidents/import'];
export const MAX_FILE_NAME_CHARS = 200;
/** The biggest file the window may send through the main process; the hub has its own limits (256 MiB for an incident file). */
export const MAX_UPLOAD_BYTES = 2 ** 31;

export type TransferCheck<T> = ({ ok: true } & T) | { ok: false; error: string };

/** A job number the window chose: a positive safe integer. */
export function isJobNumber(job: unknown): job is number {
  return Number.isSafeInteger(job) && (job as number) > 0;
}

/**
 * A name to offer in a save dialog: a plain file name (no folders, no control or
 * reserved characters, no leading dot), at most MAX_FILE_NAME_CHARS; undefined if
 * nothing usable is left.
 */
export function safeFileName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const plain = name
    .replace(/[\0-\x1f\x7f<>:"/\\|?*]+/g, '-')
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, MAX_FILE_NAME_CHARS);
  return plain || undefined;
}

export function checkSaveRequest(
  senderUrl: string | undefined,
  job: unknown,
  request: unknown,
  suggestedName: unknown,
): TransferCheck<{ job: number; request: HubFileRequest; name: string }> {
  if (!isAppUrl(senderUrl)) return refusedSender(senderUrl);
  if (!isJobNumber(job)) return { ok: false, error: `refused: job ${String(job)} is not a positive integer` };
  const r = request as Partial<HubFileRequest> | null;
  if (typeof r !== 'object' || r === null) return { ok: false, error: 'refused: the request is not {method, path, body?}' };
  if (r.method !== 'GET' && r.method !== 'POST')
    return { ok: false, error: `refused: a save reads a GET or a POST, not ${String(r.method)}` };
  const pathProblem = apiPathProblem(r.path);
  if (pathProblem) return { ok: false, error: pathProblem };
  if (r.body !== undefined) {
    if (r.method === 'GET') return { ok: false, error: 'refused: a GET has no body' };
    const bodyProblem = jsonBodyProblem(r.body);
    if (bodyProblem) return { ok: false, error: bodyProblem.error };
  }
  const name = safeFileName(suggestedName);
  if (!name) return { ok: false, error: 'refused: no file name to suggest' };
  return { ok: true, job, request: { method: r.method, path: r.path as string, ...(r.body !== undefined ? { body: r.body } : {}) }, name };
}

export function checkChooseRequest(
  senderUrl: string | undefined,
  title: unknown,
  filters: unknown,
): TransferCheck<{ title: string; filters: FileFilter[] }> {
  if (!isAppUrl(senderUrl)) return refusedSender(senderUrl);
  if (typeof title !== 'string' || title.length > 200) return { ok: false, error: 'refused: the dialog title is not a short string' };
  if (!Array.isArray(filters) || filters.length > 8) return { ok: false, error: 'refused: filters are a list of at most 8' };
  const checked: FileFilter[] = [];
  for (const f of filters as Partial<FileFilter>[]) {
    if (
      typeof f !== 'object' ||
      f === null ||
      typeof f.name !== 'string' ||
      f.name.length > 100 ||
      !Array.isArray(f.extensions) ||
      f.extensions.length > 10 ||
      !f.extensions.every((x) => typeof x === 'string' && /^(\*|[A-Za-z0-9]{1,16})$/.test(x))
    ) {
      return { ok: false, error: 'refused: a filter is {name, extensions: ["csv", ...]} (letters and digits, or "*")' };
    }
    checked.push({ name: f.name, extensions: [...f.extensions] });
  }
  return { ok: true, title, filters: checked };
}

/** Why a chosen file cannot be sent through the window (over MAX_UPLOAD_BYTES), or undefined. */
export function uploadSizeProblem(path: string, bytes: number): string | undefined {
  if (bytes <= MAX_UPLOAD_BYTES) return undefined;
  return `${basename(path)} is ${bytes} bytes, over the ${MAX_UPLOAD_BYTES} this window sends: use \`hub import\` on the hub's machine`;
}

export function checkUploadRequest(
  senderUrl: string | undefined,
  job: unknown,
  fileId: unknown,
  path: unknown,
  contentType: unknown,
): TransferCheck<{ job: number; fileId: string; path: string; contentType: string }> {
  if (!isAppUrl(senderUrl)) return refusedSender(senderUrl);
  if (!isJobNumber(job)) return { ok: false, error: `refused: job ${String(job)} is not a positive integer` };
  if (typeof fileId !== 'string' || !FILE_ID_PATTERN.test(fileId)) return { ok: false, error: 'refused: not the id of a chosen file' };
  const pathProblem = apiPathProblem(path);
  if (pathProblem) return { ok: false, error: pathProblem };
  const pathname = (path as string).split('?')[0];
  if (!UPLOAD_PATHS.includes(pathname))
    return { ok: false, error: `refused: ${pathname} does not take a file (${UPLOAD_PATHS.join(', ')} do)` };
  if (
    typeof contentType !== 'string' ||
    contentType.length > 200 ||
    !/^[a-z0-9.+-]+\/[a-z0-9.+-]+(\s*;\s*[a-z0-9_-]+=[a-z0-9._-]+)*$/i.test(contentType)
  ) {
    return { ok: false, error: 'refused: the content type is not a plain media type' };
  }
  return { ok: true, job, fileId, path: path as string, contentType };
}

/** The part of the window to capture: whole CSS pixels, inside a window no bigger than 16384 square. */
export function checkCaptureRequest(
  senderUrl: string | undefined,
  rect: unknown,
  suggestedName: unknown,
): TransferCheck<{ rect: CaptureRect; name: string }> {
  if (!isAppUrl(senderUrl)) return refusedSender(senderUrl);
  const r = rect as Partial<CaptureRect> | null;
  const n = (v: unknown, min: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= 16384;
  if (typeof r !== 'object' || r === null || !n(r.x, 0) || !n(r.y, 0) || !n(r.width, 1) || !n(r.height, 1))
    return { ok: false, error: 'refused: the capture is not {x, y, width, height} inside the window' };
  const name = safeFileName(suggestedName);
  if (!name) return { ok: false, error: 'refused: no file name to suggest' };
  return { ok: true, rect: { x: Math.floor(r.x!), y: Math.floor(r.y!), width: Math.ceil(r.width!), height: Math.ceil(r.height!) }, name };
}

/** Navigation inside the window: only the app's own pages. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The URL to hand to the system browser (shell.openExternal) for a link the app opened,
 * or undefined: http(s) only, no user:password@, at most 2048 characters.
 */
export function externalUrlToOpen(url: string): string | undefined {
  if (url.length > 2048) return undefined;
  const u = parse(url);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.hostname) return undefined;
  return u.href;
}
