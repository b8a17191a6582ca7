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
