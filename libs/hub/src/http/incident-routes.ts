// Incident snapshots over HTTP (libs/snapshot's incident files):
//
//   POST /api/hub/v1/incidents                 {dashboardId | dashboard, title, start, end, selectors?, gzip?}  -> the file as a download
//   POST /api/hub/v1/incidents/open[?name=F]   body: the file -> {id, title, startMs, endMs, dashboard, series, samples, fileName}
//   GET  /api/hub/v1/incidents                 the opened incidents
//   GET  /api/hub/v1/incidents/<id>            header of an opened incident
//   GET  /api/hub/v1/incidents/<id>/query_range?query=&start=&end=&step=   Prometheus JSON over the incident only
//   POST /api/hub/v1/incidents/<id>/import[?allow_old=true]   store an opened incident (no second upload)
//   POST /api/hub/v1/incidents/import[?allow_old=true]        body: the file -> samples stored, dashboard saved as incident-<id>
//   (samples older than store.retention keeps are refused, saying how many, unless allow_old=true)
//
// Opened incidents live in memory only (read-only views, never the store), at most
// MAX_OPEN of them, the oldest dropped, so a hub cannot be filled by opening files.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { parseDuration, parseTime, queryDataJson, successJson, toApiError, errorJson } from '@metrics-hub/http-api';
import type { IncidentImport, IncidentRequest, OpenedIncident as OpenedIncidentView, OpenedIncidentsResponse } from '@metrics-hub/hub-api';
import type { Engine } from '@metrics-hub/promql';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';
import { basename } from 'node:path';
import {
  createIncident,
  importOpenedIncident,
  IncidentError,
  openIncident,
  type IncidentDashboard,
  type OpenedIncident,
} from '@metrics-hub/snapshot';
import { loadDashboard, saveDashboard } from './dashboard-routes.ts';
import { fail, json, readBody, readJson } from './json.ts';
import { importRetention } from './import-retention.ts';

export const MAX_OPEN_INCIDENTS = 5;
/** Incident files are a window of a few series; a bigger upload is refused before it fills memory. */
export const MAX_INCIDENT_BYTES = 256 * 1024 * 1024;

export interface IncidentRoutesDeps {
  store: TimeSeriesStore;
  engine: Engine;
  db: Database.Database;
  now: () => number;
  log: (line: string) => void;
}

export function createIncidentRoutes(d: IncidentRoutesDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  // Insertion order is age order: the first key is the oldest.
  const opened = new Map<string, Opened>();
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = url.pathname;
    if (!path.startsWith('/api/hub/v1/incidents')) return false;
    try {
      if (path === '/api/hub/v1/incidents') {
        if (req.method === 'GET')
          return json<OpenedIncidentsResponse>(res, 200, { incidents: [...opened].map(([id, o]) => describe(id, o)) });
        if (req.method !== 'POST') return fail(res, 405, 'use POST to make an incident file, GET to list the opened ones');
        return await create(req, res, d);
      }
      if (path === '/api/hub/v1/incidents/open' || path === '/api/hub/v1/incidents/import') {
        if (req.method !== 'POST') return fail(res, 405, 'use POST with the incident file as the body');
        const bytes = await readBody(req, res, MAX_INCIDENT_BYTES);
        if (!bytes) return true;
        const incident = openIncident({ bytes });
        if (path.endsWith('/import')) return await importOpened(incident, url, res, d);
        const id = randomBytes(6).toString('hex');
        // The file's name, for "from file …" in every window that shows it; a name only, no folders.
        const name = url.searchParams.get('name');
        opened.set(id, { incident, fileName: name ? basename(name.replaceAll('\\', '/')).slice(0, 200) : undefined });
        while (opened.size > MAX_OPEN_INCIDENTS) opened.delete(opened.keys().next().value!);
        d.log(`incident opened: ${id} "${incident.header.title}" (${incident.series} series, ${incident.samples} samples)`);
        return json<OpenedIncidentView>(res, 201, describe(id, opened.get(id)!));
      }
      const m = /^\/api\/hub\/v1\/incidents\/([0-9a-f]{12})(\/query_range|\/import)?$/.exec(path);
      if (!m) return fail(res, 404, `unknown incident endpoint ${path}`);
      const entry = opened.get(m[1]);
      if (!entry) return fail(res, 404, `no opened incident ${m[1]} (at most ${MAX_OPEN_INCIDENTS} are kept: open the file again)`);
      if (m[2] === '/import') {
        if (req.method !== 'POST') return fail(res, 405, 'use POST to store the opened incident in this hub');
        return await importOpened(entry.incident, url, res, d);
      }
      if (req.method !== 'GET') return fail(res, 405, 'use GET');
      if (!m[2]) return json<OpenedIncidentView>(res, 200, describe(m[1], entry));
      return queryRange(url.searchParams, entry.incident, res, d.engine);
    } catch (e) {
      if (e instanceof IncidentError) return fail(res, 400, e.message);
      throw e;
    }
  };
}

interface Opened {
  incident: OpenedIncident;
  fileName?: string;
}

function describe(id: string, { incident: o, fileName }: Opened): OpenedIncidentView {
  const h = o.header;
  return {
    id,
    title: h.title,
    createdAt: h.createdAt,
    startMs: h.startMs,
    endMs: h.endMs,
    dashboard: h.dashboard,
    series: o.series,
    samples: o.samples,
    ...(fileName ? { fileName } : {}),
  };
}

async function create(req: IncomingMessage, res: ServerResponse, d: IncidentRoutesDeps): Promise<true> {
  const body = await readJson<IncidentRequest>(req, res);
  if (!body) return true;
  let dashboard: IncidentDashboard | undefined;
  if (typeof body.dashboardId === 'string') {
    const saved = loadDashboard(d.db, body.dashboardId);
    if (!saved) return fail(res, 404, `no dashboard ${body.dashboardId}`);
    dashboard = { id: saved.id, title: saved.title, panels: saved.panels };
  } else if (body.dashboard) {
    dashboard = body.dashboard as IncidentDashboard;
  } else return fail(res, 400, 'give "dashboardId" (a saved dashboard) or "dashboard": {"title", "panels"}');
  let startMs: number;
  let endMs: number;
  try {
    startMs = parseTime(String(body.start ?? ''));
    endMs = parseTime(String(body.end ?? ''));
  } catch (e) {
    return fail(res, 400, `${(e as Error).message}: "start" and "end" are RFC 3339 or Unix seconds`);
  }
  const selectors = Array.isArray(body.selectors) ? body.selectors.map(String) : undefined;
  const title = typeof body.title === 'string' && body.title.trim() ? body.title : (dashboard.title ?? 'incident');
  let text = '';
  createIncident(d.store, { title, dashboard, startMs, endMs, selectors, now: d.now }, (c) => (text += c));
  const name = `incident-${new Date(startMs).toISOString().replace(/[:.]/g, '-')}.ndjson`;
  const file = body.gzip === true ? gzipSync(text) : Buffer.from(text);
  res.writeHead(200, {
    'content-type': body.gzip === true ? 'application/gzip' : 'application/x-ndjson',
    'content-disposition': `attachment; filename="${body.gzip === true ? `${name}.gz` : name}"`,
    'content-length': file.byteLength,
  });
  res.end(file);
  return true;
}

async function importOpened(incident: OpenedIncident, url: URL, res: ServerResponse, d: IncidentRoutesDeps): Promise<true> {
  const allow = url.searchParams.get('allow_old') === 'true';
  const summary = await importOpenedIncident(incident, d.store, {
    retention: importRetention(d.store, allow, 'allow_old=true (hub incident import --allow-old)'),
  });
  const h = summary.header;
  // Prefixed so an imported incident never overwrites one of this hub's own dashboards.
  const base = (h.dashboard.id ?? h.title).replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 55) || 'dashboard';
  const dashboard = { id: `incident-${base}`, title: h.dashboard.title, panels: h.dashboard.panels, updatedMs: d.now() };
  saveDashboard(d.db, dashboard);
  d.log(`incident imported: "${h.title}" (${summary.samples.appended} samples), dashboard ${dashboard.id}`);
  return json<IncidentImport>(res, 200, { title: h.title, startMs: h.startMs, endMs: h.endMs, dashboard, summary: summary.samples });
}

function queryRange(p: URLSearchParams, incident: OpenedIncident, res: ServerResponse, engine: Engine): true {
  try {
    const query = p.get('query');
    if (!query) return fail(res, 400, 'query= is required');
    const start = p.get('start') ? parseTime(p.get('start')!) : incident.header.startMs;
    const end = p.get('end') ? parseTime(p.get('end')!) : incident.header.endMs;
    const step = parseDuration(p.get('step') || '15s');
    const result = engine.rangeQuery(incident.queryable, query, start, end, step);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(successJson(queryDataJson(result.data), result.warnings, result.infos));
  } catch (e) {
    const error = toApiError(e);
    res.writeHead(error.status ?? 400, { 'content-type': 'application/json' });
    res.end(errorJson(error.type, error.message));
  }
  return true;
}
