// vmstat: selected /proc/vmstat fields as untyped node_vmstat_<field>, like node_exporter
// (default --collector.vmstat.fields).
import type { Collector } from './collector.ts';
import { fields, linuxCollector, parseNumber, procPath, readText, untyped } from './util.ts';

export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

export function vmstatCollector(options: { fields?: RegExp } = {}): Collector {
  const wanted = options.fields ?? DEFAULT_VMSTAT_FIELDS;
  return linuxCollector('vmstat', async (ctx) => {
    const file = procPath(ctx, 'vmstat');
    const text = await readText('vmstat', file);
    const out = [];
    for (const line of text.split('\n')) {
      const parts = fields(line);
      if (parts.length < 2 || !wanted.test(parts[0])) continue;
      out.push(
        untyped(`node_vmstat_${parts[0]}`, `/proc/vmstat information field ${parts[0]}.`).add(parseNumber('vmstat', file, parts[1])),
      );
    }
    return out;
  });
}
