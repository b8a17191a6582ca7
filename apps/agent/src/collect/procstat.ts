// /proc/[pid]/stat parsing, shared by the processes and top-processes collectors.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isNotFound } from './util.ts';

export interface ProcStat {
  pid: number;
  /** The executable name (at most 15 characters), which may itself contain blanks and parentheses. */
  comm: string;
  /** R, S, D, Z, T, t, X, I, … */
  state: string;
  /** utime + stime are in clock ticks (USER_HZ). */
  utime: number;
  stime: number;
  numThreads: number;
  /** Clock ticks after boot. */
  starttime: number;
  /** Resident set size in pages. */
  rss: number;
}

/** Parses one /proc/[pid]/stat (or task/[tid]/stat) line; undefined if it is not one. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields after the comm, numbered from 3 (state) as in proc(5).
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  if (rest.length < 22) return undefined;
  const stat: ProcStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    utime: field(14),
    stime: field(15),
    numThreads: field(20),
    starttime: field(22),
    rss: field(24),
  };
  return Number.isNaN(stat.pid) || Number.isNaN(stat.utime) || Number.isNaN(stat.stime) || Number.isNaN(stat.rss) ? undefined : stat;
}

/** Numeric entries of a /proc-like directory (pids, or tids under task/). */
export async function listPids(dir: string): Promise<number[]> {
  const entries = readdirSync(dir);
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads <dir>/<pid>/stat; undefined when the process went away meanwhile (ENOENT/ESRCH)
 * or the content is not a stat line. Other errors are thrown.
 */
export async function readProcStat(dir: string, pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(readFileSync(path.join(dir, String(pid), 'stat'), 'utf8'));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
