// The functions every Go template has (text/template's builtins): and or not len index
// slice print printf println eq ne lt le gt ge html js urlquery call. `and` and `or` are
// evaluated lazily by the executor; the versions here serve `call` and direct use.

import {
  compareStrings,
  goTypeName,
  htmlEscape,
  jsEscape,
  kindOf,
  mapLookup,
  mapSize,
  mapZero,
  queryEscape,
  sprint,
  sprintf,
  sprintln,
  utf8Bytes,
  utf8Decode,
  utf8Length,
} from '@metrics-hub/go-format';
import { expectString, signature, type TemplateFunction } from './signature.ts';

/** Go's truth for if, with, and, or, not: zero values and empty collections are false. */
export function truth(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return v !== 0n;
    case 'float':
      return v !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapSize(v as object) > 0;
    default:
      return true;
  }
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' || k === 'nil' ? k : 'other';
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    if (k1 !== k2) {
      // Go (1.18+) lets a missing value compare unequal to anything instead of failing.
      if (k1 !== 'nil' && k2 !== 'nil') throw new Error('incompatible types for comparison');
      continue;
    }
    if (k1 === 'other') {
      const kind = kindOf(arg1);
      if (kind === 'slice' || kind === 'map' || kind === 'func') {
        throw new Error(`non-comparable type ${goTypeName(arg1)}`);
      }
    }
    if (k1 === 'nil' || arg1 === arg) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'nil' || k1 === 'other' || k2 === 'nil' || k2 === 'other') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 === 'string') return compareStrings(a as string, b as string) < 0;
  return (a as number | bigint) < (b as number | bigint);
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

/** An index argument: Go wants an integer; an integral float64 (from JavaScript data) is accepted too. */
function indexArg(index: unknown, cap: number): number {
  let x: number;
  if (typeof index === 'bigint') x = Number(index);
  else if (typeof index === 'number' && Number.isInteger(index)) x = index;
  else if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  else throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('index of untyped nil');
  for (const i of indexes) {
    const kind = kindOf(item);
    if (kind === 'nil') throw new Error('index of nil pointer');
    if (kind === 'slice' || kind === 'string') {
      const bytes = kind === 'string' ? utf8Bytes(item as string) : undefined;
      const length = bytes ? bytes.length : (item as unknown[]).length;
      const x = indexArg(i, length);
      if (x >= length) throw new Error(`index out of range: ${x}`);
      item = bytes ? BigInt(bytes[x]) : (item as unknown[])[x];
    } else if (kind === 'map') {
      if (!(item instanceof Map) && typeof i !== 'string') {
        throw new Error(`value has type ${goTypeName(i)}; should be string`);
      }
      const { found, value } = mapLookup(item as object, i);
      item = found ? value : mapZero(item as object);
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  if (kind !== 'string' && kind !== 'slice') throw new Error(`can't slice item of type ${goTypeName(item)}`);
  if (kind === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  const bytes = kind === 'string' ? utf8Bytes(item as string) : undefined;
  const length = bytes ? bytes.length : (item as unknown[]).length;
  const idx = [0, length, length];
  indexes.forEach((x, n) => (idx[n] = indexArg(x, length)));
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return bytes ? utf8Decode(bytes.subarray(idx[0], idx[1])) : (item as unknown[]).slice(idx[0], idx[1]);
}

function len(item: unknown): bigint {
  switch (kindOf(item)) {
    case 'nil':
      throw new Error('len of nil pointer');
    case 'string':
      return BigInt(utf8Length(item as string));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'map':
      return BigInt(mapSize(item as object));
    default:
      throw new Error(`len of type ${goTypeName(item)}`);
  }
}

/** The escapers' argument: one string as is, anything else printed as Go's template would. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

/** and/or: the first argument whose truth decides the result, else the last. */
function firstWithTruth(args: unknown[], want: boolean): unknown {
  const i = args.findIndex((a) => truth(a) === want);
  return args[i >= 0 ? i : args.length - 1];
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (fn === undefined || fn === null) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

export const BUILTINS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ['and', signature(1, (...args: unknown[]) => firstWithTruth(args, false), true)],
  ['or', signature(1, (...args: unknown[]) => firstWithTruth(args, true), true)],
  ['not', signature(1, (a: unknown) => !truth(a))],
  ['len', signature(1, len)],
  ['index', signature(1, index, true)],
  ['slice', signature(1, slice, true)],
  ['print', signature(0, (...args: unknown[]) => sprint(args), true)],
  ['println', signature(0, (...args: unknown[]) => sprintln(args), true)],
  ['printf', signature(1, (format: unknown, ...args: unknown[]) => sprintf(expectString(format), args), true)],
  ['eq', signature(1, eq, true)],
  ['ne', signature(2, (a: unknown, b: unknown) => !eq(a, b))],
  ['lt', signature(2, lt)],
  ['le', signature(2, le)],
  ['gt', signature(2, (a: unknown, b: unknown) => !le(a, b))],
  ['ge', signature(2, (a: unknown, b: unknown) => !lt(a, b))],
  ['html', signature(0, (...args: unknown[]) => htmlEscape(evalArgs(args)), true)],
  ['js', signature(0, (...args: unknown[]) => jsEscape(evalArgs(args)), true)],
  ['urlquery', signature(0, (...args: unknown[]) => queryEscape(evalArgs(args)), true)],
  ['call', signature(1, call, true)],
]);
