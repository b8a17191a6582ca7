// User dashboards, kept in the hub (so every window and browser sees the same ones):
//
//   GET    /api/hub/v1/dashboards          {dashboards: [{id, title, panels, updatedMs}]}
//   PUT    /api/hub/v1/dashboards/<id>     {title, panels: [{title, expr, unit?}]}
//   DELETE /api/hub/v1/dashboards/<id>

import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import type { DashboardDeleted, DashboardSave, DashboardsResponse, SavedDashboard as Dashboard } from '@metrics-hub/hub-api';
import { parseExpr } from '@metrics-hub/promql';
import { fail, json, readJson } from './json.ts';

/** A saved dashboard by id (for incidents made from one). */
export function loadDashboard(db: Database.Database, id: string): Dashboard | undefined {
  db.exec(CREATE);
  const row = db.prepare<[string], { dashboard: string }>('SELECT dashboard FROM hub_dashboards WHERE id = ?').get(id);
  return row ? (JSON.parse(row.dashboard) as Dashboard) : undefined;
}

/** Saves (or replaces) a dashboard, as PUT does (for imported incidents). */
export function saveDashboard(db: Database.Database, dashboard: Dashboard): void {
  db.exec(CREATE);
  db.prepare('INSERT INTO hub_dashboards (id, dashboard) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET dashboard = excluded.dashboard').run(
    dashboard.id,
    JSON.stringify(dashboard),
  );
}

const CREATE = 'CREATE TABLE IF NOT EXISTS hub_dashboards (id TEXT PRIMARY KEY, dashboard TEXT NOT NULL)';

export function createDashboardRoutes(
  db: Database.Database,
  now: () => number,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  db.exec(CREATE);
  const stmt = {
    all: db.prepare<[], { dashboard: string }>('SELECT dashboard FROM hub_dashboards ORDER BY id'),
    put: db.prepare(
      'INSERT INTO hub_dashboards (id, dashboard) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET dashboard = excluded.dashboard',
    ),
    remove: db.prepare('DELETE FROM hub_dashboards WHERE id = ?'),
  };
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (path === '/api/hub/v1/dashboards') {
      if (req.method !== 'GET') return fail(res, 405, 'use GET for the list, PUT or DELETE on /api/hub/v1/dashboards/<id>');
      json<DashboardsResponse>(res, 200, { dashboards: stmt.all.all().map((r) => JSON.parse(r.dashboard) as Dashboard) });
      return true;
    }
    const m = /^\/api\/hub\/v1\/dashboards\/([A-Za-z0-9._-]{1,64})$/.exec(path);
    if (!m) return false;
    const id = m[1];
    if (req.method === 'DELETE') {
      if (stmt.remove.run(id).changes === 0) return fail(res, 404, `no dashboard ${id}`);
      json<DashboardDeleted>(res, 200, { id, deleted: true });
      return true;
    }
    if (req.method !== 'PUT') return fail(res, 405, 'use PUT to save a dashboard, DELETE to remove it');
    const body = await readJson<DashboardSave>(req, res);
    if (!body) return true;
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (!title) return fail(res, 400, 'a dashboard needs a "title"');
    if (!Array.isArray(body.panels)) return fail(res, 400, 'a dashboard needs "panels": [{"title", "expr"}]');
    const panels: Dashboard['panels'] = [];
    for (const [i, p] of (body.panels as Record<string, unknown>[]).entries()) {
      const expr = typeof p?.expr === 'string' ? p.expr : '';
      try {
        parseExpr(expr);
      } catch (e) {
        return fail(res, 400, `panel #${i + 1}: ${(e as Error).message}`);
      }
      panels.push({ title: String(p.title ?? expr), expr, ...(typeof p.unit === 'string' ? { unit: p.unit } : {}) });
    }
    const dashboard: Dashboard = { id, title, panels, updatedMs: now() };
    stmt.put.run(id, JSON.stringify(dashboard));
    json<Dashboard>(res, 200, dashboard);
    return true;
  };
}
