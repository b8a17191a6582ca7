// The value and timestamp of a sample line read from its UTF-8 bytes, for the common plain
// forms only: a decimal value of at most 15 significant digits without exponent, and a
// timestamp of plain digits. Reads give exactly what the text path (numbers.ts) gives for
// the same characters; anything else (exponents, NaN, Inf, exemplars, a CR, stray text)
// answers false, and the caller reads the line as text, which reports what is wrong.

export interface PlainSample {
  value: number;
  timestampMs: number | undefined;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  return i;
}

/**
 * Reads `value [timestamp]` from b[i, end) (OpenMetrics: timestamps in seconds) into
 * `out`; false when the text is not in the plain forms.
 */
export function readPlainSample(b: Uint8Array, i: number, end: number, secondsTimestamps: boolean, out: PlainSample): boolean {
  i = skipWs(b, i, end);
  let c = b[i];
  const negative = c === 45;
  if (c === 45 || c === 43) c = b[++i];
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0;
  while (i < end && c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) significant++;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = b[++i];
  }
  if (i < end && c === 46) {
    c = b[++i];
    while (i < end && c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale--;
      c = b[++i];
    }
  }
  // One division of two exact numbers rounds correctly (Clinger's fast path).
  if (digits === 0 || significant > 15 || scale < -22) return false;
  if (i < end && c !== 32 && c !== 9) return false;
  const v = scale === 0 ? mantissa : mantissa / POW10[-scale];
  out.value = negative ? -v : v;
  i = skipWs(b, i, end);
  if (i === end) {
    out.timestampMs = undefined;
    return true;
  }
  const ms = secondsTimestamps ? readSeconds(b, i, end) : readMillis(b, i, end);
  if (ms === undefined) return false;
  out.timestampMs = ms;
  return true;
}

/** `[+-]digits[.digits]` seconds of at most 12 whole digits, as milliseconds truncated toward zero. */
function readSeconds(b: Uint8Array, i: number, end: number): number | undefined {
  let c = b[i];
  const negative = c === 45;
  if (c === 45 || c === 43) c = b[++i];
  const start = i;
  let whole = 0;
  while (i < end && c >= 48 && c <= 57) {
    whole = whole * 10 + (c - 48);
    c = b[++i];
  }
  const wholeDigits = i - start;
  if (wholeDigits > 12) return undefined;
  let ms = whole * 1000;
  let fraction = 0;
  if (i < end && c === 46) {
    c = b[++i];
    let unit = 100;
    while (i < end && c >= 48 && c <= 57) {
      ms += (c - 48) * unit;
      unit = unit >= 10 ? unit / 10 : 0;
      fraction++;
      c = b[++i];
    }
  }
  if (wholeDigits === 0 && fraction === 0) return undefined;
  if (skipWs(b, i, end) !== end) return undefined;
  return negative ? -ms || 0 : ms;
}

/** `[+-]digits` milliseconds, at most 15 digits. */
function readMillis(b: Uint8Array, i: number, end: number): number | undefined {
  let c = b[i];
  const negative = c === 45;
  if (c === 45 || c === 43) c = b[++i];
  const start = i;
  let v = 0;
  while (i < end && c >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    c = b[++i];
  }
  if (i === start || i - start > 15) return undefined;
  if (skipWs(b, i, end) !== end) return undefined;
  return negative ? -v || 0 : v;
}
