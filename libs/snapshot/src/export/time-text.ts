// Timestamps as the export formats spell them. All take integer milliseconds.

/** RFC 3339 in UTC with milliseconds: 2024-01-01T00:00:00.000Z (what spreadsheets and pandas parse). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Seconds with the decimal point moved (no float division, so no rounding):
 * 1520879607789 -> `1520879607.789`, 5000 -> `5`, -1500 -> `-1.5`. OpenMetrics timestamps
 * are read back by moving the point again, so this is exact.
 */
export function secondsText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const frac = abs % 1000;
  const whole = (abs - frac) / 1000;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Prometheus's JSON point time (util/jsonutil MarshalTimestamp): seconds, then exactly three ms digits when not whole. */
export function jsonPointTime(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const frac = abs % 1000;
  const whole = (abs - frac) / 1000;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(3, '0')}`;
}
