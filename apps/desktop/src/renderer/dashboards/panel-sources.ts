// Where a dashboard panel's data comes from: the hub's store (query_range in its columnar
// shape) or an opened incident file (the incident's own query_range, Prometheus's shape,
// which only sees that file's series). Both answer with columns and the API's notes.

import type { HubApi } from '../api/hub-api.ts';
import { gridToColumns, matrixToColumns, type Columns } from '../explore/matrix-columns.ts';
import type { QueryNotes } from '../explore/query-notes.ts';
import { stepFor, windowFor } from '../explore/time-range.ts';

export interface PanelWindow {
  startMs: number;
  endMs: number;
  stepMs: number;
}

export type PanelSource = (expr: string, w: PanelWindow) => Promise<{ columns: Columns } & QueryNotes>;

export function liveSource(api: HubApi): PanelSource {
  return async (expr, w) => {
    const res = await api.queryRangeColumns(expr, w.startMs, w.endMs, w.stepMs);
    if (res.data.resultType !== 'matrix') throw new Error(`a range query gave a ${String(res.data.resultType)}`);
    return { columns: gridToColumns(res.data), warnings: res.warnings, infos: res.infos };
  };
}

export function incidentSource(api: HubApi, incidentId: string): PanelSource {
  return async (expr, w) => {
    const res = await api.incidentQueryRange(incidentId, expr, w.startMs, w.endMs, w.stepMs);
    return { columns: matrixToColumns(res.data, w.startMs, w.endMs, w.stepMs), warnings: res.warnings, infos: res.infos };
  };
}

/** The last `rangeS` seconds on a step grid; panels get half Explore's points (a panel is a third of the window wide). */
export function recentWindow(rangeS: number): PanelWindow {
  const w = windowFor(rangeS, stepFor(rangeS) * 2);
  return { startMs: w.startS * 1000, endMs: w.endS * 1000, stepMs: w.stepS * 1000 };
}

/** A fixed window (an incident's) on a step grid of about 720 points, whole seconds. */
export function fixedWindow(startMs: number, endMs: number): PanelWindow {
  const stepS = stepFor(Math.max(1, (endMs - startMs) / 1000)) * 2;
  return { startMs, endMs, stepMs: stepS * 1000 };
}
