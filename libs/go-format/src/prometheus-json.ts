// Points and label sets as Prometheus's HTTP API writes them (util/jsonutil, which
// Prometheus uses instead of encoding/json for vector and matrix points). The query API
// and the JSON export both write these; they are written as strings, since results can
// hold millions of points and JSON.stringify could not print NaN or ±Inf.
import { goJsonString } from './json.ts';

/** jsonutil.MarshalTimestamp: integer milliseconds as seconds, then "." and exactly three digits when not whole. */
export function jsonPointTime(ms: number): string {
  if (!Number.isInteger(ms)) return String(ms / 1000);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const frac = abs % 1000;
  const whole = (abs - frac) / 1000;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(3, '0')}`;
}

/** jsonutil.MarshalFloat without the quotes: strconv 'f' -1, or 'e' -1 below 1e-6 and from 1e21. */
export function jsonPointValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = v < 0 ? -v : v;
  // Go's shortest 'e' form pads the exponent to two digits (1e-07); JavaScript does not.
  if (abs < 1e-6 || abs >= 1e21) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  // Inside [1e-6, 1e21) JavaScript prints plain decimals with the shortest round-trip
  // digits, which is what Go's 'f' with precision -1 prints.
  return String(v);
}

/** A label set as an object with names in byte order, as Prometheus's sorted labels print. */
export function jsonLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${goJsonString(names[i])}:${goJsonString(labels[names[i]])}`;
  }
  return `${out}}`;
}
