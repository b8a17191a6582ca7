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
  let source = pattern;
  let flags = 's';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    if (inline[1].includes('U')) throw new MatcherError(`regex ${JSON.stringify(pattern)}: the (?U) flag is not supported`);
    if (inline[1].includes('i')) flags += 'i';
    source = source.slice(inline[0].length);
  }
  const unsupported = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\(\?[imsU-]+[:)]/.exec(source);
  if (unsupported) {
    throw new MatcherError(
      `regex ${JSON.stringify(pattern)} uses ${JSON.stringify(unsupported[0])}, which RE2 (PromQL's regex dialect) does not support: lookarounds and backreferences are not allowed, and inline flags only at the start`,
    );
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(alnum|alpha|digit|lower|upper|space|word|xdigit|punct):\]/g, (_, cls: string) => POSIX_CLASSES[cls])
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^');
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (e) {
    throw new MatcherError(`regex ${JSON.stringify(pattern)} is invalid: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
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
