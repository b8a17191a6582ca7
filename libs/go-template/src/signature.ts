// Go checks a template function's argument count and types against its signature before
// calling it. JavaScript functions carry no such thing, so the functions defined here
// declare theirs: the executor checks the count, the functions check types with these
// helpers and fail as Go does ("wrong type for value; expected string; got int").

import { ArgTypeError } from './errors.ts';
import { goTypeName } from '@metrics-hub/go-format';

// biome-ignore lint/complexity/noBannedTypes: template functions take any arity and types, checked at call time as Go does
export type TemplateFunction = Function;

export interface Arity {
  /** Fixed parameters. */
  readonly params: number;
  /** Whether more arguments may follow the fixed ones. */
  readonly variadic: boolean;
}

const arities = new WeakMap<TemplateFunction, Arity>();

/** Declares how many arguments `fn` takes; functions without a declaration are not checked. */
export function signature<F extends TemplateFunction>(params: number, fn: F, variadic = false): F {
  arities.set(fn, { params, variadic });
  return fn;
}

export function arityOf(fn: TemplateFunction): Arity | undefined {
  return arities.get(fn);
}

/** Go's complaint when an argument cannot be converted to the parameter's type. */
export function wrongType(expected: string, got: unknown): ArgTypeError {
  if (got === undefined || got === null) return new ArgTypeError(`invalid value; expected ${expected}`);
  return new ArgTypeError(`wrong type for value; expected ${expected}; got ${goTypeName(got)}`);
}

export function expectString(v: unknown): string {
  if (typeof v !== 'string') throw wrongType('string', v);
  return v;
}

export function expectStrings(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw wrongType('[]string', v);
  return v as string[];
}
