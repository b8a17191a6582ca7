// The endpoint table: path under /api/v1, the methods Prometheus registers for it, and
// the function that answers it. Paths outside the table are 404 not_found, methods
// outside a path's list are 405 with an Allow header.

import type { Endpoint } from './endpoint.ts';
import { labelNames, labelValues, metadata, series } from './metadata-endpoints.ts';
import { instantQuery, queryExemplars, rangeQuery } from './query-endpoints.ts';
import { alerts, buildInfo, rules, runtimeInfo } from './status-endpoints.ts';

export interface Route {
  /** The path below /api/v1; groups capture path parameters (raw, still percent-encoded). */
  path: RegExp;
  methods: readonly string[];
  endpoint: Endpoint;
}

const READ = ['GET', 'POST'] as const;
const GET = ['GET'] as const;

export const ROUTES: readonly Route[] = [
  { path: /^\/query$/, methods: READ, endpoint: instantQuery },
  { path: /^\/query_range$/, methods: READ, endpoint: rangeQuery },
  { path: /^\/query_exemplars$/, methods: READ, endpoint: queryExemplars },
  { path: /^\/series$/, methods: READ, endpoint: series },
  { path: /^\/labels$/, methods: READ, endpoint: labelNames },
  { path: /^\/label\/([^/]*)\/values$/, methods: GET, endpoint: labelValues },
  { path: /^\/metadata$/, methods: GET, endpoint: metadata },
  { path: /^\/status\/buildinfo$/, methods: GET, endpoint: buildInfo },
  { path: /^\/status\/runtimeinfo$/, methods: GET, endpoint: runtimeInfo },
  { path: /^\/rules$/, methods: GET, endpoint: rules },
  { path: /^\/alerts$/, methods: GET, endpoint: alerts },
];

export function findRoute(subPath: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const m = route.path.exec(subPath);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}
