// Prometheus's duration syntax outside queries (rule files, `for:`, config): units in
// descending order, each at most once, integers only: `1h30m`, `5m`, `90s`, `100ms`, `0`.

const UNITS: [string, number][] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or an error naming the accepted form. */
export function parsePromDuration(text: string): number {
  if (text === '0') return 0;
  const m = text === '' ? null : DURATION.exec(text);
  if (!m)
    throw new Error(`not a valid duration string: ${JSON.stringify(text)} (use units y, w, d, h, m, s, ms in that order, e.g. 1h30m)`);
  let ms = 0;
  UNITS.forEach(([, unit], i) => {
    if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * unit;
  });
  return ms;
}

/** A duration as Prometheus prints one (model.Duration.String): `1h30m`, `5m`, `0s`. */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [name, unit] of UNITS) {
    const n = Math.floor(rest / unit);
    if (n > 0) {
      out += `${n}${name}`;
      rest -= n * unit;
    }
  }
  return out;
}

/** Like parsePromDuration, but undefined instead of an error (surrounding blanks allowed). */
export function tryParsePromDuration(text: string): number | undefined {
  try {
    const ms = parsePromDuration(text.trim());
    return Number.isSafeInteger(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
