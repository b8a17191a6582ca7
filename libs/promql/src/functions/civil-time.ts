// UTC calendar fields of a Unix time in seconds, for the date functions. Upstream converts
// the sample value with `time.Unix(int64(v), 0).UTC()`, so the value is truncated toward
// zero, and the proleptic Gregorian calendar applies at any magnitude an int64 can hold
// (JavaScript's Date stops at ±8.64e15 ms, hence the arithmetic below).

export interface CivilTime {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 1..366 */
  dayOfYear: number;
  /** 0 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const MIN_INT64 = -(2n ** 63n);
const INT64_LIMIT = 2 ** 63;

/**
 * Go's `int64(v)`: truncation. NaN, ±Inf and out-of-range values are implementation-defined
 * in Go; this takes what amd64 produces (the minimum int64), as on Prometheus's main platform.
 */
function goInt64(v: number): bigint {
  if (v !== v || v >= INT64_LIMIT || v < -INT64_LIMIT) return MIN_INT64;
  return BigInt(Math.trunc(v));
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (days fit a double exactly here). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Calendar fields of the sample value `v` read as Unix seconds, in UTC. */
export function civilTime(v: number): CivilTime {
  const sec = goInt64(v);
  let days = sec / 86400n;
  let secOfDay = sec - days * 86400n;
  if (secOfDay < 0n) {
    days -= 1n;
    secOfDay += 86400n;
  }
  const d = Number(days);
  const s = Number(secOfDay);
  const { year, month, day } = civilFromDays(d);
  return {
    year,
    month,
    day,
    dayOfYear: d - daysFromCivil(year, 1, 1) + 1,
    weekday: (((d + 4) % 7) + 7) % 7,
    hour: Math.floor(s / 3600),
    minute: Math.floor((s % 3600) / 60),
    second: s % 60,
  };
}
