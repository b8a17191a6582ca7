// The contract of an import: what it writes into, what it is told, what it reports.

import type { AppendOptions, AppendSeries, MetricMetadata } from '@metrics-hub/tsdb';

/** Where imported samples go; TimeSeriesStore satisfies it. */
export interface Appender {
  append(
    batch: readonly AppendSeries[],
    options?: Pick<AppendOptions, 'journaled'>,
  ): {
    rejected: { index: number; reason: string }[];
    appended?: number;
    duplicates?: number;
    conflicts?: number;
    tooOld?: number;
    tooFarAhead?: number;
  };
  /** HELP/TYPE/UNIT of a family; optional for appenders without metadata. */
  setMetadata?(metric: string, meta: MetricMetadata): void;
  /**
   * Where an appender has it, a staged import appends with `journaled: false` (its staging
   * file is the redo log) and calls this before deleting the staging file.
   */
  sealUnjournaled?(): void;
}

export type ImportFormat = 'prometheus' | 'openmetrics' | 'mhb-json';

export type ImportInput =
  | { text: string }
  | { path: string }
  /** Any byte or text stream; `totalBytes` (when known) is passed to the progress callback. */
  | { stream: AsyncIterable<Buffer | Uint8Array | string>; totalBytes?: number };

export interface ImportProgress {
  /** Reading and checking the input, then (all read and checked) appending it to the store. */
  phase: 'reading' | 'committing';
  bytesRead: number;
  /** Undefined for a stream of unknown length. */
  totalBytes: number | undefined;
  /** Samples read and accepted by the import's checks so far. */
  samples: number;
  /** Samples handed to the store so far (committing). */
  committed: number;
}

export interface ImportOptions {
  /** Default: mhb-json when the first line says so; OpenMetrics when the text ends with `# EOF` (text and files); else the Prometheus text format. */
  format?: ImportFormat;
  /** Commit the good samples and report the bad ones, instead of committing nothing when anything is wrong. */
  partial?: boolean;
  /** Milliseconds given to samples without a timestamp; without it such samples are rejected. */
  defaultTimestamp?: number;
  /**
   * A folder for the import's staging file (deleted when the import ends). Without it the
   * samples are staged in memory, which bounds the import by memory.
   */
  stagingDir?: string;
  /**
   * Estimated bytes of the series and families an import keeps in memory (default an
   * eighth of the heap limit, at most 512 MiB): counted as the input is read, so a file of
   * millions of series fails before it exhausts memory.
   */
  maxStagedBytes?: number;
  /** How the caller's users name the limit and `partial`, for the error that names them. */
  limitNames?: { maxStagedBytes?: string; partial?: string };
  /**
   * What the store keeps. Samples at or before `cutoff(newest sample imported)` would not
   * stay in the store (see `fate`): an import holding any is refused saying how many,
   * unless `allow`; then the summary says where they went.
   */
  retention?: {
    cutoff: (newestImported: number) => number;
    /** What becomes of such samples, e.g. "deleted right after the import (raw samples; ...)". */
    fate: string;
    allow: boolean;
    /** How the caller's users say `allow`, for the refusal. */
    allowName: string;
  };
  /** Problems listed at most (default 100; the count is always complete). */
  maxProblems?: number;
  /** After each piece read, and after each store append of the commit. */
  onProgress?: (progress: ImportProgress) => void;
  /** When everything is read and checked, right before the first sample is appended. */
  onCommit?: (staged: { samples: number; series: number }) => void;
}

export interface ImportRejection {
  /** 1-based line of the input, where the problem has one. */
  line?: number;
  reason: string;
}

export interface ImportSummary {
  format: ImportFormat;
  /** True when the samples were handed to the appender (all of them, or with `partial` the good ones). */
  committed: boolean;
  /** Why nothing was committed, when it was not. */
  error?: string;
  /** Samples read from the input and accepted by the import's checks. */
  samples: number;
  /** Samples the appender stored (excludes duplicates, conflicts, too-old and too-far-ahead ones). */
  appended: number;
  /** Distinct series (in a partial import committed in several batches, a series counts once per batch it is in). */
  series: number;
  families: number;
  /** Every problem, with its line where known (at most `maxProblems`; `problemCount` has the total). */
  rejected: ImportRejection[];
  problemCount: number;
  /** Families none of whose samples could be imported (e.g. no timestamps and no default). */
  skippedFamilies: string[];
  /** Samples that had no timestamp: given `defaultTimestamp` when set, rejected otherwise. */
  missingTimestamps: { count: number; action: 'defaulted' | 'rejected' };
  /** What the appender refused or ignored after the import's own checks passed. */
  store: { duplicates: number; conflicts: number; tooOld: number; tooFarAhead: number; rejectedSeries: number };
  /** Samples older than what the store keeps (see ImportOptions.retention), and what becomes of them. */
  pastRetention?: { samples: number; cutoffMs: number; fate: string };
  bytesRead: number;
}
