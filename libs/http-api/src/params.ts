// Request parameters as Prometheus reads them: times (RFC 3339 or Unix seconds),
// durations (Prometheus duration strings or float seconds) and limits, with its error
// texts, so that a client sees the same message from us as from Prometheus.

import { quote as goQuote } from '@metrics-hub/go-format';
import { invalidParam } from './api-error.ts';
import type { Form } from './form.ts';

// Prometheus's default bounds of open ranges (time.Unix(math.MinInt64/1000+62135596801, 0)
// and its mirror), and the exact texts of them it accepts although Go cannot parse a
// nine-digit year. As milliseconds they lie beyond 2^53, so they are approximate here.
export const MIN_TIME_MS = (-9223372036854775 + 62135596801) * 1000;
export const MAX_TIME_MS = (9223372036854775 - 62135596801) * 1000 + 999;
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
const MAX_DURATION_NS = 2 ** 63 - 1;

/** Go's math.Round: halves away from zero. */
function goRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * A timestamp parameter in milliseconds: Unix seconds with up to millisecond precision
 * (rounded as Prometheus rounds them) or RFC 3339 with any offset.
 */
export function parseTime(text: string): number {
  if (FLOAT.test(text)) {
    const f = Number(text);
    if (Number.isFinite(f)) {
      // Prometheus: s, ns := math.Modf(t); ns = math.Round(ns*1000)/1000, then time.Unix.
      let sec = Math.trunc(f);
      let nsec = Math.trunc((goRound((f - sec) * 1000) / 1000) * 1e9);
      if (nsec < 0) {
        sec -= 1;
        nsec += 1e9;
      } else if (nsec >= 1e9) {
        sec += 1;
        nsec -= 1e9;
      }
      return sec * 1000 + Math.floor(nsec / 1e6);
    }
  }
  const ms = parseRfc3339(text);
  if (ms !== undefined) return ms;
  if (text === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (text === MAX_TIME_TEXT) return MAX_TIME_MS;
  throw new Error(`cannot parse ${goQuote(text)} to a valid timestamp`);
}

function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[8][0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, unlike Date.UTC, does not read years below 100 as 19xx.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Sub-millisecond digits are dropped, as timestamp.FromTime truncates nanoseconds.
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return date.getTime() - offsetMin * 60_000 + millis;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A duration parameter in milliseconds (possibly fractional when given as float
 * seconds): float seconds, or a Prometheus duration such as `15s`, `1m30s`, `1h`.
 */
export function parseDuration(text: string): number {
  if (FLOAT.test(text)) {
    const seconds = Number(text);
    const ns = seconds * 1e9;
    if (Math.abs(ns) > MAX_DURATION_NS) throw new Error(`cannot parse ${goQuote(text)} to a valid duration. It overflows int64`);
    return Math.trunc(ns) / 1e6;
  }
  const m = text === '' ? null : DURATION.exec(text);
  if (m) {
    let ms = 0;
    for (let i = 0; i < DURATION_UNIT_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * DURATION_UNIT_MS[i];
    if (ms * 1e6 <= MAX_DURATION_NS) return ms;
  }
  throw new Error(`cannot parse ${goQuote(text)} to a valid duration`);
}

/** Prometheus's parseTimeParam: the default when absent or empty. */
export function optionalTimeParam(form: Form, name: string, fallback: number): number {
  const text = form.get(name);
  if (text === '') return fallback;
  try {
    return parseTime(text);
  } catch (e) {
    throw invalidParam(name, `invalid time value for '${name}': ${(e as Error).message}`);
  }
}

/** A time that must be given (query_range's start and end). */
export function requiredTimeParam(form: Form, name: string): number {
  try {
    return parseTime(form.get(name));
  } catch (e) {
    throw invalidParam(name, (e as Error).message);
  }
}

export function durationParam(form: Form, name: string): number {
  try {
    return parseDuration(form.get(name));
  } catch (e) {
    throw invalidParam(name, (e as Error).message);
  }
}

/** Prometheus's parseLimitParam: 0 (no limit) when absent; strconv.Atoi's wording otherwise. */
export function limitParam(form: Form, name = 'limit'): number {
  const text = form.get(name);
  if (text === '') return 0;
  const n = parseGoInt(text);
  if (typeof n === 'string') throw invalidParam(name, n);
  if (n < 0) throw invalidParam(name, 'limit must be non-negative');
  return n;
}

/** strconv.Atoi: the number, or its error text. */
export function parseGoInt(text: string): number | string {
  if (!/^[+-]?\d+$/.test(text)) return `strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return `strconv.Atoi: parsing ${goQuote(text)}: value out of range`;
  return n;
}
