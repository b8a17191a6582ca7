// Request parameters the way Go's Request.ParseForm gathers them: the URL's query string
// and, for a POST with an application/x-www-form-urlencoded body, the body; body values
// come first, so a parameter given in both reads as the body's. Parameters may repeat
// (`match[]`). The body is bounded: a client cannot make the hub buffer an unbounded upload.

import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export class Form {
  private readonly values = new Map<string, string[]>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) {
      const list = this.values.get(name);
      if (list) list.push(value);
      else this.values.set(name, [value]);
    }
  }

  /** The first value, or '' when absent (Go's FormValue). */
  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  /** Every value, in order. */
  all(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

/**
 * `a=1&b=%20x+y`: '+' is a space, %XX escapes must be well formed and decode to UTF-8.
 * Throws a bad_data ApiError otherwise (Prometheus: "error parsing form values").
 */
export function parseUrlEncoded(text: string): [string, string][] {
  const out: [string, string][] = [];
  if (text === '') return out;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(name), decodeComponent(value)]);
  }
  return out;
}

function decodeComponent(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    const bad = /%(?![0-9a-fA-F]{2}).{0,2}/.exec(spaced);
    const why = bad ? `invalid URL escape ${JSON.stringify(bad[0])}` : 'an escape is not valid UTF-8';
    throw new ApiError('bad_data', `error parsing form values: ${why}`);
  }
}

/** The form of a request: its query string, then its urlencoded body when it has one. */
export async function readForm(req: IncomingMessage, query: string, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): Promise<Form> {
  const fromQuery = parseUrlEncoded(query);
  const method = req.method ?? 'GET';
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return new Form(fromQuery);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') {
    throw new ApiError(
      'bad_data',
      'multipart/form-data bodies are not read: send the parameters as application/x-www-form-urlencoded',
      415,
    );
  }
  // Like Go, a body of another type is not parameters; Node discards it after the response.
  if (type !== 'application/x-www-form-urlencoded') return new Form(fromQuery);
  const body = await readBody(req, maxBodyBytes);
  return new Form([...parseUrlEncoded(body), ...fromQuery]);
}

function tooLarge(limit: number): ApiError {
  // Answering before the upload ends: close the connection rather than read the rest.
  return new ApiError('bad_data', `request body is larger than ${limit} bytes: send a shorter query or fewer match[] selectors`, 413, {
    Connection: 'close',
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new ApiError('bad_data', `reading the request body failed: ${e.message}`));
    };
    const onClose = () => {
      cleanup();
      reject(new ApiError('bad_data', 'the client closed the connection before the request body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
