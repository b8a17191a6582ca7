// Writing an incident file: the header line, then the lossless export of every series the
// dashboard's panels (and any extra selectors) read, over the window plus lookback.

import { labelsKey } from '@metrics-hub/wire';
import { ChunkedWriter, DEFAULT_CHUNK_CHARS, type WriteChunk } from '../export/chunked-writer.ts';
import { writeLossless } from '../export/lossless.ts';
import { compareLabels, type ExportSeries, type ExportSource } from '../export/selection.ts';
import { checkDashboard, IncidentError, INCIDENT_FORMAT, INCIDENT_VERSION, type IncidentDashboard, type IncidentHeader } from './format.ts';
import { dashboardSelectors } from './selectors.ts';

/** Prometheus's default lookback: an instant selector at the window's start reads this far back. */
export const INCIDENT_LOOKBACK_MS = 5 * 60_000;

export interface CreateIncidentOptions {
  title: string;
  dashboard: IncidentDashboard;
  startMs: number;
  endMs: number;
  /** More series to include, e.g. `up{job="db"}`. */
  selectors?: string[];
  /** Default 5 min. */
  lookbackMs?: number;
  /** Default: the current time. */
  now?: () => number;
  chunkChars?: number;
}

export interface CreateIncidentSummary {
  header: IncidentHeader;
  series: number;
}

/** Writes the incident file through `write` in pieces. Throws IncidentError for a bad window or a panel that does not parse. */
export function createIncident(source: ExportSource, options: CreateIncidentOptions, write: WriteChunk): CreateIncidentSummary {
  const { startMs, endMs } = options;
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || endMs < startMs) {
    throw new IncidentError('bad_request', `the window must be integer milliseconds with start <= end (got ${startMs}..${endMs})`);
  }
  if (!options.title.trim()) throw new IncidentError('bad_request', 'an incident needs a title');
  const dashboard = checkDashboard(options.dashboard);
  const lookback = options.lookbackMs ?? INCIDENT_LOOKBACK_MS;
  // One series may be read by several panels with different ranges: keep the widest read.
  const picked = new Map<string, { series: ExportSeries; mint: number }>();
  for (const need of dashboardSelectors(dashboard, options.selectors)) {
    const mint = startMs - Math.max(lookback, need.extraMs);
    for (const s of source.select(need.matchers, mint, endMs)) {
      const key = labelsKey(s.labels);
      const had = picked.get(key);
      if (!had || mint < had.mint) picked.set(key, { series: s, mint });
    }
  }
  const series = [...picked.values()].map((p) => p.series).sort((a, b) => compareLabels(a.labels, b.labels));
  const header: IncidentHeader = {
    format: INCIDENT_FORMAT,
    version: INCIDENT_VERSION,
    title: options.title.trim(),
    createdAt: new Date((options.now ?? Date.now)()).toISOString(),
    startMs,
    endMs,
    dashboard,
  };
  const out = new ChunkedWriter(write, options.chunkChars ?? DEFAULT_CHUNK_CHARS);
  out.add(`${JSON.stringify(header)}\n`);
  writeLossless(series, source.metadata?.() ?? new Map(), out);
  out.flush();
  return { header, series: series.length };
}
