// Durations as Alertmanager's config writes them (Prometheus's model.Duration): units from
// largest to smallest, each at most once, whole numbers only: `30s`, `5m`, `1h30m`, `1d`.
// A bare `0` is allowed; a bare number is not (`30` would be ambiguous: seconds? ms?).

const UNITS: [suffix: string, ms: number][] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
const PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds, or undefined when `text` is not a Prometheus duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return undefined;
  const m = PATTERN.exec(s);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNITS[i][1];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
