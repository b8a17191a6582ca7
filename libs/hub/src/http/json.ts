// Small JSON request/response helpers for the hub's own endpoints. What goes over the
// wire is @metrics-hub/hub-api's: every answer names its type there, every request body
// is read by the names its type gives.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubError, Unchecked } from '@metrics-hub/hub-api';

const MAX_BODY = 64 * 1024;

/**
 * Answers with `body` as JSON; true, as the routes say "handled". The answer's type is
 * named at every call, `json<FleetResponse>(res, 200, ...)` (from @metrics-hub/hub-api):
 * without it `T` is `never` and the call does not compile, so no answer goes out undeclared.
 */
export function json<T = never>(res: ServerResponse, status: number, body: NoInfer<T>): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

export function fail(res: ServerResponse, status: number, error: string): true {
  return json<HubError>(res, status, { error });
}

/** A query string read by the parameter names `T` (from @metrics-hub/hub-api) gives. */
export interface SearchParamsOf<T> {
  get(name: keyof T & string): string | null;
  getAll(name: keyof T & string): string[];
  has(name: keyof T & string): boolean;
}

/** True when the method is the one the endpoint takes; otherwise answers 405. */
export function only(req: IncomingMessage, res: ServerResponse, method: string): boolean {
  if (req.method === method || (method === 'GET' && req.method === 'HEAD')) return true;
  res.setHeader('allow', method);
  fail(res, 405, `use ${method} for ${req.url?.split('?')[0]}`);
  return false;
}

/** The request body, or undefined after answering 413 when it is over `maxBytes`. */
export async function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Buffer | undefined> {
  const body = await readLimited(req, maxBytes);
  if (body !== 'too_large') return body;
  fail(res, 413, `request body over ${maxBytes} bytes`);
  return undefined;
}

/**
 * The body, or 'too_large' as soon as it is known to be over `max` (by Content-Length or
 * by the bytes read). The rest is drained, not read into memory, so the answer still
 * reaches the client instead of a reset connection.
 */
export function readLimited(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > max) {
      req.resume();
      return resolve('too_large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve('too_large');
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The JSON body, a `T` (from @metrics-hub/hub-api) still to be checked, or undefined after answering 400/413. */
export async function readJson<T extends object = never>(req: IncomingMessage, res: ServerResponse): Promise<Unchecked<T> | undefined> {
  const raw = await readBody(req, res, MAX_BODY);
  if (!raw) return undefined;
  try {
    const body = JSON.parse(raw.toString('utf8') || '{}') as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('expected an object');
    return body as Unchecked<T>;
  } catch (e) {
    fail(res, 400, `body is not a JSON object (${(e as Error).message})`);
    return undefined;
  }
}
