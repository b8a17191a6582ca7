// processes: process and thread counts by state from /proc/[pid]/stat and
// /proc/[pid]/task/[tid]/stat, and the kernel's pid and thread limits, like node_exporter's
// processes collector (which node_exporter leaves off by default; the agent has it on).
import path from 'node:path';
import type { Collector } from './collector.ts';
import { fileError, gauge, isNotFound, linuxCollector, mapLimit, parseNumber, procPath, readText } from './util.ts';
import { listPids, readProcStat } from './procstat.ts';

export function processesCollector(): Collector {
  return linuxCollector('processes', async (ctx) => {
    const proc = procPath(ctx);
    let pids: number[];
    try {
      pids = await listPids(proc);
    } catch (err) {
      throw fileError('processes', proc, err);
    }
    const states = new Map<string, number>();
    const threadStates = new Map<string, number>();
    let count = 0;
    let threads = 0;
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

    await mapLimit(pids, 32, async (pid) => {
      let stat;
      try {
        stat = await readProcStat(proc, pid);
      } catch (err) {
        throw fileError('processes', path.join(proc, String(pid), 'stat'), err);
      }
      if (!stat) return; // exited meanwhile
      count++;
      bump(states, stat.state);
      threads += stat.numThreads;
      const taskDir = path.join(proc, String(pid), 'task');
      let tids: number[];
      try {
        tids = await listPids(taskDir);
      } catch (err) {
        if (isNotFound(err)) return;
        throw fileError('processes', taskDir, err);
      }
      for (const tid of tids) {
        // The main thread's state is the process's.
        if (tid === pid) {
          bump(threadStates, stat.state);
          continue;
        }
        const t = await readProcStat(taskDir, tid).catch((err: unknown) => {
          throw fileError('processes', path.join(taskDir, String(tid), 'stat'), err);
        });
        if (t) bump(threadStates, t.state);
      }
    });

    const limit = async (name: string) => {
      const file = procPath(ctx, 'sys/kernel', name);
      return parseNumber('processes', file, (await readText('processes', file)).trim());
    };
    const [maxThreads, pidMax] = await Promise.all([limit('threads-max'), limit('pid_max')]);

    const byKey = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const state = gauge('node_processes_state', 'Number of processes in each state.');
    for (const [s, n] of byKey(states)) state.add(n, { state: s });
    const threadState = gauge('node_processes_threads_state', 'Number of threads in each state.');
    for (const [s, n] of byKey(threadStates)) threadState.add(n, { thread_state: s });
    return [
      gauge('node_processes_threads', 'Allocated threads in system').add(threads),
      gauge('node_processes_max_threads', 'Limit of threads in the system').add(maxThreads),
      state,
      threadState,
      gauge('node_processes_pids', 'Number of PIDs').add(count),
      gauge('node_processes_max_processes', 'Number of max PIDs limit').add(pidMax),
    ];
  });
}
