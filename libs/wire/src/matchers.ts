// Label matchers with PromQL's semantics: regexes are fully anchored and RE2-flavoured,
// and a matcher that accepts the empty string also accepts a series without the label.

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

export class MatcherError extends Error {
  readonly code = 'invalid_matcher';
  constructor(message: string) {
    super(message);
    this.name = 'MatcherError';
  }
}

export interface CompiledMatcher extends LabelMatcher {
  /** Does a series whose label `name` has `value` ('' when absent) match? */
  matches(value: string): boolean;
  /** True when the matcher accepts series that lack the label. */
  readonly matchesEmpty: boolean;
  /** For `=` and for regexes that are plain alternations of literals: the accepted values. */
  readonly literals: readonly string[] | undefined;
}

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  let matches: (value: string) => boolean;
  let literals: readonly string[] | undefined;
  switch (m.type) {
    case '=':
      matches = (v) => v === m.value;
      literals = [m.value];
      break;
    case '!=':
      matches = (v) => v !== m.value;
      break;
    case '=~':
    case '!~': {
      const alternatives = literalAlternatives(m.value);
      let positive: (value: string) => boolean;
      if (alternatives) {
        const set = new Set(alternatives);
        positive = (v) => set.has(v);
      } else {
        const re = compileAnchoredRegex(m.value);
        positive = (v) => re.test(v);
      }
      if (m.type === '=~') {
        matches = positive;
        literals = alternatives;
      } else {
        matches = (v) => !positive(v);
      }
      break;
    }
    default:
      throw new MatcherError(`unknown matcher type ${JSON.stringify((m as LabelMatcher).type)}: use =, !=, =~ or !~`);
  }
  return { type: m.type, name: m.name, value: m.value, matches, matchesEmpty: matches(''), literals };
}

/**
 * Translates an RE2 pattern (Prometheus's dialect) to an anchored JavaScript RegExp.
 * Prometheus 3 lets `.` match newlines, so the `s` flag is always on.
 */
export function compileAnchoredRegex(pattern: string): RegExp {
  const unsupported = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\(\?[a-zA-Z]*U/.exec(pattern);
  if (unsupported) {
    throw new MatcherError(
      `regex ${JSON.stringify(pattern)} uses ${JSON.stringify(unsupported[0])}, which RE2 (PromQL's regex dialect) does not support: lookarounds, backreferences and the U flag are not allowed`,
    );
  }
  let source = foldInlineCaseFlags(pattern)
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(alnum|alpha|digit|lower|upper|space|word|xdigit|punct):\]/g, (_, cls: string) => POSIX_CLASSES[cls])
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^');
  // `(?s)` and `(?m)`-free patterns behave the same with the `s` flag Prometheus 3 uses.
  source = source.replace(/\(\?s\)/g, '').replace(/\(\?s:/g, '(?:');
  try {
    return new RegExp(`^(?:${source})$`, 's');
  } catch (e) {
    throw new MatcherError(
      `regex ${JSON.stringify(pattern)} is invalid: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
}

/**
 * RE2's case-insensitive groups (`(?i)` anywhere, `(?i:...)`) rewritten without inline
 * flags, which this JavaScript engine lacks: inside such a group every letter `x` becomes
 * `[xX]` and character classes get both cases.
 */
function foldInlineCaseFlags(pattern: string): string {
  if (!/\(\?[a-z]*i/.test(pattern)) return pattern;
  let out = '';
  const stack: boolean[] = [false];
  let fold = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      const body = pattern.slice(i + 1, j);
      out += fold ? `[${foldClass(body)}]` : pattern.slice(i, j + 1);
      i = j;
      continue;
    }
    const named = /^\(\?P?<[a-zA-Z_][a-zA-Z0-9_]*>/.exec(pattern.slice(i));
    if (named) {
      stack.push(fold);
      out += named[0];
      i += named[0].length - 1;
      continue;
    }
    const flags = /^\(\?([a-zA-Z]*)(\)|:)/.exec(pattern.slice(i));
    if (flags) {
      const on: boolean = flags[1].includes('i') ? true : fold;
      if (flags[2] === ')') {
        fold = on;
      } else {
        stack.push(fold);
        fold = on;
        out += '(?:';
      }
      i += flags[0].length - 1;
      continue;
    }
    if (c === '(') {
      stack.push(fold);
      out += c;
      continue;
    }
    if (c === ')') {
      fold = stack.length > 1 ? stack.pop()! : fold;
      out += c;
      continue;
    }
    out += fold && /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

function foldClass(body: string): string {
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      i++;
      continue;
    }
    const range = /^([a-zA-Z])-([a-zA-Z])/.exec(body.slice(i));
    if (range) {
      const flip = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
      extra += `${flip(range[1])}-${flip(range[2])}`;
      i += 2;
    } else if (/[a-zA-Z]/.test(body[i])) {
      extra += body[i] === body[i].toLowerCase() ? body[i].toUpperCase() : body[i].toLowerCase();
    }
  }
  return body + extra;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

/** `a|b|c` with no metacharacters: matched by set lookup instead of a regex. */
function literalAlternatives(pattern: string): string[] | undefined {
  if (/[\\^$.|?*+()[\]{}]/.test(pattern.replace(/\|/g, ''))) return undefined;
  return pattern.split('|');
}
