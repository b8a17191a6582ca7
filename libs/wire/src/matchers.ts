// Label matchers with PromQL's semantics: regexes are fully anchored RE2 (./regex.ts),
// and a matcher that accepts the empty string also accepts a series without the label.

import { compileAnchoredRegex as compileRegex, RegexSyntaxError, type AnchoredRegex } from './regex.ts';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

export class MatcherError extends Error {
  readonly code = 'invalid_matcher';
  constructor(
    message: string,
    /** For an invalid regex: the 0-based offset in the pattern where RE2 found the problem. */
    readonly patternOffset?: number,
  ) {
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
      const re = compileAnchoredRegex(m.value);
      if (m.type === '=~') {
        matches = re.test;
        literals = re.literals;
      } else {
        matches = (v) => !re.test(v);
      }
      break;
    }
    default:
      throw new MatcherError(`unknown matcher type ${JSON.stringify((m as LabelMatcher).type)}: use =, !=, =~ or !~`);
  }
  return { type: m.type, name: m.name, value: m.value, matches, matchesEmpty: matches(''), literals };
}

/**
 * A label regex as Prometheus compiles it (`^(?s:pattern)$`, RE2, linear-time matching);
 * a pattern RE2 refuses is a MatcherError that says where and why.
 */
export function compileAnchoredRegex(pattern: string): AnchoredRegex {
  try {
    return compileRegex(pattern);
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    throw new MatcherError(`regex ${JSON.stringify(pattern)} is invalid: ${e.message}`, e.offset);
  }
}
