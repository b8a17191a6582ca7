// Regular expressions as Prometheus and Go run them: RE2's syntax, and matching in time
// linear in the input. Every regex that a query, a silence, a route or a rule author
// writes, and that label values (sent by agents, remote writers, imports) are matched
// against, goes through here, never through V8's backtracking engine: there
// `(a|a)*b` against 32 characters held the event loop for 15 s, doubling per character.
//
// The engine is re2js (a JavaScript port of RE2: no Node built-ins, so it runs in the
// renderer as well). It is slower than V8 on ordinary patterns, so the shapes label
// matchers mostly take (literals, `prefix.*`, `.*suffix`, `.*part.*`, alternations of
// those) are answered with string operations that give the same result
// (bench/regex.bench.ts has the figures and the reasons for this choice).

import { RE2JS, RE2JSException } from 're2js';

/** A pattern RE2 refuses: `reason` is Go's text, `offset` where in the pattern it starts. */
export class RegexSyntaxError extends Error {
  readonly code = 'invalid_regex';
  constructor(
    readonly pattern: string,
    /** Go's regexp error, e.g. "error parsing regexp: missing closing ): `(a`". */
    readonly reason: string,
    /** 0-based offset in the pattern where the problem starts. */
    readonly offset: number,
  ) {
    super(`${reason}${offset < pattern.length ? ` (at character ${offset + 1} of the regex)` : ''}${hint(reason)}`);
    this.name = 'RegexSyntaxError';
  }
}

function hint(reason: string): string {
  if (reason.startsWith('regex too long'))
    return ': split it into several matchers, or write it as an alternation of plain strings (a|b|c), which has no such limit';
  if (/Perl syntax: `\(\?[=!]|invalid named capture: `\(\?<[=!]/.test(reason))
    return ': RE2 (the regex dialect of PromQL and Alertmanager) has no lookaheads or lookbehinds; match the label with a second matcher instead';
  if (/invalid escape sequence: `\\[1-9]/.test(reason))
    return ': RE2 (the regex dialect of PromQL and Alertmanager) has no backreferences; spell out the alternatives instead';
  return '';
}

/** One match: the groups by number (0 is the whole match; undefined when a group took no part) and by name. */
export interface RegexMatch {
  readonly index: number;
  readonly end: number;
  readonly groups: readonly (string | undefined)[];
  readonly named: Readonly<Record<string, string | undefined>>;
}

/** A pattern that must match the whole string, with `.` matching newlines: PromQL's `^(?s:pattern)$`. */
export interface AnchoredRegex {
  readonly pattern: string;
  test(s: string): boolean;
  /** For an alternation of plain strings (`a|b`, `(web\\-1|web\\-2)`): every string it matches. */
  readonly literals: readonly string[] | undefined;
  /** The groups of the whole-string match, or undefined when the string does not match. */
  exec(s: string): RegexMatch | undefined;
}

/** A pattern as Go's regexp package runs it: unanchored, `.` not matching newlines unless (?s). */
export interface SearchRegex {
  readonly pattern: string;
  /** Does the pattern match anywhere in s? */
  test(s: string): boolean;
  /** Every non-overlapping match, left to right, by Go's rules for empty matches. */
  matchAll(s: string): RegexMatch[];
}

/**
 * Longest pattern the engine compiles. Compiling takes about 15 ms and 200 bytes per
 * character (a 32 KiB pattern: 0.4-0.7 s, 6.6 MiB), and one query could otherwise hold
 * the hub that long per regex. Glob-shaped patterns (string operations) have no limit.
 */
export const MAX_ENGINE_PATTERN_LENGTH = 16 * 1024;

function checkLength(pattern: string): void {
  if (pattern.length > MAX_ENGINE_PATTERN_LENGTH)
    throw new RegexSyntaxError(
      pattern,
      `regex too long: ${pattern.length} characters, where at most ${MAX_ENGINE_PATTERN_LENGTH} go to the regex engine`,
      pattern.length,
    );
}

/** Compiled patterns by text, least recently used first, within a memory budget (bytes, roughly). */
interface Cache<T> {
  entries: Map<string, { value: T; cost: number }>;
  cost: number;
}
const CACHE_ENTRIES = 512;
const CACHE_BYTES = 64 * 2 ** 20;
const anchoredCache: Cache<AnchoredRegex> = { entries: new Map(), cost: 0 };
const searchCache: Cache<SearchRegex> = { entries: new Map(), cost: 0 };

function cached<T>(cache: Cache<T>, key: string, make: () => T): T {
  const hit = cache.entries.get(key);
  if (hit) {
    cache.entries.delete(key);
    cache.entries.set(key, hit);
    return hit.value;
  }
  const value = make();
  // What a pattern can cost once the engine has compiled it (see MAX_ENGINE_PATTERN_LENGTH).
  const cost = 256 + key.length * (key.length > MAX_ENGINE_PATTERN_LENGTH ? 4 : 200);
  while (cache.entries.size && (cache.entries.size >= CACHE_ENTRIES || cache.cost + cost > CACHE_BYTES)) {
    const [oldest, entry] = cache.entries.entries().next().value!;
    cache.entries.delete(oldest);
    cache.cost -= entry.cost;
  }
  cache.entries.set(key, { value, cost });
  cache.cost += cost;
  return value;
}

/** Parses the pattern alone, so that an error names the user's text (and `a)|(b` cannot escape the anchors). */
function parse(pattern: string): RE2JS {
  checkLength(pattern);
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    const detail = e as RE2JSException & { input?: string | null };
    const at = detail.input ? pattern.indexOf(detail.input) : -1;
    throw new RegexSyntaxError(pattern, e.message, Math.max(0, at));
  }
}

export function compileAnchoredRegex(pattern: string): AnchoredRegex {
  return cached(anchoredCache, pattern, () => {
    const shape = fastShape(pattern);
    const fast = shape?.test;
    let full: RE2JS | undefined;
    const engine = () => {
      if (!full) {
        checkLength(pattern);
        full = RE2JS.compile(`^(?s:${pattern})$`);
      }
      return full;
    };
    let test = fast;
    if (!test) {
      parse(pattern);
      const re = engine();
      // A literal start rules most values out with one comparison, before the engine runs.
      const prefix = literalPrefix(pattern);
      test = prefix ? (s) => s.startsWith(prefix) && re.testExact(s) : (s) => re.testExact(s);
    }
    return {
      pattern,
      test,
      literals: shape?.literals,
      exec: (s) => {
        const re = engine();
        if (fast && !fast(s)) return undefined;
        const [found] = re.re2().findAllSubmatchIndex(s, 1) ?? [];
        return found ? toMatch(s, found, re) : undefined;
      },
    };
  });
}

export function compileSearchRegex(pattern: string): SearchRegex {
  return cached(searchCache, pattern, () => {
    const re = parse(pattern);
    return {
      pattern,
      test: (s) => re.test(s),
      matchAll: (s) => (re.re2().findAllSubmatchIndex(s, -1) ?? []).map((m: number[]) => toMatch(s, m, re)),
    };
  });
}

function toMatch(s: string, at: number[], re: RE2JS): RegexMatch {
  const groups: (string | undefined)[] = [];
  for (let g = 0; g < at.length; g += 2) groups.push(at[g] < 0 ? undefined : s.slice(at[g], at[g + 1]));
  const named: Record<string, string | undefined> = {};
  for (const [name, g] of Object.entries(re.namedGroups())) named[name] = groups[g];
  return { index: at[0], end: at[1], groups, named };
}

// ---------------------------------------------------------------- fast paths

/**
 * A string-operation matcher for patterns that are alternations of "globs": literal text
 * with `.*` or `.+` between, around or instead of it (`api`, `node_.*`, `.*_total`,
 * `.*cpu.*`, `web-.+|db-.+`). Undefined for anything else (the engine answers those).
 * With `.` matching newlines, `.*` is any string and `.+` any non-empty one.
 */
export function fastMatcher(pattern: string): ((s: string) => boolean) | undefined {
  return fastShape(pattern)?.test;
}

function fastShape(pattern: string): { test: (s: string) => boolean; literals: string[] | undefined } | undefined {
  const alternatives = globs(unwrapGroup(pattern));
  if (!alternatives) return undefined;
  const tests = alternatives.map(globTest);
  const literals = alternatives.every((g) => g.parts.every((p) => typeof p === 'string'))
    ? alternatives.map((g) => (g.parts[0] as string | undefined) ?? '')
    : undefined;
  if (literals) {
    const set = new Set(literals);
    return { test: (s) => set.has(s), literals };
  }
  return { test: tests.length === 1 ? tests[0] : (s) => tests.some((t) => t(s)), literals };
}

/**
 * Where each bracket of the pattern closes (escapes and character classes skipped), or
 * undefined when they do not balance.
 */
function closers(pattern: string): Map<number, number> | undefined {
  const open: number[] = [];
  const close = new Map<number, number>();
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = skipClass(pattern, i);
    else if (c === '(') open.push(i);
    else if (c === ')') {
      const at = open.pop();
      if (at === undefined) return undefined;
      close.set(at, i);
    }
  }
  return open.length ? undefined : close;
}

/** `(x)` or `(?:x)` around the whole pattern (as Grafana writes multi-value variables): x. */
function unwrapGroup(pattern: string): string {
  const plain = pattern.startsWith('(') && !pattern.startsWith('(?');
  if (!plain && !pattern.startsWith('(?:')) return pattern;
  if (closers(pattern)?.get(0) !== pattern.length - 1) return pattern;
  return pattern.slice(plain ? 1 : 3, -1);
}

/**
 * The literal text every match starts with, when the pattern has no alternation at its
 * top level: `node_(cpu|memory)_.*` starts with `node_`.
 */
function literalPrefix(pattern: string): string {
  const close = closers(pattern);
  // A flag group such as `(?i)` takes no place: `a(?i)*` repeats the `a`.
  if (!close || /\(\?[a-zA-Z-]*\)/.test(pattern)) return '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '(') i = close.get(i)!;
    else if (pattern[i] === '[') i = skipClass(pattern, i);
    else if (pattern[i] === '|') return '';
  }
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    let literal: string;
    let next = i + 1;
    if (c === '\\' && /[!-/:-@[-`{-~]/.test(pattern[i + 1] ?? '')) {
      literal = pattern[i + 1];
      next = i + 2;
    } else if (!'\\.+*?()[]{}^$|'.includes(c)) {
      literal = c;
    } else {
      break;
    }
    // A quantifier after it makes the character optional or repeated: it is not part of the prefix.
    if ('*+?{'.includes(pattern[next] ?? '')) break;
    prefix += literal;
    i = next - 1;
  }
  return prefix;
}

function skipClass(pattern: string, i: number): number {
  let j = i + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
  return j;
}

/** The pattern as alternatives of literal text and `.*`/`.+` gaps, or undefined when it is anything more. */
function globs(pattern: string): Glob[] | undefined {
  const alternatives: Glob[] = [];
  let current: Glob = { parts: [] };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '|') {
      alternatives.push(current);
      current = { parts: [] };
    } else if (c === '.') {
      const q = pattern[i + 1];
      if (q !== '*' && q !== '+') return undefined;
      const min = q === '+' ? 1 : 0;
      const last = current.parts[current.parts.length - 1];
      if (typeof last === 'number') {
        // Two gaps in a row: `.*.*` is `.*`, `.*.+` is `.+`; `.+.+` (two characters at
        // least) is left to the engine, since a character may be two UTF-16 units.
        if (last + min > 1) return undefined;
        current.parts[current.parts.length - 1] = last + min;
      } else {
        current.parts.push(min);
      }
      i++;
    } else if (c === '\\') {
      const e = pattern[i + 1];
      // A backslash before punctuation is that character; before a letter or digit it is a class or an error.
      if (e === undefined || !/[!-/:-@[-`{-~]/.test(e)) return undefined;
      appendLiteral(current, e);
      i++;
    } else if ('+*?()[]{}^$'.includes(c)) {
      return undefined;
    } else {
      appendLiteral(current, c);
    }
  }
  alternatives.push(current);
  return alternatives;
}

/** Literal text (strings) and gaps (numbers: the least number of characters) in pattern order. */
interface Glob {
  parts: (string | number)[];
}

function appendLiteral(g: Glob, c: string): void {
  const last = g.parts.length - 1;
  if (typeof g.parts[last] === 'string') g.parts[last] += c;
  else g.parts.push(c);
}

function globTest({ parts }: Glob): (s: string) => boolean {
  if (parts.length === 0) return (s) => s === '';
  if (parts.length === 1) {
    const only = parts[0];
    if (typeof only === 'string') return (s) => s === only;
    return only === 0 ? () => true : (s) => s.length > 0;
  }
  const leading = typeof parts[0] === 'number' ? parts[0] : undefined;
  const trailing = typeof parts[parts.length - 1] === 'number' ? (parts[parts.length - 1] as number) : undefined;
  const literals = parts.filter((p): p is string => typeof p === 'string');
  // The gap before each literal (the first has none unless the pattern starts with one).
  const gapsBefore: number[] = [];
  let gap: number | undefined;
  for (const p of parts) {
    if (typeof p === 'number') gap = p;
    else {
      gapsBefore.push(gap ?? -1);
      gap = undefined;
    }
  }
  return (s) => {
    let pos = 0;
    let from = 0;
    if (leading === undefined) {
      if (!s.startsWith(literals[0])) return false;
      pos = literals[0].length;
      from = 1;
    }
    // Unbounded gaps make the leftmost place for each literal the best one.
    const last = trailing === undefined ? literals.length - 1 : literals.length;
    for (let k = from; k < last; k++) {
      const at = s.indexOf(literals[k], pos + gapsBefore[k]);
      if (at < 0) return false;
      pos = at + literals[k].length;
    }
    if (trailing !== undefined) return s.length - pos >= trailing;
    const end = literals[last];
    const start = s.length - end.length;
    return start >= pos + gapsBefore[last] && s.endsWith(end);
  };
}
