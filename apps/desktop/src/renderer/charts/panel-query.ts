// Fetches a panel's data as one range query: a panel with several queries sends them
// joined with `or`, each tagged with its legend by label_replace, so a refresh costs one
// request per chart (twelve a second in live mode, not twenty-odd).

import type { HubApi } from '../api/hub-api.ts';
import { toColumns, type Columns } from './columns.ts';
import type { Panel } from './node-panels.ts';

const TAG = 'legend_';

export function panelExpr(p: Panel, selector: string, window: string): { expr: string; legend: string } {
  if (p.queries.length === 1) return { expr: p.queries[0].expr(selector, window), legend: p.queries[0].legend };
  const parts = p.queries.map((q) => `label_replace(${q.expr(selector, window)}, "${TAG}", "${q.legend}", "", "")`);
  return { expr: parts.join(' or '), legend: `{{${TAG}}}` };
}

export async function fetchPanel(
  api: HubApi,
  p: Panel,
  selector: string,
  window: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<Columns> {
  const { expr, legend } = panelExpr(p, selector, window);
  const res = await api.queryRange(expr, startMs, endMs, stepMs);
  const cols = toColumns(startMs, endMs, stepMs, [{ legend, data: res.data }]);
  // Keep the panel's own order (used before available) rather than alphabetical.
  if (p.queries.length > 1) {
    const order = p.queries.map((q) => q.legend);
    const idx = cols.names.map((_, i) => i).sort((a, b) => order.indexOf(cols.names[a]) - order.indexOf(cols.names[b]));
    return { xs: cols.xs, names: idx.map((i) => cols.names[i]), ys: idx.map((i) => cols.ys[i]) };
  }
  return cols;
}
