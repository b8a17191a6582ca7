// Go's literal syntax as strconv reads it: quoted strings and characters (Unquote,
// UnquoteChar), integers (ParseInt with base 0) and floats (ParseFloat). The template
// parser reads its constants with these, and Prometheus's functions read numbers given as
// strings with ParseFloat, so both must accept exactly what Go accepts.

import { quote } from './quote.ts';

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** One character or escape sequence at `s[i]`, as strconv.UnquoteChar reads it inside `quote`. */
function unquoteChar(s: string, i: number, quote: string): { value: string; next: number } {
  const c = s[i];
  if (c === quote && quote !== '`') throw new SyntaxError('invalid syntax');
  if (c !== '\\') {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    return { value: ch, next: i + ch.length };
  }
  const e = s[i + 1];
  if (e === undefined) throw new SyntaxError('invalid syntax');
  if (e in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[e], next: i + 2 };
  if (e === quote && (e === '"' || e === "'")) return { value: e, next: i + 2 };
  const hexLength = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const hex = s.slice(i + 2, i + 2 + hexLength);
    if (hex.length !== hexLength || !/^[0-9a-fA-F]+$/.test(hex)) throw new SyntaxError('invalid syntax');
    const cp = parseInt(hex, 16);
    if (e !== 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) throw new SyntaxError('invalid syntax');
    return { value: String.fromCodePoint(cp), next: i + 2 + hexLength };
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new SyntaxError('invalid syntax');
    return { value: String.fromCharCode(parseInt(oct, 8)), next: i + 4 };
  }
  throw new SyntaxError('invalid syntax');
}

/** strconv.Unquote for "..." and `...` literals; throws SyntaxError('invalid syntax'). */
export function unquote(literal: string): string {
  return unquoteWith(literal, false);
}

/**
 * Prometheus's util/strutil.Unquote, which PromQL reads its string literals with:
 * strconv.Unquote that also takes '...' as a string (not a character) and keeps carriage
 * returns in raw strings.
 */
export function unquotePrometheus(literal: string): string {
  return unquoteWith(literal, true);
}

function unquoteWith(literal: string, prometheus: boolean): string {
  const q = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== q) throw new SyntaxError('invalid syntax');
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError('invalid syntax');
    // Go drops carriage returns from raw strings so that files with CRLF read the same.
    return prometheus ? body : body.replace(/\r/g, '');
  }
  if (q !== '"' && !(prometheus && q === "'")) throw new SyntaxError('invalid syntax');
  let out = '';
  for (let i = 0; i < body.length; ) {
    if (body[i] === '\n') throw new SyntaxError('invalid syntax');
    const { value, next } = unquoteChar(body, i, q);
    out += value;
    i = next;
  }
  return out;
}

/** A character constant such as 'a' or '\n', as its code point. */
export function unquoteRune(literal: string): number {
  if (literal.length < 3 || literal[0] !== "'" || literal[literal.length - 1] !== "'") {
    throw new SyntaxError(`malformed character constant: ${literal}`);
  }
  const { value, next } = unquoteChar(literal, 1, "'");
  if (next !== literal.length - 1) throw new SyntaxError(`malformed character constant: ${literal}`);
  return value.codePointAt(0)!;
}

/** Go's rule for digit separators: an underscore only ever sits between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  let hex = false;
  if (s.length - i >= 2 && s[i] === '0' && /[bBoOxX]/.test(s[i + 1])) {
    hex = s[i + 1] === 'x' || s[i + 1] === 'X';
    i += 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 0, 64): undefined when it is not an integer literal or overflows int64. */
export function parseGoInt(s: string): bigint | undefined {
  if (!underscoreOK(s)) return undefined;
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2].replace(/_/g, '');
  // A leading 0 alone means octal, which BigInt spells 0o.
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  if (/^0[xXoObB]$/.test(body)) return undefined;
  const magnitude = BigInt(body.toLowerCase());
  const value = m[1] === '-' ? -magnitude : magnitude;
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

export class NumberSyntaxError extends Error {}

function floatError(s: string, why: 'invalid syntax' | 'value out of range'): NumberSyntaxError {
  return new NumberSyntaxError(`strconv.ParseFloat: parsing ${quote(s)}: ${why}`);
}

/** strconv.ParseFloat(s, 64), with Go's error texts. */
export function parseGoFloat(s: string): number {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (s.includes('_') && !underscoreOK(s)) throw floatError(s, 'invalid syntax');
  const clean = s.replace(/_/g, '');
  let value: number;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(clean);
  if (hex) {
    const [, sign, int, frac = '', exp] = hex;
    if (int === '' && frac === '') throw floatError(s, 'invalid syntax');
    const mantissa = BigInt(`0x${int}${frac}`);
    // Number(bigint) rounds to nearest even; the power of two is then exact outside subnormals.
    value = mantissa === 0n ? 0 : Number(mantissa) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') value = -value;
  } else {
    if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(clean)) throw floatError(s, 'invalid syntax');
    value = Number(clean);
  }
  if (!Number.isFinite(value)) throw floatError(s, 'value out of range');
  return value;
}
