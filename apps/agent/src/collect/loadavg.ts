// loadavg: node_load1, node_load5, node_load15 from /proc/loadavg.
import type { Collector } from './collector.ts';
import { fields, gauge, linuxCollector, parseNumber, procPath, readText } from './util.ts';

export function loadavgCollector(): Collector {
  return linuxCollector('loadavg', async (ctx) => {
    const file = procPath(ctx, 'loadavg');
    const parts = fields(await readText('loadavg', file));
    if (parts.length < 3) throw new Error(`loadavg: ${file}: expected at least 3 fields, got ${parts.length}`);
    return (['1', '5', '15'] as const).map((m, i) =>
      gauge(`node_load${m}`, `${m}m load average.`).add(parseNumber('loadavg', file, parts[i])),
    );
  });
}
