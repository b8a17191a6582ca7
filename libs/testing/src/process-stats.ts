// A process's CPU time and memory from /proc (Linux), for benchmarks that measure a child.
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far, from /proc (USER_HZ = 100). */
export function processCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** A process's resident set, in bytes (0 once it is gone). */
export function processRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface RssFigures {
  medianBytes: number;
  maxBytes: number;
  /** How many readings they are from. */
  count: number;
}

/** Reads `pid`'s resident set now and every `everyMs` until `stop()`, which returns the median and the largest. */
export function sampleRss(pid: number, everyMs = 250): { stop(): RssFigures } {
  const seen: number[] = [];
  const read = () => {
    const rss = processRssBytes(pid);
    if (rss > 0) seen.push(rss);
  };
  read();
  const timer = setInterval(read, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      read();
      seen.sort((a, b) => a - b);
      return { medianBytes: seen[Math.floor((seen.length - 1) / 2)] ?? 0, maxBytes: seen.at(-1) ?? 0, count: seen.length };
    },
  };
}

export interface IdleOptions {
  /** Idle means less CPU than this share of one core... (default 0.1) */
  belowCores?: number;
  /** ...over a window this long (default 2 s). */
  windowMs?: number;
  /** Give up after this long (default 2 min). */
  timeoutMs?: number;
  /** Called after each busy window with the cores used, for progress. */
  onBusy?: (cores: number, waitedMs: number) => void;
}

/**
 * Resolves (with the milliseconds waited) once process `pid` has used less than
 * `belowCores` of a core over a whole window: a server done with what a load left it to
 * do (compactions, merges, sealing), so that it does not compete with what is measured next.
 */
export async function waitForIdle(
  pid: number,
  { belowCores = 0.1, windowMs = 2000, timeoutMs = 120_000, onBusy }: IdleOptions = {},
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const cpu0 = processCpuSeconds(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const cores = (processCpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
    const waited = Date.now() - started;
    if (cores < belowCores) return waited;
    if (waited > timeoutMs)
      throw new Error(
        `process ${pid} still used ${cores.toFixed(2)} cores after ${(waited / 1000).toFixed(0)} s: it is not settling; look at its log, or raise timeoutMs`,
      );
    onBusy?.(cores, waited);
  }
}
