// stat: boot time, context switches, interrupts, forks and runnable/blocked processes
// from /proc/stat, like node_exporter's stat collector (without the optional softirq detail).
import type { Collector } from './collector.ts';
import { counter, fields, gauge, linuxCollector, parseNumber, procPath, readText } from './util.ts';

export function statCollector(): Collector {
  return linuxCollector('stat', async (ctx) => {
    const file = procPath(ctx, 'stat');
    const text = await readText('stat', file);
    const fams = {
      intr: counter('node_intr_total', 'Total number of interrupts serviced.'),
      ctxt: counter('node_context_switches_total', 'Total number of context switches.'),
      processes: counter('node_forks_total', 'Total number of forks.'),
      btime: gauge('node_boot_time_seconds', 'Node boot time, in unixtime.'),
      procs_running: gauge('node_procs_running', 'Number of processes in runnable state.'),
      procs_blocked: gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.'),
    };
    for (const line of text.split('\n')) {
      const parts = fields(line);
      const fam = parts.length >= 2 && Object.hasOwn(fams, parts[0]) ? fams[parts[0] as keyof typeof fams] : undefined;
      // `intr` is followed by per-IRQ counts: only the total (first) is exposed.
      if (fam) fam.add(parseNumber('stat', file, parts[1]));
    }
    if (fams.btime.samples.length === 0) throw new Error(`stat: ${file}: no btime line`);
    return Object.values(fams);
  });
}
