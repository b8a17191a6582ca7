// netdev: per interface counters node_network_{receive,transmit}_<stat>_total from
// /proc/net/dev, like node_exporter's netdev collector. node_exporter reads them over
// netlink by default, which adds receive_nohandler: that one is read from
// /sys/class/net/<device>/statistics/rx_nohandler when present. The other netlink fields
// are folded by the kernel into the /proc/net/dev columns exactly as node_exporter folds them.
import type { Collector } from './collector.ts';
import { counter, fields, linuxCollector, procPath, readOptional, readText, sysPath, type FamilyBuilder } from './util.ts';

export interface NetDevLine {
  device: string;
  /** `receive_bytes`, `transmit_colls`, … → value */
  stats: Map<string, number>;
}

export function parseNetDev(text: string, file = '/proc/net/dev'): NetDevLine[] {
  const lines = text.split('\n');
  // Line 2: " face |bytes packets … multicast|bytes packets … compressed"
  const header = lines[1]?.split('|');
  if (header?.length !== 3) throw new Error(`netdev: ${file}: unexpected header ${JSON.stringify(lines[1] ?? '')}`);
  const rx = fields(header[1]);
  const tx = fields(header[2]);
  const out: NetDevLine[] = [];
  for (const line of lines.slice(2)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`netdev: ${file}: malformed line ${JSON.stringify(line)}`);
    const device = line.slice(0, colon).trim();
    const values = fields(line.slice(colon + 1)).map(Number);
    if (values.length !== rx.length + tx.length || values.some(Number.isNaN))
      throw new Error(`netdev: ${file}: malformed line ${JSON.stringify(line)}`);
    const stats = new Map<string, number>();
    rx.forEach((k, i) => stats.set(`receive_${k}`, values[i]));
    tx.forEach((k, i) => stats.set(`transmit_${k}`, values[rx.length + i]));
    out.push({ device, stats });
  }
  return out;
}

export interface NetdevOptions {
  /** Interfaces to leave out; none by default. */
  deviceExclude?: RegExp;
  /** If set, only these interfaces (deviceExclude is ignored). */
  deviceInclude?: RegExp;
}

export function netdevCollector(options: NetdevOptions = {}): Collector {
  const ignored = (dev: string) => (options.deviceInclude ? !options.deviceInclude.test(dev) : (options.deviceExclude?.test(dev) ?? false));
  return linuxCollector('netdev', async (ctx) => {
    const file = procPath(ctx, 'net/dev');
    const devices = parseNetDev(await readText('netdev', file), file).filter((d) => !ignored(d.device));
    const fams = new Map<string, FamilyBuilder>();
    const add = (key: string, value: number, device: string) => {
      let f = fams.get(key);
      if (!f) {
        f = counter(`node_network_${key}_total`, `Network device statistic ${key}.`);
        fams.set(key, f);
      }
      f.add(value, { device });
    };
    for (const d of devices) {
      for (const [key, value] of d.stats) add(key, value, d.device);
      const nohandler = await readOptional(sysPath(ctx, 'class/net', d.device, 'statistics/rx_nohandler'));
      const v = nohandler === undefined || nohandler.trim() === '' ? NaN : Number(nohandler);
      if (!Number.isNaN(v)) add('receive_nohandler', v, d.device);
    }
    return [...fams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
  });
}
