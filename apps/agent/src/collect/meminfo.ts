// meminfo: every /proc/meminfo field as node_memory_<Field>[_bytes], like node_exporter:
// `Active(anon):  123 kB` → node_memory_Active_anon_bytes = 123 * 1024; a field without a unit
// (HugePages_Total) keeps its name and value. Names ending in `_total` are counters.
import type { Collector } from './collector.ts';
import { FamilySet, fields, linuxCollector, parseNumber, procPath, readText } from './util.ts';

/** Field name → value, named the way node_exporter names them (without the node_memory_ prefix). */
export function parseMeminfo(text: string, file = '/proc/meminfo'): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const parts = fields(line);
    if (parts.length === 0) continue;
    if (parts.length < 2 || parts.length > 3 || !parts[0].endsWith(':'))
      throw new Error(`meminfo: ${file}: malformed line ${JSON.stringify(line)}`);
    let key = parts[0].slice(0, -1).replace(/\((.*)\)/, '_$1');
    let value = parseNumber('meminfo', file, parts[1]);
    if (parts.length === 3) {
      // The kernel only ever prints kB here.
      value *= 1024;
      key += '_bytes';
    }
    out.set(key, value);
  }
  return out;
}

export function meminfoCollector(): Collector {
  return linuxCollector('meminfo', async (ctx) => {
    const file = procPath(ctx, 'meminfo');
    const info = parseMeminfo(await readText('meminfo', file), file);
    if (info.size === 0) throw new Error(`meminfo: ${file} is empty`);
    const set = new FamilySet();
    for (const [key, value] of [...info].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      set.get(`node_memory_${key}`, key.endsWith('_total') ? 'counter' : 'gauge', `Memory information field ${key}.`).add(value);
    }
    return set.build();
  });
}
