// Readable numbers for axes, legends and table cells: bytes in IEC units, rates per
// second, percentages, plain counts with SI suffixes, and ages ("12 s ago").

export type Unit = 'bytes' | 'bytes/s' | 'percent' | 'count' | 'per-second' | 'seconds' | 'cores';

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const SI = ['', 'k', 'M', 'G', 'T', 'P'];

/** A number with up to 3 significant digits (axes need short labels, not precision). */
function short(n: number): string {
  const a = Math.abs(n);
  if (a === 0) return '0';
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return trim(n.toFixed(1));
  if (a >= 1) return trim(n.toFixed(2));
  return trim(n.toPrecision(2));
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function scaled(n: number, base: number, names: string[]): string {
  let i = 0;
  let v = n;
  while (Math.abs(v) >= base && i < names.length - 1) {
    v /= base;
    i++;
  }
  return `${short(v)}${names[i] ? (base === 1024 ? ' ' : '') + names[i] : ''}`;
}

export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return scaled(v, 1024, IEC);
    case 'bytes/s':
      return `${scaled(v, 1024, IEC)}/s`;
    case 'percent':
      return `${short(v)}%`;
    case 'per-second':
      return `${scaled(v, 1000, SI)}/s`;
    case 'seconds':
      return formatDuration(v * 1000);
    case 'cores':
      return short(v);
    default:
      return scaled(v, 1000, SI);
  }
}

/** A duration in ms as its two largest parts: "850 ms", "12 s", "3 m 20 s", "2 d 4 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(a / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n} ${u}`)
    .join(' ');
}

/** How long ago `ms` was, relative to `now`. */
export function formatAgo(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return 'never';
  const d = now - ms;
  if (d < 1000) return 'just now';
  return `${formatDuration(d)} ago`;
}
