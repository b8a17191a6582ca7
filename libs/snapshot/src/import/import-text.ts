// The import driver: read the input piece by piece (reporting progress), parse and check
// it into the staging area, then commit. All-or-nothing by default: everything is read
// and checked before the first sample is appended, and any problem means nothing is
// committed. With `partial`, good samples are committed (in batches when the staging
// limit is reached) and the problems reported.
//
// Memory is bounded by the input, not the file: samples are counted (and their bytes
// estimated) as each piece is read, and past `maxStagedSamples` or `maxStagedBytes` an
// all-or-nothing import stops with an error naming the limit, before it holds more. The
// commit appends slices of SERIES_PER_APPEND series, letting the event loop run between
// them, so that a hub stays responsive while an import creates a million series.

import { createReadStream } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { sniffFormat } from '@metrics-hub/expfmt';
import type { MetricMetadata } from '@metrics-hub/tsdb';
import { formatLabels, type Labels } from '@metrics-hub/wire';
import { LOSSLESS_FORMAT } from '../export/lossless.ts';
import { ExpositionReader } from './exposition-reader.ts';
import { fileTail, openInput } from './input.ts';
import { LosslessReader } from './lossless-reader.ts';
import { Problems } from './problems.ts';
import { Staging } from './staging.ts';
import type { Appender, ImportFormat, ImportInput, ImportOptions, ImportSummary } from './types.ts';

export const DEFAULT_MAX_STAGED_SAMPLES = 5_000_000;
/** Series per store append when committing: one append of this many takes tens of milliseconds. */
export const SERIES_PER_APPEND = 5_000;

/**
 * The staging budget when the caller sets none: an eighth of the process's heap limit, at
 * most 512 MiB (a desktop's Node has 2 to 4 GiB). The limit V8 reports includes its young
 * generation (about 192 MiB more than --max-old-space-size), and the rest of the hub, the
 * parser's garbage and the commit's copy need room too: with a quarter, a hub started with
 * --max-old-space-size=160 spent its time in garbage collection before refusing.
 */
export function defaultMaxStagedBytes(): number {
  return Math.min(512 * 1024 ** 2, Math.floor(getHeapStatistics().heap_size_limit / 8));
}

interface Reader {
  push(chunk: string | Uint8Array): void;
  /** Estimated bytes held for the whole import (the families seen), which no commit frees. */
  readonly bytes: number;
  end(): void;
  readonly families: Set<string>;
  readonly skippedFamilies: string[];
  readonly metadata: Map<string, MetricMetadata>;
  readonly missingTimestamps: number;
  readonly samples: number;
}

/** Imports Prometheus text, OpenMetrics text or our lossless mhb-json into `appender`. */
export async function importText(input: ImportInput, appender: Appender, options: ImportOptions = {}): Promise<ImportSummary> {
  const partial = options.partial ?? false;
  const limits = {
    samples: options.maxStagedSamples ?? DEFAULT_MAX_STAGED_SAMPLES,
    bytes: options.maxStagedBytes ?? defaultMaxStagedBytes(),
  };
  const names = { ...DEFAULT_LIMIT_NAMES, ...options.limitNames };
  const problems = new Problems(options.maxProblems ?? 100);
  const staging = new Staging();
  const opened = await openInput(input, options.onProgress);
  const store = { duplicates: 0, conflicts: 0, tooOld: 0, tooFarAhead: 0, rejectedSeries: 0 };
  let appended = 0;
  let bytesRead = 0;
  let format: ImportFormat | undefined = options.format;
  let reader: Reader | undefined;
  let error: string | undefined;
  let committedAny = false;
  const commit = async () => {
    let first = true;
    for (const batch of staging.take(SERIES_PER_APPEND)) {
      // Other requests, ingest and alerting run between slices.
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      first = false;
      const result = appender.append(batch);
      committedAny = true;
      appended += result.appended ?? 0;
      store.duplicates += result.duplicates ?? 0;
      store.conflicts += result.conflicts ?? 0;
      store.tooOld += result.tooOld ?? 0;
      store.tooFarAhead += result.tooFarAhead ?? 0;
      if (result.tooFarAhead)
        problems.add(
          undefined,
          `${result.tooFarAhead} samples refused by the store: stamped too far ahead of the hub's clock (store.max_future); check the clock of the system that wrote them`,
        );
      store.rejectedSeries += result.rejected.length;
      for (const r of result.rejected)
        problems.add(undefined, `series ${formatLabels(batch[r.index].labels as Labels)} refused by the store: ${r.reason}`);
    }
  };
  /** Which limit the import is past, if any. */
  const overLimit = (): string | undefined => {
    if (staging.size > limits.samples) return tooManySamples(limits.samples, names, partial);
    if (staging.bytes + (reader?.bytes ?? 0) > limits.bytes) return tooManyBytes(limits.bytes, names, partial);
    return undefined;
  };
  for await (const chunk of opened.chunks) {
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!reader) {
      format ??= await detectFormat(input, typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk.subarray(0, 256)));
      reader =
        format === 'mhb-json'
          ? new LosslessReader(staging, problems)
          : new ExpositionReader(format, staging, problems, options.defaultTimestamp, options.maxProblems ?? 100);
    }
    reader.push(chunk);
    let over = overLimit();
    if (over && partial) {
      await commit();
      // What no commit frees (the families seen) can still be past the budget.
      over = overLimit();
    }
    if (over) {
      error = over;
      await opened.chunks.return(undefined);
      break;
    }
  }
  format ??= options.format ?? 'prometheus';
  reader ??= new ExpositionReader(
    format === 'mhb-json' ? 'prometheus' : format,
    staging,
    problems,
    options.defaultTimestamp,
    options.maxProblems ?? 100,
  );
  if (!error) reader.end();
  if (!error && !partial) error = overLimit();
  if (!error && problems.count > 0 && !partial) {
    error = `${problems.count} problem(s) in the input, so nothing was imported (first: ${describe(problems.list[0])}); fix them or import with partial: true`;
  }
  const series = staging.seriesCount;
  if (error) {
    staging.clear();
  } else {
    await commit();
    if (appender.setMetadata) for (const [metric, meta] of reader.metadata) appender.setMetadata(metric, meta);
  }
  return {
    format,
    committed: !error && (committedAny || reader.samples === 0),
    ...(error ? { error } : {}),
    samples: reader.samples,
    appended: error && !partial ? 0 : appended,
    series,
    families: reader.families.size,
    rejected: problems.list,
    problemCount: problems.count,
    skippedFamilies: reader.skippedFamilies,
    missingTimestamps: { count: reader.missingTimestamps, action: options.defaultTimestamp === undefined ? 'rejected' : 'defaulted' },
    store,
    bytesRead,
  };
}

/** The format of a file as an import without `format` would take it (for callers that stream it elsewhere). */
export async function guessFileFormat(path: string): Promise<ImportFormat> {
  const head = await new Promise<string>((resolve, reject) => {
    let text = '';
    createReadStream(path, { start: 0, end: 255, encoding: 'utf8' })
      .on('data', (c) => (text += c))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
  return detectFormat({ path }, head);
}

async function detectFormat(input: ImportInput, firstChunk: string): Promise<ImportFormat> {
  if (firstChunk.trimStart().startsWith(`{"format":"${LOSSLESS_FORMAT}"`)) return 'mhb-json';
  if ('text' in input) return sniffFormat(input.text);
  if ('path' in input) return /(^|\n)# EOF\s*$/.test(await fileTail(input.path)) ? 'openmetrics' : 'prometheus';
  return 'prometheus';
}

const DEFAULT_LIMIT_NAMES: Required<NonNullable<ImportOptions['limitNames']>> = {
  maxStagedSamples: 'maxStagedSamples',
  maxStagedBytes: 'maxStagedBytes',
  partial: 'partial: true',
};

function tooManySamples(limit: number, names: typeof DEFAULT_LIMIT_NAMES, partial: boolean): string {
  return partial
    ? `the input is past the staging limit of ${limit} samples (${names.maxStagedSamples}) even after committing: raise ${names.maxStagedSamples} or split the file`
    : `the input holds more than ${limit} samples (${names.maxStagedSamples}), more than an all-or-nothing import holds in memory, so nothing was imported: raise ${names.maxStagedSamples}, import with ${names.partial} (committed in batches), or split the file`;
}

function tooManyBytes(limit: number, names: typeof DEFAULT_LIMIT_NAMES, partial: boolean): string {
  const mib = (limit / 1024 ** 2).toFixed(0);
  return partial
    ? `the input's families (names, kept to check each appears once) take more than the staging limit of ${mib} MiB (${names.maxStagedBytes}): split the file or raise ${names.maxStagedBytes}`
    : `the input's samples and series take more than the staging limit of ${mib} MiB (${names.maxStagedBytes}), more than an all-or-nothing import holds in memory, so nothing was imported: import with ${names.partial} (committed in batches), split the file, or raise ${names.maxStagedBytes} (the hub needs the memory: see its heap limit, node --max-old-space-size)`;
}

function describe(r: { line?: number; reason: string }): string {
  return r.line === undefined ? r.reason : `line ${r.line}: ${r.reason}`;
}
