// The renderer's files (built by scripts/build-renderer.mjs) served at / for a browser,
// with a strict Content-Security-Policy: the same views the desktop window shows.

import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The content type of one of the renderer's files (also for the Electron app's scheme). */
export function contentTypeFor(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/**
 * The file a URL path names under `dir`, or undefined when it would leave `dir` (`..`,
 * encoded or not), names the folder itself, or carries a NUL or a backslash.
 */
export function fileWithin(dir: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const file = join(dir, normalize(path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '')));
  const back = relative(dir, file);
  if (back === '' || back.startsWith('..') || isAbsolute(back)) return undefined;
  return file;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export function createStaticFiles(dir: string): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (path.startsWith('/api/') || path === '/metrics') return false;
    const file = fileWithin(dir, path);
    if (!file) return false;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return false;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': extname(file) === '.html' ? 'no-cache' : 'max-age=300',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
