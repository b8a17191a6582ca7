// top_processes: the N programs using the most CPU and the N using the most memory.
//
//   agent_top_process_cpu_ratio{rank="1".."N", comm}            gauge
//     CPU time (utime + stime of all threads) used between the last two collections,
//     divided by the wall-clock time between them: 1 means one core fully busy.
//     Nothing on the first collection, which has no previous sample to compare with.
//   agent_top_process_resident_memory_bytes{rank="1".."N", comm}  gauge
//     Resident set size.
//
// Cardinality stays fixed by design:
// - The labels are only the rank and the program name (comm, 15 characters at most). Never
//   the pid: every short-lived process would create a new series.
// - Processes are summed by comm before ranking, so 12 `postgres` backends are one entry and
//   a (rank, comm) pair occurs at most once per collection: each family has at most N samples.
// - Both are gauges. A counter with a rank label would reset each time the ranking changes.
//   When a program moves from rank 2 to rank 1 its old series simply ends; over time the
//   number of series is bounded by N × the programs that ever reach the top N.
// - Programs using no CPU in the interval (or no memory, as kernel threads) are not ranked,
//   so an idle host exposes fewer than N samples rather than arbitrary zeros.
// The `agent_` prefix says that node_exporter has no such metric.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Collector } from './collector.ts';
import { USER_HZ } from './cpu.ts';
import { listPids, readProcStat, type ProcStat } from './procstat.ts';
import { fileError, gauge, linuxCollector, mapLimit, procPath, readOptional } from './util.ts';

export const DEFAULT_TOP_PROCESSES = 5;

/** The kernel's base page size, from the first mapping of <procfs>/self/smaps; 4096 if unknown. */
async function detectPageSize(procfs: string): Promise<number> {
  let fh;
  try {
    fh = await fsp.open(path.join(procfs, 'self/smaps'), 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const m = /KernelPageSize:\s+(\d+) kB/.exec(buf.toString('utf8', 0, bytesRead));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // fixture trees and restricted procfs: fall through
  } finally {
    await fh?.close();
  }
  return 4096;
}

interface Seen {
  starttime: number;
  ticks: number;
}

export interface TopProcessesOptions {
  /** How many programs per family; default 5. */
  n?: number;
  /** Bytes per page for rss; detected from procfs when not given. */
  pageSize?: number;
}

function rank(totals: Map<string, number>, n: number): Array<[string, number]> {
  return [...totals]
    .filter(([, v]) => v > 0)
    .sort(([ca, a], [cb, b]) => b - a || (ca < cb ? -1 : ca > cb ? 1 : 0))
    .slice(0, n);
}

export function topProcessesCollector(options: TopProcessesOptions = {}): Collector {
  const n = options.n ?? DEFAULT_TOP_PROCESSES;
  let pageSize = options.pageSize;
  let prev: { atMs: number; uptimeTicks: number | undefined; procs: Map<number, Seen> } | undefined;

  return linuxCollector('top_processes', async (ctx) => {
    const proc = procPath(ctx);
    pageSize ??= await detectPageSize(proc);
    const atMs = ctx.now();
    const uptimeText = await readOptional(procPath(ctx, 'uptime'));
    const uptime = uptimeText === undefined ? NaN : Number(uptimeText.trim().split(/\s+/)[0]);
    const uptimeTicks = Number.isNaN(uptime) ? undefined : uptime * USER_HZ;

    let pids: number[];
    try {
      pids = await listPids(proc);
    } catch (err) {
      throw fileError('top_processes', proc, err);
    }
    const stats = (await mapLimit(pids, 32, (pid) => readProcStat(proc, pid).catch(() => undefined))).filter(
      (s): s is ProcStat => s !== undefined,
    );

    const cpuTicks = new Map<string, number>();
    const rssBytes = new Map<string, number>();
    const procs = new Map<number, Seen>();
    for (const s of stats) {
      const ticks = s.utime + s.stime;
      procs.set(s.pid, { starttime: s.starttime, ticks });
      rssBytes.set(s.comm, (rssBytes.get(s.comm) ?? 0) + s.rss * pageSize);
      if (!prev) continue;
      const before = prev.procs.get(s.pid);
      let delta: number;
      if (before && before.starttime === s.starttime) delta = Math.max(0, ticks - before.ticks);
      else if (prev.uptimeTicks === undefined || s.starttime >= prev.uptimeTicks)
        delta = ticks; // started since: all its CPU time is in the interval
      else continue; // existed before but was not seen then: its share of the interval is unknown
      cpuTicks.set(s.comm, (cpuTicks.get(s.comm) ?? 0) + delta);
    }

    const cpu = gauge(
      'agent_top_process_cpu_ratio',
      'CPU seconds per second used since the previous collection by the programs (processes summed by name) using the most CPU, ranked from 1.',
    );
    const mem = gauge(
      'agent_top_process_resident_memory_bytes',
      'Resident memory of the programs (processes summed by name) using the most memory, ranked from 1.',
    );
    const elapsedSeconds = prev ? (atMs - prev.atMs) / 1000 : 0;
    if (prev && elapsedSeconds > 0) {
      rank(cpuTicks, n).forEach(([comm, ticks], i) => cpu.add(ticks / USER_HZ / elapsedSeconds, { rank: String(i + 1), comm }));
    }
    rank(rssBytes, n).forEach(([comm, bytes], i) => mem.add(bytes, { rank: String(i + 1), comm }));
    prev = { atMs, uptimeTicks, procs };
    return [cpu, mem];
  });
}
