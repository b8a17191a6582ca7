// The export entry point: resolve the selection, then hand the series to one format writer.

import type { Engine } from '@metrics-hub/promql';
import { ChunkedWriter, DEFAULT_CHUNK_CHARS, type WriteChunk } from './chunked-writer.ts';
import { writeCsvLong, writeCsvWide } from './csv.ts';
import { writeQueryRangeJson } from './json.ts';
import { writeLossless } from './lossless.ts';
import { writeOpenMetrics } from './openmetrics.ts';
import { ExportError, resolveSelection, type ExportSource, type Selection } from './selection.ts';

export const EXPORT_FORMATS = ['csv-long', 'csv-wide', 'json', 'openmetrics', 'mhb-json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Suggested file extensions and content types, for a CLI or an HTTP download. */
export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, { extension: string; contentType: string }>> = {
  'csv-long': { extension: 'csv', contentType: 'text/csv; charset=utf-8; header=present' },
  'csv-wide': { extension: 'csv', contentType: 'text/csv; charset=utf-8; header=present' },
  json: { extension: 'json', contentType: 'application/json' },
  openmetrics: { extension: 'om.txt', contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' },
  'mhb-json': { extension: 'mhb.ndjson', contentType: 'application/x-ndjson' },
};

export interface ExportOptions {
  format: ExportFormat;
  selection: Selection;
  /** Inclusive range, milliseconds since the epoch. */
  startMs: number;
  endMs: number;
  /** For query selections (default: a new Engine with default limits). */
  engine?: Engine;
  /** Characters per `write` call, about (default 64 Ki). */
  chunkChars?: number;
}

export interface ExportSummary {
  series: number;
}

/** Writes the selection in the chosen format through `write`, in pieces. Throws ExportError for a bad selection, range or format. */
export function exportSelection(source: ExportSource, options: ExportOptions, write: WriteChunk): ExportSummary {
  if (!EXPORT_FORMATS.includes(options.format)) {
    throw new ExportError('bad_format', `unknown export format ${JSON.stringify(options.format)}: use one of ${EXPORT_FORMATS.join(', ')}`);
  }
  const series = resolveSelection(source, options.selection, options.startMs, options.endMs, options.engine);
  const out = new ChunkedWriter(write, options.chunkChars ?? DEFAULT_CHUNK_CHARS);
  const metadata = () => source.metadata?.() ?? new Map();
  switch (options.format) {
    case 'csv-long':
      writeCsvLong(series, out);
      break;
    case 'csv-wide':
      writeCsvWide(series, out);
      break;
    case 'json':
      writeQueryRangeJson(series, out);
      break;
    case 'openmetrics':
      writeOpenMetrics(series, metadata(), out);
      break;
    case 'mhb-json':
      writeLossless(series, metadata(), out);
      break;
  }
  out.flush();
  return { series: series.length };
}
