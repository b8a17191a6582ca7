// The import driver: read the input piece by piece (reporting progress), parse and check
// it into the staging area, then commit. All-or-nothing by default: everything is read
// and checked before the first sample is appended, and any problem means nothing is
// committed. With `partial`, good samples are committed (in batches when the staging
// limit is reached) and the problems reported.

import { createReadStream } from 'node:fs';
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

interface Reader {
  push(chunk: string): void;
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
  const limit = options.maxStagedSamples ?? DEFAULT_MAX_STAGED_SAMPLES;
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

  const commit = () => {
    const batch = staging.take();
    if (batch.length === 0) return;
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
  };

  for await (const chunk of opened.chunks) {
    bytesRead += Buffer.byteLength(chunk);
    if (!reader) {
      format ??= await detectFormat(input, chunk);
      reader =
        format === 'mhb-json'
          ? new LosslessReader(staging, problems)
          : new ExpositionReader(format, staging, problems, options.defaultTimestamp, options.maxProblems ?? 100);
    }
    reader.push(chunk);
    if (staging.size > limit) {
      if (partial) {
        commit();
      } else {
        error = tooBig(limit);
        await opened.chunks.return(undefined);
        break;
      }
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
  // The parser hands over a family only once it is complete, so the last one (or a file
  // of one family) is only counted here.
  if (!error && !partial && staging.size > limit) error = tooBig(limit);

  if (!error && problems.count > 0 && !partial) {
    error = `${problems.count} problem(s) in the input, so nothing was imported (first: ${describe(problems.list[0])}); fix them or import with partial: true`;
  }
  const series = staging.seen.size;
  if (error) {
    staging.take();
  } else {
    commit();
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

function tooBig(limit: number): string {
  return `the input holds more than ${limit} samples, more than an all-or-nothing import holds in memory: raise maxStagedSamples or import with partial: true`;
}

function describe(r: { line?: number; reason: string }): string {
  return r.line === undefined ? r.reason : `line ${r.line}: ${r.reason}`;
}
