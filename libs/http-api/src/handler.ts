// The request handler the hub mounts on its node:http server: it answers every path
// under <prefix>/api/v1/ and leaves every other path to the caller. Whatever goes wrong
// inside, the client gets Prometheus's JSON error and the server keeps serving.
//
//   request ──> path under /api/v1? ── no ──> false (the hub answers it)
//                 │ yes
//                 v
//               route? ── no ──> 404 not_found     OPTIONS ──> 204 + Allow
//                 │ yes
//                 v
//               method allowed? ── no ──> 405 + Allow
//                 │ yes
//                 v
//               form (query string + urlencoded body, bounded: 413) -> endpoint -> JSON (gzip)

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, toApiError } from './api-error.ts';
import type { ApiBackend, ApiOptions } from './backend.ts';
import { DEFAULT_MAX_BODY_BYTES, readForm } from './form.ts';
import { successJson } from './format.ts';
import { sendEncoded } from './encoded-answer.ts';
import { acceptsGzip, DEFAULT_GZIP_MIN_BYTES, sendError, sendJson } from './responses.ts';
import { findRoute } from './routes.ts';

export type PrometheusApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** A handler for <pathPrefix>/api/v1/...; it resolves true when it answered the request. */
export function createPrometheusApi(backend: ApiBackend, options: ApiOptions = {}): PrometheusApiHandler {
  const base = `${(options.pathPrefix ?? '').replace(/\/+$/, '')}/api/v1`;
  const now = backend.now ?? Date.now;
  const startedAt = now();
  const send = { gzipMinBytes: options.gzipMinBytes };

  return async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== base && !path.startsWith(`${base}/`)) return false;
    try {
      const found = findRoute(path.slice(base.length));
      if (!found) throw new ApiError('not_found', `unknown API endpoint ${JSON.stringify(path)}`);
      const method = req.method ?? 'GET';
      const allow = found.route.methods.join(', ');
      if (method === 'OPTIONS') {
        res.writeHead(204, { Allow: `${allow}, OPTIONS` });
        res.end();
        return true;
      }
      if (!found.route.methods.includes(method)) {
        throw new ApiError('bad_data', `method ${method} is not allowed for ${path}: use ${found.route.methods.join(' or ')}`, 405, {
          Allow: allow,
        });
      }
      const form = await readForm(req, q < 0 ? '' : url.slice(q + 1), options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      const gone = new AbortController();
      // Closed before the answer was written: the client went away (a query it asked for stops).
      res.once('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const encoding = { gzip: acceptsGzip(req), gzipMinBytes: options.gzipMinBytes ?? DEFAULT_GZIP_MIN_BYTES };
      const result = await found.route.endpoint({ form, params: found.params, backend, now, startedAt, signal: gone.signal, encoding });
      if ('encoded' in result) sendEncoded(res, result.encoded);
      else await sendJson(req, res, 200, successJson(result.dataJson, result.warnings, result.infos), send);
    } catch (e) {
      const error = toApiError(e);
      if (error.type === 'internal') reportInternal(options, e, req);
      await sendError(req, res, error, send);
    }
    return true;
  };
}

function reportInternal(options: ApiOptions, error: unknown, req: IncomingMessage): void {
  try {
    options.onInternalError?.(error, { method: req.method, url: req.url });
  } catch {
    // A failing logger must not turn one bad request into a crashed server.
  }
}
