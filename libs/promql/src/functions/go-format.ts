// Go's fmt verbs as upstream annotation and error texts use them (%g, %.2g, %f, %q), so
// that messages compare equal to Prometheus's, character for character.

function specialFloat(x: number): string | undefined {
  if (x !== x) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

/** Decimal digits (no trailing zeros) and decimal-point position of |x|, as strconv has them. */
function decimalDigits(x: number, precision: number | undefined): { digits: string; dp: number } {
  const [mant, exp] = Math.abs(x).toExponential(precision).split('e');
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exp) + 1 };
}

function expForm(neg: boolean, digits: string, dp: number): string {
  const e = dp - 1;
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const ae = Math.abs(e);
  return `${neg ? '-' : ''}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}

function fixedForm(neg: boolean, digits: string, dp: number, decimals: number): string {
  let int: string;
  let frac: string;
  if (dp <= 0) {
    int = '0';
    frac = '0'.repeat(-dp) + digits;
  } else if (dp >= digits.length) {
    int = digits + '0'.repeat(dp - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, dp);
    frac = digits.slice(dp);
  }
  frac = frac.padEnd(decimals, '0').slice(0, decimals);
  return `${neg ? '-' : ''}${int}${decimals > 0 ? `.${frac}` : ''}`;
}

/**
 * Go's `%g` without a precision (shortest round-trip digits, exponent form when the decimal
 * exponent is below -4 or at least 6) or `%.<precision>g`. Exact decimal ties round half up
 * here where Go rounds them half to even; annotation values practically never hit one.
 */
export function formatG(x: number, precision?: number): string {
  const special = specialFloat(x);
  if (special !== undefined) return special;
  const neg = x < 0 || Object.is(x, -0);
  if (x === 0) return neg ? '-0' : '0';
  const shortest = precision === undefined;
  const p = shortest ? undefined : Math.max(1, precision) - 1;
  const { digits, dp } = decimalDigits(x, p);
  let eprec = shortest ? 6 : Math.max(1, precision);
  if (!shortest && eprec > digits.length && digits.length >= dp) eprec = digits.length;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) return expForm(neg, digits, dp);
  const prec = shortest ? digits.length : Math.max(1, precision);
  const fixedPrec = prec > dp ? digits.length : prec;
  return fixedForm(neg, digits, dp, Math.max(fixedPrec - dp, 0));
}

/** Go's `%f`: six decimals. */
export function formatF(x: number): string {
  const special = specialFloat(x);
  if (special !== undefined) return special;
  return x.toFixed(6);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `%q` for a string (strconv.Quote) for the characters label values can hold. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `time.Unix(ms/1000, 0).UTC().Format(time.RFC3339)`, with Go's truncating division. */
export function rfc3339Seconds(ms: number): string {
  const sec = Math.trunc(ms / 1000);
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `labels.FormatOpenMetricsFloat`, which histogram_quantiles uses for its quantile label:
 * `%g` with ".0" appended to integers (so 0 is "0.0", 1 is "1.0").
 */
export function formatOpenMetricsFloat(x: number): string {
  if (x === 0) return '0.0';
  const s = formatG(x);
  if (s === 'NaN' || s === '+Inf' || s === '-Inf') return s;
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatShortestF(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mantissa, expText] = s.split(/e/i);
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const pointAt =
    (mantissa.replace(/^-/, '').indexOf('.') === -1 ? mantissa.replace(/^-/, '').length : mantissa.replace(/^-/, '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (negative ? '-' : '') + out;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * JSON text as Go's encoding/json writes it: `<`, `>`, `&` and the two line separators
 * escaped as \u003c and so on (JavaScript leaves them as they are).
 */
export function goHtmlSafeJson(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as Go's encoding/json writes it. */
export function goJsonString(s: string): string {
  return goHtmlSafeJson(JSON.stringify(s));
}
