// Numbers of the exposition formats: sample values (Go's ParseFloat without hex floats or
// underscores, as Prometheus accepts them), timestamps (Prometheus text: integer
// milliseconds; OpenMetrics: seconds as a decimal number) and Go's float formatting.
import { formatFloat as goFormatFloat } from '@metrics-hub/go-format';

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** Returned by the parse functions when the text is well formed but the number does not fit. */
export const OUT_OF_RANGE = null;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A sample value: `[+-]digits[.digits][e[+-]digits]` (either side of the point may be
 * empty, not both), `[+-]Inf`/`[+-]Infinity` and `NaN`, the words in any case, as Go's
 * `strconv.ParseFloat` reads them. Hex floats and digit separators are refused, as
 * Prometheus refuses them. Returns `undefined` for bad syntax and `null` when a finite
 * literal overflows float64 (Go's ErrRange; Prometheus rejects the sample).
 */
export function parseFloatText(s: string): number | undefined | null {
  const n = s.length;
  if (n === 0) return undefined;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) i = 1;
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return parseSpecial(s);
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined;
  }
  if (i !== n) return undefined;
  const v = Number(s);
  return v === Infinity || v === -Infinity ? OUT_OF_RANGE : v;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * `parseFloatText(s.slice(start, end))` without the slice for the common case: at most 15
 * significant digits and a small exponent, where one multiplication or division of two
 * exactly represented numbers gives the correctly rounded result (Clinger's fast path).
 */
export function parseFloatRange(s: string, start: number, end: number): number | undefined | null {
  let i = start;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = s.charCodeAt(++i);
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0;
  while (i < end && c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) significant++;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = s.charCodeAt(++i);
  }
  if (i < end && c === 46) {
    c = s.charCodeAt(++i);
    while (i < end && c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale--;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0 || significant > 15 || scale < -22) return parseFloatText(s.slice(start, end));
  if (i < end) {
    if ((c | 32) !== 101) return undefined;
    return parseFloatText(s.slice(start, end));
  }
  const v = scale === 0 ? mantissa : mantissa / POW10[-scale];
  return negative ? -v : v;
}

/** `parseIntegerTimestamp(s.slice(start, end))`, without the slice for up to 15 digits. */
export function parseIntegerTimestampRange(s: string, start: number, end: number): number | undefined | null {
  let i = start;
  let c = s.charCodeAt(i);
  const negative = c === 45;
  if (c === 45 || c === 43) c = s.charCodeAt(++i);
  if (i >= end || end - i > 15) return parseIntegerTimestamp(s.slice(start, end));
  let v = 0;
  while (i < end) {
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  return negative ? -v || 0 : v;
}

function parseSpecial(s: string): number | undefined {
  if (s.length > 9) return undefined;
  const lower = s.toLowerCase();
  switch (lower) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** Prometheus text timestamp: an int64 in decimal (`[+-]digits`), milliseconds. */
export function parseIntegerTimestamp(s: string): number | undefined | null {
  const n = s.length;
  let i = 0;
  if (n > 0 && (s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45)) i = 1;
  if (i === n) return undefined;
  for (let j = i; j < n; j++) if (!isDigit(s.charCodeAt(j))) return undefined;
  if (n - i >= 19) {
    // Near or past the int64 limits: decide exactly.
    const big = BigInt(s.charCodeAt(0) === 43 ? s.slice(1) : s);
    if (big > MAX_INT64 || big < MIN_INT64) return OUT_OF_RANGE;
  }
  return Number(s) || 0;
}

/**
 * OpenMetrics timestamp: seconds as a real number (no Inf or NaN), converted to
 * milliseconds by moving the decimal point (exact, unlike multiplying a float by 1000)
 * and truncating toward zero, as Prometheus does. `null` when the milliseconds do not
 * fit an int64.
 */
export function parseSecondsTimestamp(s: string): number | undefined | null {
  const n = s.length;
  let i = 0;
  let negative = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    negative = c0 === 45;
    i = 1;
  }
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    fracStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return undefined;
  let exponent = 0;
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    let expNegative = false;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) {
      expNegative = s.charCodeAt(i) === 45;
      i++;
    }
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined;
    // A huge exponent only needs to be known as huge.
    exponent = Number(s.slice(start, Math.min(i, start + 12)));
    if (expNegative) exponent = -exponent;
  }
  if (i !== n) return undefined;
  const mantissa = s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd);
  let first = 0;
  while (first < mantissa.length && mantissa.charCodeAt(first) === 48) first++;
  if (first === mantissa.length) return 0;
  // The decimal point sits after `point` mantissa digits once scaled to milliseconds.
  const point = intEnd - intStart + exponent + 3;
  if (point - first > 19) return OUT_OF_RANGE;
  if (point <= first) return 0;
  const whole = point <= mantissa.length ? mantissa.slice(first, point) : mantissa.slice(first) + '0'.repeat(point - mantissa.length);
  if (whole.length === 19) {
    const big = BigInt(whole);
    if (negative ? big > -MIN_INT64 : big > MAX_INT64) return OUT_OF_RANGE;
  }
  const ms = Number(whole);
  return negative ? -ms : ms;
}

/**
 * `parseSecondsTimestamp(s.slice(start, end))` without the slice for the common case, plain
 * `digits[.digits]` of at most 12 whole digits: whole * 1000 plus the first three
 * fraction digits is exact, and dropping the rest truncates toward zero as Prometheus does.
 */
export function parseSecondsTimestampRange(s: string, start: number, end: number): number | undefined | null {
  let i = start;
  let c = s.charCodeAt(i);
  const negative = c === 45;
  if (c === 45 || c === 43) c = s.charCodeAt(++i);
  const intStart = i;
  let whole = 0;
  while (i < end && c >= 48 && c <= 57) {
    whole = whole * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  if (i - intStart > 12) return parseSecondsTimestamp(s.slice(start, end));
  let ms = whole * 1000;
  if (i < end && c === 46) {
    c = s.charCodeAt(++i);
    const fracStart = i;
    let scale = 100;
    while (i < end && c >= 48 && c <= 57) {
      ms += (c - 48) * scale;
      scale /= 10;
      if (scale < 1) scale = 0;
      c = s.charCodeAt(++i);
    }
    if (i === fracStart && i - 1 === intStart) return undefined;
  } else if (i === intStart) return parseSecondsTimestamp(s.slice(start, end));
  if (i !== end) return parseSecondsTimestamp(s.slice(start, end));
  return negative ? -ms || 0 : ms;
}

/**
 * A sample value as Prometheus writes it: Go's `strconv.FormatFloat(v, 'g', -1, 64)`, the
 * shortest digits that read back (`1e+06`, `1.5e-07`, `+Inf`, `NaN`, `-0`).
 */
export function formatFloat(v: number): string {
  return goFormatFloat(v, 'g', -1);
}

/** Milliseconds as the Prometheus text format writes them: an integer, no exponent. */
export function formatMillis(ms: number): string {
  const whole = Math.round(ms);
  if (Math.abs(whole) < 1e21) return String(whole || 0);
  return BigInt(whole).toString();
}

/**
 * Milliseconds as OpenMetrics seconds, written exactly by moving the decimal point:
 * 1520879607789 -> `1520879607.789`, -3982045 -> `-3982.045`, 5000 -> `5`.
 */
export function formatSeconds(ms: number): string {
  // Whole milliseconds (every stored timestamp): the seconds and up to three decimals,
  // with integer arithmetic; an export writes one per sample.
  if (Number.isSafeInteger(ms)) {
    const sign = ms < 0 ? '-' : '';
    const abs = ms < 0 ? -ms : ms;
    const whole = Math.floor(abs / 1000);
    const r = abs - whole * 1000;
    if (r === 0) return sign + whole;
    if (r % 100 === 0) return `${sign}${whole}.${r / 100}`;
    if (r % 10 === 0) return `${sign}${whole}.${r < 100 ? '0' : ''}${r / 10}`;
    return `${sign}${whole}.${r < 10 ? '00' : r < 100 ? '0' : ''}${r}`;
  }
  const negative = ms < 0;
  const abs = negative ? -ms : ms;
  // Shortest digits and decimal exponent of the milliseconds, then shift by three.
  const e = abs.toExponential();
  const at = e.indexOf('e');
  const digits = e.slice(0, at).replace('.', '');
  const point = Number(e.slice(at + 1)) + 1 - 3; // digits before the point, in seconds
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
