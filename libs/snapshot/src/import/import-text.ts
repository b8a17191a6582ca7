// The import driver: read the input piece by piece (reporting progress), parse and check
// it into the staging area, then commit. All-or-nothing by default: everything is read
// and checked before the first sample is appended, and any problem means nothing is
// committed. With `partial`, the good samples are committed and the problems reported.
//
// Samples are staged on disk (staging.ts) when the caller gives a staging folder, so the
// size of an import is bounded by the disk, not by memory: what memory holds is the
// series' labels and families' names (estimated as they arrive; past `maxStagedBytes` an
// import stops with an error naming the limit). The staging file is also the redo log of
// the commit, which appends slices of SERIES_PER_APPEND series, letting the event loop run
// between them, so that a hub stays responsive while an import creates a million series.

import { createReadStream } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { sniffFormat } from '@metrics-hub/expfmt';
import type { AppendSeries, MetricMetadata } from '@metrics-hub/tsdb';
import { formatLabels, type Labels } from '@metrics-hub/wire';
import { LOSSLESS_FORMAT } from '../export/lossless.ts';
import { ExpositionReader } from './exposition-reader.ts';
import { fileTail, openInput } from './input.ts';
import { LosslessReader } from './lossless-reader.ts';
import { Problems } from './problems.ts';
import { pendingImports, Staging } from './staging.ts';
import type { Appender, ImportFormat, ImportInput, ImportOptions, ImportSummary } from './types.ts';

/** Series per store append when committing: one append of this many takes tens of milliseconds. */
export const SERIES_PER_APPEND = 5_000;
/** Samples per store append when committing (4 MB of times and values). */
const SAMPLES_PER_APPEND = 1 << 18;

/**
 * The memory budget of an import's series and families when the caller sets none: an
 * eighth of the process's heap limit, at most 512 MiB (a desktop's Node has 2 to 4 GiB). The limit V8 reports includes its young
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
  const byteLimit = options.maxStagedBytes ?? defaultMaxStagedBytes();
  const names = { ...DEFAULT_LIMIT_NAMES, ...options.limitNames };
  const problems = new Problems(options.maxProblems ?? 100);
  const staging = Staging.create(options.stagingDir);
  let committing = false;
  try {
    const opened = await openInput(input);
    let bytesRead = 0;
    let format: ImportFormat | undefined = options.format;
    let reader: Reader | undefined;
    let error: string | undefined;
    const overLimit = () => (staging.bytes + (reader?.bytes ?? 0) > byteLimit ? tooManyBytes(byteLimit, names) : undefined);
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
      options.onProgress?.({ phase: 'reading', bytesRead, totalBytes: opened.totalBytes, samples: reader.samples, committed: 0 });
      error = overLimit();
      if (error) {
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
    if (!error) {
      reader.end();
      error = overLimit();
    }
    if (!error && problems.count > 0 && !partial) {
      error = `${problems.count} problem(s) in the input, so nothing was imported (first: ${describe(problems.list[0])}); fix them or import with partial: true`;
    }
    let pastRetention: ImportSummary['pastRetention'];
    if (!error && options.retention && staging.size > 0) {
      const r = options.retention;
      const cutoffMs = r.cutoff(staging.newest());
      const old = staging.countAtOrBefore(cutoffMs);
      if (old > 0) pastRetention = { samples: old, cutoffMs, fate: r.fate };
      if (old > 0 && !r.allow)
        error = `${old} of the ${staging.size} samples are older than the hub keeps raw data (at or before ${new Date(cutoffMs).toISOString()}): they would be ${r.fate}. Nothing was imported: import them anyway with ${r.allowName}, or keep them longer with store.retention (hub.yaml)`;
    }
    const store = { duplicates: 0, conflicts: 0, tooOld: 0, tooFarAhead: 0, rejectedSeries: 0 };
    let appended = 0;
    if (!error) {
      staging.setMeta('metadata', [...reader.metadata]);
      staging.markCommitting();
      committing = true;
      const read = { bytesRead, totalBytes: opened.totalBytes, samples: reader.samples };
      options.onCommit?.({ samples: reader.samples, series: staging.seriesCount });
      let committed = 0;
      const done = await commitStaged(staging, appender, (batch, result) => {
        for (const s of batch) committed += s.timestamps.length;
        options.onProgress?.({ phase: 'committing', ...read, committed });
        if (result.tooFarAhead)
          problems.add(
            undefined,
            `${result.tooFarAhead} samples refused by the store: stamped too far ahead of the hub's clock (store.max_future); check the clock of the system that wrote them`,
          );
        for (const r of result.rejected)
          problems.add(undefined, `series ${formatLabels(batch[r.index].labels as Labels)} refused by the store: ${r.reason}`);
      });
      appended = done.appended;
      Object.assign(store, done.store);
      committing = false;
    }
    return {
      format,
      committed: !error,
      ...(error ? { error } : {}),
      samples: reader.samples,
      appended,
      series: staging.seriesCount,
      families: reader.families.size,
      rejected: problems.list,
      problemCount: problems.count,
      skippedFamilies: reader.skippedFamilies,
      missingTimestamps: { count: reader.missingTimestamps, action: options.defaultTimestamp === undefined ? 'rejected' : 'defaulted' },
      store,
      ...(pastRetention ? { pastRetention } : {}),
      bytesRead,
    };
  } catch (e) {
    // The store failed mid-commit (a full disk...): the staging file stays, and the next
    // start of the hub (resumeImports) commits the rest, so the import ends whole.
    if (committing && staging.path !== undefined) {
      staging.close();
      throw new Error(`${(e as Error).message}; what is not stored yet is stored when the hub next starts (${staging.path})`);
    }
    throw e;
  } finally {
    if (!committing || staging.path === undefined) staging.discard();
  }
}

type AppendResult = ReturnType<Appender['append']>;

/** Appends everything staged, a slice at a time, then the families' metadata. */
async function commitStaged(
  staging: Staging,
  appender: Appender,
  onBatch?: (batch: readonly AppendSeries[], result: AppendResult) => void,
): Promise<{ appended: number; store: ImportSummary['store'] }> {
  const store = { duplicates: 0, conflicts: 0, tooOld: 0, tooFarAhead: 0, rejectedSeries: 0 };
  let appended = 0;
  let first = true;
  // The staging file is the redo log until it is deleted: the store need not journal the
  // samples again (half the writes, and query workers do not replay them), only seal them.
  const journaled = appender.sealUnjournaled === undefined;
  for (const batch of staging.batches(SAMPLES_PER_APPEND, SERIES_PER_APPEND)) {
    // Other requests, ingest and alerting run between slices.
    if (!first) await new Promise((resolve) => setImmediate(resolve));
    first = false;
    const result = journaled ? appender.append(batch) : appender.append(batch, { journaled: false });
    appended += result.appended ?? 0;
    store.duplicates += result.duplicates ?? 0;
    store.conflicts += result.conflicts ?? 0;
    store.tooOld += result.tooOld ?? 0;
    store.tooFarAhead += result.tooFarAhead ?? 0;
    store.rejectedSeries += result.rejected.length;
    onBatch?.(batch, result);
  }
  if (appender.setMetadata)
    for (const [metric, meta] of staging.meta<[string, MetricMetadata][]>('metadata') ?? []) appender.setMetadata(metric, meta);
  appender.sealUnjournaled?.();
  return { appended, store };
}

/**
 * Finishes what imports left in `stagingDir` when the process stopped: one that had begun
 * committing is committed again (what it stored already comes back as duplicates), one
 * still being read was never acknowledged and is deleted. Returns a line per file.
 */
export async function resumeImports(stagingDir: string, appender: Appender): Promise<string[]> {
  const said: string[] = [];
  for (const path of pendingImports(stagingDir)) {
    let staging: Staging | undefined;
    try {
      staging = Staging.reopen(path);
      if (staging.phase !== 'committing') {
        said.push(`import staging ${path}: never acknowledged (the hub stopped while reading it); deleted`);
        continue;
      }
      const done = await commitStaged(staging, appender);
      said.push(
        `import staging ${path}: the hub stopped while committing it; committed again: ${done.appended} samples stored, ${done.store.duplicates} already there`,
      );
    } catch (e) {
      said.push(`import staging ${path}: unreadable (${(e as Error).message}); deleted`);
    } finally {
      if (staging) staging.discard();
      else Staging.remove(path);
    }
  }
  return said;
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
  maxStagedBytes: 'maxStagedBytes',
  partial: 'partial: true',
};

function tooManyBytes(limit: number, names: typeof DEFAULT_LIMIT_NAMES): string {
  const mib = (limit / 1024 ** 2).toFixed(0);
  return `the input's series and families take more than the import's memory limit of ${mib} MiB (${names.maxStagedBytes}), so nothing was imported: split the file by series, or raise ${names.maxStagedBytes} (the hub needs the memory: see its heap limit, node --max-old-space-size)`;
}

function describe(r: { line?: number; reason: string }): string {
  return r.line === undefined ? r.reason : `line ${r.line}: ${r.reason}`;
}
