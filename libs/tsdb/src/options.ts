// Store settings with their defaults, checked once at open so that a bad value fails with
// its name and a fix instead of surfacing later as odd behaviour.

import { StoreError } from './errors.ts';
import { HOUR_MS } from './rollup.ts';

const DAY_MS = 24 * HOUR_MS;

export interface StoreOptions {
  /** SQLite file. */
  path: string;
  /**
   * 'process' (default): an acknowledged append survives the process being killed.
   * 'power': it also survives power loss (fsync on every commit, much slower).
   */
  durability?: 'process' | 'power';
  /** A head chunk is sealed when it holds this many samples... */
  chunkMaxSamples?: number;
  /** ...or when its samples cross a window boundary (aligned to the epoch; divides a day). */
  chunkWindowMs?: number;
  /** Samples this much older than a series' newest are still accepted and merged on read. */
  outOfOrderWindowMs?: number;
  /**
   * Samples stamped more than this far ahead of `now()` are refused (counted as too far
   * ahead), whoever appends them: a clock decades off must not be able to date the store
   * into the future. Default 5 minutes; Infinity turns the check off (tests only).
   */
  maxFutureMs?: number;
  /**
   * The clock the door and retention go by (default Date.now). Retention, idle sealing and
   * rollup cut-offs count back from the newest sample or this clock, whichever is earlier.
   */
  now?: () => number;
  retention?: {
    /** Raw chunks, relative to the newest sample stored. */
    rawMs?: number;
    rollup1mMs?: number;
    rollup1hMs?: number;
  };
  limits?: {
    maxSeries?: number;
    /** e.g. { label: 'instance', limit: 5000 }: at most that many series per value of `instance`. */
    maxSeriesPerLabelValue?: { label: string; limit: number };
  };
  /**
   * Cold storage: raw chunks past `retention.rawMs` are moved, a whole UTC day at a time,
   * into immutable files in `dir` instead of being deleted, and read from there on demand.
   * Samples of archived days are no longer accepted (they count as too old).
   */
  archive?: {
    dir: string;
    /** Archive files whose day ended longer ago than this (from the newest sample) are deleted. Default: kept forever. */
    retentionMs?: number;
    /** Where the archive reports what it wrote and what it found damaged. */
    log?: (line: string) => void;
  };
  /** Above this many bytes of unsealed write-ahead rows, the oldest heads are sealed early. */
  walMaxBytes?: number;
  pageSize?: number;
}

export type ResolvedOptions = Required<Omit<StoreOptions, 'retention' | 'limits' | 'archive'>> & {
  /** Whether chunkWindowMs was given (an existing file otherwise keeps its own). */
  windowExplicit: boolean;
  retention: Required<NonNullable<StoreOptions['retention']>>;
  limits: { maxSeries: number; maxSeriesPerLabelValue?: { label: string; limit: number } };
  archive?: { dir: string; retentionMs: number; log: (line: string) => void };
};

export function resolveOptions(o: StoreOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    path: o.path,
    durability: o.durability ?? 'process',
    chunkMaxSamples: o.chunkMaxSamples ?? 2048,
    chunkWindowMs: o.chunkWindowMs ?? 2 * HOUR_MS,
    outOfOrderWindowMs: o.outOfOrderWindowMs ?? 2 * DAY_MS,
    maxFutureMs: o.maxFutureMs ?? 5 * 60_000,
    now: o.now ?? Date.now,
    retention: {
      rawMs: o.retention?.rawMs ?? 15 * DAY_MS,
      rollup1mMs: o.retention?.rollup1mMs ?? 90 * DAY_MS,
      rollup1hMs: o.retention?.rollup1hMs ?? 730 * DAY_MS,
    },
    limits: { maxSeries: o.limits?.maxSeries ?? 1_000_000, maxSeriesPerLabelValue: o.limits?.maxSeriesPerLabelValue },
    walMaxBytes: o.walMaxBytes ?? 256 * 1024 * 1024,
    pageSize: o.pageSize ?? 16384,
    windowExplicit: o.chunkWindowMs !== undefined,
    archive: o.archive && { dir: o.archive.dir, retentionMs: o.archive.retentionMs ?? Infinity, log: o.archive.log ?? (() => {}) },
  };
  const bad = (name: string, why: string) => new StoreError('invalid_option', `store option ${name} ${why}`);
  if (typeof r.path !== 'string' || r.path === '') throw bad('path', 'is required: give the SQLite file to use');
  if (r.durability !== 'process' && r.durability !== 'power') throw bad('durability', "must be 'process' or 'power'");
  if (!Number.isInteger(r.chunkMaxSamples) || r.chunkMaxSamples < 16 || r.chunkMaxSamples > 65536)
    throw bad('chunkMaxSamples', 'must be a whole number from 16 to 65536');
  if (!Number.isInteger(r.chunkWindowMs) || r.chunkWindowMs < HOUR_MS || DAY_MS % r.chunkWindowMs !== 0) {
    throw bad('chunkWindowMs', 'must be a whole number of hours that divides a day (1, 2, 3, 4, 6, 8, 12 or 24 h)');
  }
  if (!(r.outOfOrderWindowMs >= 0)) throw bad('outOfOrderWindowMs', 'must be 0 or more');
  if (r.outOfOrderWindowMs > r.retention.rawMs) throw bad('outOfOrderWindowMs', 'must not exceed retention.rawMs');
  if (!(r.maxFutureMs >= 0)) throw bad('maxFutureMs', 'must be 0 or more (milliseconds a sample may be stamped ahead of the clock)');
  if (typeof r.now !== 'function') throw bad('now', 'must be a function returning milliseconds since the epoch');
  if (!(r.retention.rawMs >= r.chunkWindowMs)) throw bad('retention.rawMs', 'must be at least one chunk window');
  if (!(r.retention.rollup1mMs >= r.retention.rawMs))
    throw bad('retention.rollup1mMs', 'must be at least retention.rawMs (rollups outlive raw data)');
  if (!(r.retention.rollup1hMs >= r.retention.rollup1mMs)) throw bad('retention.rollup1hMs', 'must be at least retention.rollup1mMs');
  if (!(r.limits.maxSeries > 0)) throw bad('limits.maxSeries', 'must be positive');
  const per = r.limits.maxSeriesPerLabelValue;
  if (per && (!per.label || !(per.limit > 0))) throw bad('limits.maxSeriesPerLabelValue', 'needs a label name and a positive limit');
  if (r.archive) {
    if (typeof r.archive.dir !== 'string' || r.archive.dir === '')
      throw bad('archive.dir', 'is required for cold storage: give the folder for archive files (a NAS or mounted bucket is fine)');
    if (!(r.archive.retentionMs >= DAY_MS))
      throw bad('archive.retentionMs', 'must be at least one day (leave it out to keep archive files forever)');
  }
  if (![1024, 2048, 4096, 8192, 16384, 32768, 65536].includes(r.pageSize))
    throw bad('pageSize', 'must be a power of two from 1024 to 65536');
  return r;
}

export const DAY = DAY_MS;
