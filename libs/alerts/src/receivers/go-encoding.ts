// Byte-for-byte what Alertmanager's Go encoders produce, so a receiver written against
// Alertmanager (and tests that compare bodies) sees no difference.

import { goHtmlSafeJson } from '@metrics-hub/promql';

/** Go's zero time.Time as JSON: what Alertmanager sends as `endsAt` for a firing alert. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Unix milliseconds as Go's time.Time marshals to JSON (RFC 3339 with nanoseconds, trailing
 * zeros of the fraction dropped): `2024-05-01T10:00:00Z`, `2024-05-01T10:00:00.25Z`.
 */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString(); // always .sssZ
  const [whole, fraction] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${whole}${trimmed ? `.${trimmed}` : ''}Z`;
}

/**
 * JSON as Go's json.Encoder writes it: object keys in the order given (Go writes struct
 * fields in declaration order; callers sort map keys themselves with `sortedKeys`),
 * <, > and & escaped as \u003c, \u003e, \u0026, and a trailing newline.
 */
export function goJson(value: unknown): string {
  return `${goHtmlSafeJson(JSON.stringify(value))}\n`;
}

/** A copy with keys in byte order, as Go marshals a map[string]string. */
export function sortedKeys(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort(byteOrder)) out[k] = map[k];
  return out;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
