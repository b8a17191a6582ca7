// strconv.FormatFloat for float64 in every format fmt uses (e, E, f, g, G, b, x, X), with
// any precision. Annotations such as "{{ printf "%.2f" $value }}" or humanize's "%.4g" must
// print the digits Go prints, and Go rounds the exact binary value half to even, which
// JavaScript's toFixed/toPrecision (half up) do not. So digits come from the exact decimal
// expansion of the double. The shortest digits that read back (precision -1) are the same
// in both languages; only the notation differs.

/** value = 0.d × 10^dp; `d` has no trailing zeros, '' is zero. */
interface Decimal {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Sign, integer mantissa and binary exponent: |x| = mant × 2^(exp − 52). */
function floatBits(x: number): { neg: boolean; mant: bigint; exp: number } {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { neg: bits >> 63n === 1n, mant, exp: exp - 1023 };
}

/** Every decimal digit of the double (a double is a dyadic rational, so the expansion ends). */
function exactDecimal(x: number): Decimal {
  const { mant, exp } = floatBits(x);
  if (mant === 0n) return { d: '', dp: 0 };
  const e2 = exp - 52;
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  return { d: digits.replace(/0+$/, ''), dp };
}

/** The fewest digits that read back as the same double (what Go's shortest formatting prints). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  return { d: mantissa.replace('.', '').replace(/0+$/, ''), dp: Number(exp) + 1 };
}

/** Keep `nd` digits, rounding the exact value half to even (strconv's decimal.Round). */
function round(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const half = a.d[nd] === '5' && nd + 1 === a.d.length;
  const up = half ? nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1 : a.d[nd] >= '5';
  if (up) {
    let i = nd - 1;
    while (i >= 0 && a.d[i] === '9') i--;
    if (i < 0) return { d: '1', dp: a.dp + 1 };
    return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
  }
  const d = a.d.slice(0, nd).replace(/0+$/, '');
  return { d, dp: d === '' ? 0 : a.dp };
}

function fmtE(neg: boolean, a: Decimal, prec: number, e: string): string {
  let out = (neg ? '-' : '') + (a.d[0] ?? '0');
  if (prec > 0) out += `.${a.d.slice(1, prec + 1).padEnd(prec, '0')}`;
  let exp = a.d === '' ? 0 : a.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(neg: boolean, a: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  out += a.dp > 0 ? a.d.slice(0, a.dp).padEnd(a.dp, '0') : '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = a.dp + i - 1;
      out += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return out;
}

/** %b: decimal mantissa, 'p', binary exponent ("4503599627370496p-52" for 1). */
function fmtB(x: number): string {
  const { neg, mant, exp } = floatBits(x);
  const e = mant === 0n ? -1074 : exp - 52;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** %x: hexadecimal mantissa with one leading digit and a binary exponent ("0x1.8p+01"). */
function fmtX(x: number, prec: number, upper: boolean): string {
  let { neg, mant, exp } = floatBits(x);
  if (mant === 0n) exp = 0;
  // Put the leading 1 (if any) at bit 60, as strconv does, so each later nibble is a hex digit.
  mant <<= 8n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${neg ? '-' : ''}0${upper ? 'X' : 'x'}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if ((prec < 0 && mant !== 0n) || prec > 0) {
    out += '.';
    for (let i = 0; prec < 0 ? mant !== 0n : i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${upper ? 'P' : 'p'}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** strconv.FormatFloat(x, fmt, prec, 64); prec −1 means the shortest digits that round-trip. */
/**
 * Shortest %g of 1e6 <= |x| < 1e21, where JavaScript writes plain digits with at most a
 * fraction: the same shortest digits as Go, moved into `d.ddde+XX`.
 */
function largeShortestG(x: number, abs: number, e: 'e' | 'E'): string {
  const text = String(abs);
  const point = text.indexOf('.');
  const exp = (point < 0 ? text.length : point) - 1;
  let digits = point < 0 ? text : text.slice(0, point) + text.slice(point + 1);
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  const mantissa = end === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${x < 0 ? '-' : ''}${mantissa}${e}+${exp < 10 ? '0' : ''}${exp}`;
}

export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (prec < 0 && x !== 0) {
    // Where JavaScript writes the shortest digits without an exponent, so does Go: the
    // common case, and count_values formats every sample this way.
    const abs = x < 0 ? -x : x;
    if (fmt === 'f' ? abs >= 1e-6 && abs < 1e21 : (fmt === 'g' || fmt === 'G') && abs >= 1e-4 && abs < 1e6) return String(x);
    // Large values (byte counters): JavaScript's digits, in Go's exponent form.
    if ((fmt === 'g' || fmt === 'G') && abs >= 1e6 && abs < 1e21) return largeShortestG(x, abs, fmt === 'G' ? 'E' : 'e');
  }
  if (fmt === 'b') return fmtB(x);
  if (fmt === 'x' || fmt === 'X') return fmtX(x, prec, fmt === 'X');
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(x);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    digs = exactDecimal(x);
    if (fmt === 'e' || fmt === 'E') digs = round(digs, prec + 1);
    else if (fmt === 'f') digs = round(digs, digs.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = round(digs, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, digs, prec, fmt);
  if (fmt === 'f') return fmtF(neg, digs, prec);
  // %g: exponent form when the exponent is below −4 or reaches the precision (6 for shortest).
  const nd = digs.d.length;
  let eprec = prec;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    return fmtE(neg, digs, Math.min(prec, nd) - 1, fmt === 'G' ? 'E' : 'e');
  }
  return fmtF(neg, digs, Math.max((prec > digs.dp ? nd : prec) - digs.dp, 0));
}
