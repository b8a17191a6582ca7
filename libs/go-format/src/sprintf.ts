// fmt's Sprint, Sprintln and Sprintf: the format string's verbs, flags, width, precision
// and explicit argument indexes, including Go's in-band error forms (%!v(MISSING),
// %!(EXTRA ...), %!(NOVERB)), because template authors see exactly those when a printf is wrong.

import { noFlags, printArg } from './print-arg.ts';
import { goTypeName } from './values.ts';

/** fmt.Sprint: operands printed with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += printArg(arg, 'v');
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline at the end. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => printArg(a, 'v')).join(' ')}\n`;
}

/** `[n]` argument index (one-based in the format): the 0-based index, or undefined when malformed. */
function parseArgIndex(format: string, i: number): { index: number | undefined; next: number } {
  const close = format.indexOf(']', i + 1);
  if (format.length - i < 3 || close < 0) return { index: undefined, next: i + 1 };
  const text = format.slice(i + 1, close);
  return { index: /^[0-9]+$/.test(text) ? Number(text) - 1 : undefined, next: close + 1 };
}

/**
 * fmt's parsenum: the digits at `start`. A number past a million (checked before each
 * digit, as Go does) consumes the rest of the format, which then reports %!(NOVERB):
 * "%1000000000v" must not ask for a gigabyte of padding.
 */
function parseNum(format: string, start: number): { num: number; isNum: boolean; next: number } {
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < format.length && format[i] >= '0' && format[i] <= '9'; i++) {
    if (num > 1_000_000) return { num: 0, isNum: false, next: format.length };
    num = num * 10 + (format.charCodeAt(i) - 48);
    isNum = true;
  }
  return { num, isNum, next: i };
}

function intArg(args: readonly unknown[], n: number): number | undefined {
  const arg = args[n];
  if (typeof arg !== 'bigint' || arg > 1_000_000n || arg < -1_000_000n) return undefined;
  return Number(arg);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f = noFlags();
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    let goodArgNum = true;
    // An explicit [n] index: returns whether one was found and well formed.
    const argNumber = (): boolean => {
      if (format[i] !== '[') return false;
      reordered = true;
      const { index, next } = parseArgIndex(format, i);
      i = next;
      if (index !== undefined && index >= 0 && index < args.length) {
        argNum = index;
        return true;
      }
      goodArgNum = false;
      return index !== undefined;
    };
    let afterIndex = argNumber();
    if (format[i] === '*') {
      i++;
      const w = argNum < args.length ? intArg(args, argNum++) : undefined;
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) {
        f.minus = true;
        f.zero = false;
        f.wid = -w;
      } else f.wid = w;
      afterIndex = false;
    } else {
      const w = parseNum(format, i);
      i = w.next;
      if (w.isNum) {
        f.wid = w.num;
        if (afterIndex) goodArgNum = false;
      }
    }
    if (i + 1 < format.length && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      afterIndex = argNumber();
      if (format[i] === '*') {
        i++;
        const p = argNum < args.length ? intArg(args, argNum++) : undefined;
        if (p === undefined || p < 0) {
          if (p === undefined) out += '%!(BADPREC)';
        } else f.prec = p;
        afterIndex = false;
      } else {
        const p = parseNum(format, i);
        i = p.next;
        f.prec = p.isNum ? p.num : 0;
      }
    }
    if (!afterIndex) afterIndex = argNumber();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
    } else if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out += printArg(args[argNum++], verb, f);
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${printArg(a, 'v')}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
