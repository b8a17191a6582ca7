// Writing API responses: Prometheus's JSON envelopes, gzip when the client accepts it
// and the body is worth compressing (Grafana asks for gzip, and matrices of many points
// shrink ten-fold), and never a throw: a response that cannot be written ends the socket.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { type ApiError, toApiError } from './api-error.ts';
import { errorJson, successJson } from './format.ts';

export interface SendOptions {
  /** Bodies from this many bytes are gzipped for clients that accept gzip (default 1024). */
  gzipMinBytes?: number;
  /** Extra response headers. */
  headers?: Readonly<Record<string, string>>;
}

export const DEFAULT_GZIP_MIN_BYTES = 1024;

/** Does the request's Accept-Encoding allow gzip (`gzip`, or `*`, with a non-zero q)? */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (!header) return false;
  for (const part of String(header).split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * Level 1 for every answer (here and in the query workers' encoded-answer.ts): on a 2.4 MB
 * matrix it takes 16 ms against 24 at level 3 and 81 at the default 6, for a body 5% larger
 * than level 3's (684 against 654 KB; 558 at 6). A hub's clients sit on its loopback or LAN,
 * where they wait for the compression, not for the bytes.
 */
export const GZIP_LEVEL = 1;

function gzipAsync(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(body, { level: GZIP_LEVEL }, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Sends JSON text with `status`, gzipped when the client accepts it and it is large. */
export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  json: string,
  options: SendOptions = {},
): Promise<void> {
  try {
    let body: Buffer = Buffer.from(json, 'utf8');
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Vary: 'Accept-Encoding', ...options.headers };
    if (body.length >= (options.gzipMinBytes ?? DEFAULT_GZIP_MIN_BYTES) && acceptsGzip(req)) {
      body = await gzipAsync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  } catch {
    // Headers already sent or the socket gone: nothing useful can reach the client.
    res.destroy();
  }
}

/** `{"status":"success","data":...}` with `data` serialized by JSON.stringify. */
export function sendSuccess(
  req: IncomingMessage,
  res: ServerResponse,
  data: unknown,
  annotations: { warnings?: readonly string[]; infos?: readonly string[] } = {},
  options: SendOptions = {},
): Promise<void> {
  return sendJson(req, res, 200, successJson(JSON.stringify(data ?? null), annotations.warnings, annotations.infos), options);
}

/** `{"status":"error","errorType":...,"error":...}` with the status Prometheus uses for the type. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: ApiError | unknown, options: SendOptions = {}): Promise<void> {
  const e = toApiError(error);
  return sendJson(req, res, e.status, errorJson(e.type, e.message), { ...options, headers: { ...options.headers, ...e.headers } });
}
