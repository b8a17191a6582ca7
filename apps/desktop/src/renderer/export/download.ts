// Saving what the user sees: an export of a query's data in a chosen format (the hub's
// /api/hub/v1/export, fetched through the transport so it works in a browser and in the
// window alike) and a chart as a PNG; both handed to the browser as a download.

import type { HubApi } from '../api/hub-api.ts';

export const EXPORT_CHOICES: { format: string; label: string; extension: string }[] = [
  { format: 'csv-long', label: 'CSV (long: one row per sample)', extension: 'csv' },
  { format: 'csv-wide', label: 'CSV (wide: one column per series)', extension: 'csv' },
  { format: 'json', label: 'JSON (Prometheus query_range)', extension: 'json' },
  { format: 'openmetrics', label: 'OpenMetrics (promtool backfill)', extension: 'om.txt' },
];

/** Fetches the export and offers it as a file; resolves with its size in bytes. */
export async function downloadExport(api: HubApi, o: { format: string; query: string; startMs: number; endMs: number; stepMs: number }): Promise<number> {
  const params = new URLSearchParams({ format: o.format, query: o.query, start: String(o.startMs / 1000), end: String(o.endMs / 1000), step: `${Math.max(1, Math.round(o.stepMs / 1000))}s` });
  const body = await api.transport.request<unknown>('GET', `/api/hub/v1/export?${params}`);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const choice = EXPORT_CHOICES.find((c) => c.format === o.format);
  offer(new Blob([text], { type: 'application/octet-stream' }), `metrics-${stamp(o.endMs)}.${choice?.extension ?? 'txt'}`);
  return text.length;
}

/** The chart's canvas as a PNG file. */
export async function downloadChartPng(canvas: HTMLCanvasElement, name: string): Promise<void> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the chart could not be turned into an image');
  offer(blob, `${name}-${stamp(Date.now())}.png`);
}

function offer(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}
