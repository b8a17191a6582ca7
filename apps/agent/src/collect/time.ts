// time: node_time_seconds, node_time_zone_offset_seconds{time_zone} and the clock sources
// from /sys/devices/system/clocksource, like node_exporter's time collector.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Collector } from './collector.ts';
import { gauge, linuxCollector, listOptional, readOptional, sysPath } from './util.ts';

export interface ZoneInfo {
  /** The abbreviation Go's time.Zone() gives: "UTC", "CET", "CEST", "EST", "+03". */
  name: string;
  /** Seconds east of UTC. */
  offsetSeconds: number;
}

/** The std and dst abbreviations and std offset from a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3`. */
export function parsePosixTz(tz: string): { std: string; stdOffsetSeconds: number; dst?: string } | undefined {
  const m = /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{2}(?::\d{2})?)?)(<[^>]+>|[A-Za-z]{3,})?/.exec(tz);
  if (!m) return undefined;
  const name = (s: string) => s.replace(/^<|>$/g, '');
  const [h, mi = '0', s = '0'] = m[2].replace(/^[+-]/, '').split(':');
  const west = (Number(h) * 3600 + Number(mi) * 60 + Number(s)) * (m[2].startsWith('-') ? -1 : 1);
  // POSIX offsets are west of UTC.
  return { std: name(m[1]), stdOffsetSeconds: -west || 0, dst: m[3] ? name(m[3]) : undefined };
}

/** The POSIX TZ footer of a TZif (v2+) file: the last line between newlines. */
export function tzifFooter(data: Buffer): string | undefined {
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif' || data[4] === 0) return undefined;
  const end = data[data.length - 1] === 0x0a ? data.length - 1 : -1;
  if (end < 0) return undefined;
  const start = data.lastIndexOf(0x0a, end - 1);
  return start < 0 ? undefined : data.toString('latin1', start + 1, end);
}

function zoneFile(): string {
  const tz = process.env.TZ?.replace(/^:/, '');
  if (!tz) return '/etc/localtime';
  return path.isAbsolute(tz) ? tz : path.join('/usr/share/zoneinfo', tz);
}

const footerCache = new Map<string, string | undefined>();

/** The local time zone of this process at `date`, named like Go names it. */
export function localZone(date: Date): ZoneInfo {
  const offsetSeconds = -date.getTimezoneOffset() * 60 || 0; // never -0
  // The zone file's POSIX footer has the abbreviation Go uses ("CET", "EST", "+04"). Intl
  // is the last resort: loading its time zone data costs the agent ~8 MB of memory.
  const file = zoneFile();
  if (!footerCache.has(file)) {
    let footer: string | undefined;
    try {
      footer = tzifFooter(readFileSync(file));
    } catch {
      footer = undefined;
    }
    footerCache.set(file, footer);
  }
  const posix = footerCache.get(file);
  const parsed = posix ? parsePosixTz(posix) : undefined;
  if (parsed) {
    const name = parsed.dst && offsetSeconds !== parsed.stdOffsetSeconds ? parsed.dst : parsed.std;
    return { name, offsetSeconds };
  }
  if (offsetSeconds === 0 && !process.env.TZ) return { name: 'UTC', offsetSeconds };
  const short =
    new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return { name: short || 'UTC', offsetSeconds };
}

export function timeCollector(options: { zone?: (date: Date) => ZoneInfo } = {}): Collector {
  const zoneOf = options.zone ?? localZone;
  return linuxCollector('time', async (ctx) => {
    const nowMs = ctx.now();
    const zone = zoneOf(new Date(nowMs));
    const families = [
      gauge('node_time_seconds', 'System time in seconds since epoch (1970).').add(nowMs / 1000),
      gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.').add(zone.offsetSeconds, { time_zone: zone.name }),
    ];
    const available = gauge('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.");
    const current = gauge('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.");
    const dir = sysPath(ctx, 'devices/system/clocksource');
    const entries = ((await listOptional(dir)) ?? []).filter((e) => /^clocksource\d+$/.test(e)).sort();
    for (const entry of entries) {
      const device = entry.slice('clocksource'.length);
      for (const cs of ((await readOptional(path.join(dir, entry, 'available_clocksource'))) ?? '').trim().split(/\s+/)) {
        if (cs) available.add(1, { clocksource: cs, device });
      }
      const cur = ((await readOptional(path.join(dir, entry, 'current_clocksource'))) ?? '').trim();
      if (cur) current.add(1, { clocksource: cur, device });
    }
    return [...families, available, current];
  });
}
