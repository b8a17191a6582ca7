// fmt's printing of one operand under one verb (printArg/printValue): verbs, flags, width
// and precision for floats, ints, strings, bools and composite values, and Go's in-band
// error form (%!d(string=x)) for a verb that does not fit the operand.

import { formatFloat, type FloatFormat } from './format-float.ts';
import { canBackquote, isPrintable, quote, quoteRune } from './quote.ts';
import { utf8Bytes } from './utf8.ts';
import { findMethod, goTypeName, kindOf, sortedEntries, structFields } from './values.ts';

export interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  /** %+v: print struct field names. */
  plusV: boolean;
  /** %#v: Go syntax. */
  sharpV: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

export function noFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: undefined,
    prec: undefined,
  };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function padding(n: number, zero: boolean): string {
  return n > 0 ? (zero ? '0' : ' ').repeat(n) : '';
}

/** Width padding: left with spaces (or zeros), right with spaces for '-'. */
function pad(s: string, f: Flags, zero = f.zero): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  return f.minus ? s + padding(n, false) : padding(n, zero) + s;
}

function badVerb(verb: string, arg: unknown, f: Flags): string {
  if (arg === undefined || arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${printArg(arg, 'v', f)})`;
}

function truncate(s: string, f: Flags): string {
  if (f.prec === undefined) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n++ >= f.prec) break;
    out += ch;
  }
  return out;
}

function hexString(s: string, f: Flags, upper: boolean): string {
  let bytes = utf8Bytes(s);
  if (f.prec !== undefined && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
  if (bytes.length === 0) return padding(f.wid ?? 0, f.zero);
  const x = upper ? 'X' : 'x';
  const parts: string[] = [];
  for (const b of bytes) {
    const h = b.toString(16).padStart(2, '0');
    parts.push(upper ? h.toUpperCase() : h);
  }
  const body = f.space ? parts.map((p) => (f.sharp ? `0${x}${p}` : p)).join(' ') : (f.sharp ? `0${x}` : '') + parts.join('');
  return pad(body, f);
}

function fmtString(s: string, verb: string, f: Flags): string {
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(quote(s), f);
      return pad(truncate(s, f), f);
    case 's':
      return pad(truncate(s, f), f);
    case 'x':
    case 'X':
      return hexString(s, f, verb === 'X');
    case 'q': {
      const t = truncate(s, f);
      if (f.sharp && canBackquote(t)) return pad(`\`${t}\``, f);
      return pad(quote(t, f.plus), f);
    }
    default:
      return badVerb(verb, s, f);
  }
}

function fmtInteger(n: bigint, base: number, verb: string, f: Flags, upper: boolean): string {
  const negative = n < 0n;
  const u = negative ? -n : n;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    // Precision 0 and value 0 print nothing but padding.
    if (prec === 0 && u === 0n) return padding(f.wid ?? 0, false);
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = u.toString(base);
  if (upper) digits = digits.toUpperCase();
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
    else if (base === 16) digits = `0${upper ? 'X' : 'x'}${digits}`;
  }
  if (verb === 'O') digits = `0o${digits}`;
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, f, false);
}

function fmtInt(n: bigint, verb: string, f: Flags): string {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(n, 10, verb, f, false);
    case 'b':
      return fmtInteger(n, 2, verb, f, false);
    case 'o':
    case 'O':
      return fmtInteger(n, 8, verb, f, false);
    case 'x':
      return fmtInteger(n, 16, verb, f, false);
    case 'X':
      return fmtInteger(n, 16, verb, f, true);
    case 'c':
      return pad(String.fromCodePoint(validRune(n)), f);
    case 'q':
      return pad(quoteRune(validRune(n), f.plus), f);
    case 'U': {
      // Go prints the operand as uint64, so negative values show their two's complement.
      const u = n < 0n ? n + 2n ** 64n : n;
      let s = `U+${u
        .toString(16)
        .toUpperCase()
        .padStart(Math.max(4, f.prec ?? 4), '0')}`;
      if (f.sharp && u <= 0x10ffffn && isPrintable(String.fromCodePoint(validRune(u)))) {
        s += ` '${String.fromCodePoint(Number(u))}'`;
      }
      return pad(s, f, false);
    }
    default:
      return badVerb(verb, n, f);
  }
}

function validRune(n: bigint): number {
  const cp = n >= 0n && n <= 0x10ffffn ? Number(n) : 0xfffd;
  return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
}

function fmtFloatVerb(x: number, verb: string, f: Flags): string {
  switch (verb) {
    case 'v':
      return fmtFloat(x, 'g', -1, f);
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
      return fmtFloat(x, verb, -1, f);
    case 'f':
    case 'F':
    case 'e':
    case 'E':
      return fmtFloat(x, verb === 'F' ? 'f' : verb, 6, f);
    default:
      return badVerb(verb, x, f);
  }
}

function fmtFloat(x: number, verb: FloatFormat, defaultPrec: number, f: Flags): string {
  const prec = f.prec ?? defaultPrec;
  let num = formatFloat(x, verb, prec);
  num = num[0] === '-' || num[0] === '+' ? num : `+${num}`;
  if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
  // Infinities and NaN are not padded with zeros, and NaN shows a sign only when asked.
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(num, f, false);
  }
  if (f.sharp && verb !== 'b') num = keepPoint(num, verb, prec);
  if (f.plus || num[0] !== '+') {
    // Zero padding goes between the sign and the digits.
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(num, f);
  }
  return pad(num.slice(1), f);
}

/** The '#' flag: always a decimal point, and %g keeps its trailing zeros. */
function keepPoint(num: string, verb: string, prec: number): string {
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
  let tail = '';
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < num.length; i++) {
    const c = num[i];
    if (c === '.') {
      hasPoint = true;
    } else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = num.slice(i);
      num = num.slice(0, i);
      break;
    } else {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasPoint) {
    if (num.length === 2 && num[1] === '0') digits--;
    num += '.';
  }
  if (digits > 0) num += '0'.repeat(digits);
  return num + tail;
}

const STRINGER_VERBS = new Set(['v', 's', 'x', 'X', 'q']);

/** One operand under one verb (fmt's printArg/printValue). */
export function printArg(arg: unknown, verb: string, f: Flags = noFlags(), depth = 0): string {
  if (verb === 'T') return pad(truncate(goTypeName(arg), f), f);
  const kind = kindOf(arg);
  if (kind === 'nil') return verb === 'v' ? pad('<nil>', f) : badVerb(verb, arg, f);
  if (verb === 'p') return badVerb(verb, arg, f);
  if ((kind === 'struct' || kind === 'slice' || kind === 'map') && STRINGER_VERBS.has(verb) && !f.sharpV) {
    const method = findMethod(arg, 'Error') ?? findMethod(arg, 'String');
    if (method) return fmtString(String(method.call(arg)), verb, f);
  }
  if (depth > 32) return '<...>';
  switch (kind) {
    case 'bool':
      return verb === 't' || verb === 'v' ? pad(String(arg), f) : badVerb(verb, arg, f);
    case 'float':
      return fmtFloatVerb(arg as number, verb, f);
    case 'int':
      return fmtInt(arg as bigint, verb, f);
    case 'string':
      return fmtString(arg as string, verb, f);
    case 'slice': {
      const items = (arg as unknown[]).map((x) => printArg(x, verb, f, depth + 1));
      return f.sharpV ? `${goTypeName(arg)}{${items.join(', ')}}` : `[${items.join(' ')}]`;
    }
    case 'map': {
      const items = sortedEntries(arg as object).map(([k, v]) => `${printArg(k, verb, f, depth + 1)}:${printArg(v, verb, f, depth + 1)}`);
      return f.sharpV ? `${goTypeName(arg)}{${items.join(', ')}}` : `map[${items.join(' ')}]`;
    }
    case 'struct': {
      const named = f.plusV || f.sharpV;
      const items = structFields(arg as object).map(([k, v]) => (named ? `${k}:` : '') + printArg(v, verb, f, depth + 1));
      return f.sharpV ? `${goTypeName(arg)}{${items.join(', ')}}` : `{${items.join(' ')}}`;
    }
    default:
      return verb === 'v' ? pad('<func>', f) : badVerb(verb, arg, f);
  }
}
