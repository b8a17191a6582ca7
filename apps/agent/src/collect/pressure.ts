// pressure: pressure stall information (PSI) totals from /proc/pressure/{cpu,io,memory} as
// seconds counters, like node_exporter's pressure collector: "some" is waiting, "full" is
// stalled.
import type { Collector } from './collector.ts';
import { counter, errnoCode, fileError, linuxCollector, procPath } from './util.ts';
import { readFileSync } from 'node:fs';

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Microseconds. */
  total: number;
}

/** `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` lines → { some, full }. */
export function parsePsi(text: string, file: string): { some?: PsiLine; full?: PsiLine } {
  const out: { some?: PsiLine; full?: PsiLine } = {};
  for (const line of text.split('\n')) {
    const m = /^(some|full)\s+avg10=(\S+)\s+avg60=(\S+)\s+avg300=(\S+)\s+total=(\d+)\s*$/.exec(line);
    if (!m) {
      if (line.trim() !== '') throw new Error(`pressure: ${file}: malformed line ${JSON.stringify(line)}`);
      continue;
    }
    out[m[1] as 'some' | 'full'] = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: Number(m[5]) };
  }
  return out;
}

/** µs → s the way node_exporter does it (two divisions by 1000), so values compare exactly. */
const seconds = (us: number) => us / 1000.0 / 1000.0;

export function pressureCollector(): Collector {
  return linuxCollector('pressure', async (ctx) => {
    const read = async (res: string) => {
      const file = procPath(ctx, 'pressure', res);
      try {
        return parsePsi(readFileSync(file, 'utf8'), file);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EOPNOTSUPP' || code === 'ENOTSUP')
          throw fileError('pressure', file, err, 'PSI is disabled: boot the kernel with psi=1');
        throw fileError('pressure', file, err, 'kernel without PSI, or running in a container');
      }
    };
    // In order, so that a kernel without PSI is reported on the cpu file.
    const cpu = await read('cpu');
    const io = await read('io');
    const memory = await read('memory');
    const f = (name: string, help: string, line: PsiLine | undefined) => {
      const fam = counter(name, help);
      if (line) fam.add(seconds(line.total));
      return fam;
    };
    return [
      f('node_pressure_cpu_waiting_seconds_total', 'Total time in seconds that processes have waited for CPU time', cpu.some),
      f('node_pressure_io_waiting_seconds_total', 'Total time in seconds that processes have waited due to IO congestion', io.some),
      f('node_pressure_io_stalled_seconds_total', 'Total time in seconds no process could make progress due to IO congestion', io.full),
      f('node_pressure_memory_waiting_seconds_total', 'Total time in seconds that processes have waited for memory', memory.some),
      f(
        'node_pressure_memory_stalled_seconds_total',
        'Total time in seconds no process could make progress due to memory congestion',
        memory.full,
      ),
    ];
  });
}
