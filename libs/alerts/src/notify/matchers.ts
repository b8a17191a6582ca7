// Label matchers as Alertmanager writes them in config and silences: `severity=~"critical|warning"`,
// `{alertname="Down",env!="dev"}`, unquoted values (`env=prod`) and quoted UTF-8 label
// names (`"my label"="x"`). Matching itself is libs/wire's compileMatcher (anchored
// RE2-style regexes); a label the alert lacks is matched as the empty string, as in
// Alertmanager.

import { quote as goQuote } from '@metrics-hub/go-format';
import { compileMatcher, MatcherError, type CompiledMatcher, type LabelMatcher, type Labels, type MatchType } from '@metrics-hub/wire';

export type { CompiledMatcher, LabelMatcher };

export class MatcherSyntaxError extends Error {
  readonly code = 'invalid_matcher';
  constructor(message: string) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

const EXAMPLE = 'write matchers like severity=~"critical|warning" or alertname="HostDown"';
const CLASSIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Parses one matcher string, which may hold several comma-separated matchers and may be
 * wrapped in braces. Regexes are compiled here too, so a bad one fails at config time.
 */
export function parseMatchers(text: string): LabelMatcher[] {
  let s = text.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new MatcherSyntaxError(`${JSON.stringify(text)} opens a brace it does not close: ${EXAMPLE}`);
    s = s.slice(1, -1);
  }
  const out: LabelMatcher[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new MatcherSyntaxError(`bad matcher ${JSON.stringify(text)}: ${what}: ${EXAMPLE}`);
  };
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  while (true) {
    skipSpace();
    if (i >= s.length) break;
    let name: string;
    if (s[i] === '"') {
      const q = readQuoted(s, i, fail);
      name = q.value;
      i = q.end;
      if (name === '') fail('a label name cannot be empty');
    } else {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
      if (!m) fail(`expected a label name at ${JSON.stringify(s.slice(i, i + 10))}`);
      name = m![0];
      i += name.length;
    }
    skipSpace();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => s.startsWith(o, i));
    if (!op) fail(`expected =, !=, =~ or !~ after ${JSON.stringify(name)}`);
    i += op!.length;
    skipSpace();
    let value: string;
    if (s[i] === '"') {
      const q = readQuoted(s, i, fail);
      value = q.value;
      i = q.end;
    } else {
      let j = i;
      while (j < s.length && s[j] !== ',') j++;
      value = s.slice(i, j).trim();
      if (value.includes('"')) fail(`the value of ${JSON.stringify(name)} has a stray quote`);
      i = j;
    }
    skipSpace();
    out.push(checkMatcher({ type: op as MatchType, name, value }));
    if (i >= s.length) break;
    if (s[i] !== ',') fail(`expected "," after the matcher on ${JSON.stringify(name)}`);
    i++;
  }
  return out;
}

/** A go-style double-quoted string starting at `start`; `end` is just past the closing quote. */
function readQuoted(s: string, start: number, fail: (what: string) => never): { value: string; end: number } {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    const simple: Record<string, string> = {
      '\\': '\\',
      '"': '"',
      "'": "'",
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`bad escape \\${e}${hex}`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else fail(`unknown escape \\${e ?? ''} in a quoted string`);
  }
  return fail('a quoted string is not closed');
}

/** Validates a matcher (name, regex) and returns it; throws MatcherSyntaxError. */
export function checkMatcher(m: LabelMatcher): LabelMatcher {
  if (typeof m.name !== 'string' || m.name === '') throw new MatcherSyntaxError(`a matcher needs a label name: ${EXAMPLE}`);
  if (typeof m.value !== 'string') throw new MatcherSyntaxError(`the matcher on ${JSON.stringify(m.name)} needs a text value: ${EXAMPLE}`);
  try {
    compileMatcher(m);
  } catch (e) {
    if (e instanceof MatcherError) throw new MatcherSyntaxError(`matcher on ${JSON.stringify(m.name)}: ${e.message}`);
    throw e;
  }
  return { type: m.type, name: m.name, value: m.value };
}

/** `name="value"`; names outside Prometheus's classic set are quoted, as Alertmanager prints them. */
export function formatMatcher(m: LabelMatcher): string {
  const name = CLASSIC_NAME.test(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

/** `{a="b",c=~"d"}`: Alertmanager's Matchers.String(), used in route keys. */
export function formatMatchers(ms: readonly LabelMatcher[]): string {
  return `{${ms.map(formatMatcher).join(',')}}`;
}

/** `{a="b", c="d"}`: Prometheus's LabelSet.String(), sorted by name, used in group keys. */
export function formatLabelSet(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${goQuote(labels[k])}`)
    .join(', ')}}`;
}

/** Sorted like Alertmanager sorts route matchers (name, then value, then type), so keys are stable. */
export function sortMatchers(ms: readonly LabelMatcher[]): LabelMatcher[] {
  return [...ms].sort((a, b) => cmp(a.name, b.name) || cmp(a.value, b.value) || cmp(a.type, b.type));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compileMatchers(ms: readonly LabelMatcher[]): CompiledMatcher[] {
  return ms.map(compileMatcher);
}

/** Every matcher accepts the label set (absent labels count as ""). */
export function matchesAll(ms: readonly CompiledMatcher[], labels: Labels): boolean {
  for (const m of ms) if (!m.matches(labels[m.name] ?? '')) return false;
  return true;
}
