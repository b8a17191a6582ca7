// Saving what the user sees: an export of a query's data in a chosen format (the hub's
// /api/hub/v1/export) and a chart as a PNG. This module says what to ask the hub for and
// what to call the file; FileTransfers (renderer/transfers/) moves the bytes, with
// progress and cancel, into the browser's downloads or the file the user picks.

import type { HubFileRequest } from '../transfers/file-transfers.ts';
import { stampedName } from '../transfers/file-transfers.ts';

export const EXPORT_CHOICES: { format: string; label: string; extension: string }[] = [
  { format: 'csv-long', label: 'CSV (long: one row per sample)', extension: 'csv' },
  { format: 'csv-wide', label: 'CSV (wide: one column per series)', extension: 'csv' },
  { format: 'json', label: 'JSON (Prometheus query_range)', extension: 'json' },
  { format: 'openmetrics', label: 'OpenMetrics (promtool backfill)', extension: 'om.txt' },
];

/** The hub request for a query's data over a window, and the file name to offer. */
export function exportDownload(o: { format: string; query: string; startMs: number; endMs: number; stepMs: number }): {
  request: HubFileRequest;
  suggestedName: string;
} {
  const params = new URLSearchParams({
    format: o.format,
    query: o.query,
    start: String(o.startMs / 1000),
    end: String(o.endMs / 1000),
    step: `${Math.max(1, Math.round(o.stepMs / 1000))}s`,
  });
  const choice = EXPORT_CHOICES.find((c) => c.format === o.format);
  return {
    request: { method: 'GET', path: `/api/hub/v1/export?${params}` },
    suggestedName: stampedName('metrics', choice?.extension ?? 'txt', o.endMs),
  };
}

/** The file name for a chart saved as a PNG. */
export function chartImageName(name: string): string {
  return stampedName(name, 'png');
}
