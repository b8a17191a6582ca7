// Go's regexp as the template functions match and reReplaceAll use it: RE2 syntax and
// linear-time matching (libs/wire's compileSearchRegex), unanchored, '.' not matching a
// newline unless (?s), $1/${name} in replacements expanded by Go's rules ($1x is the
// group named "1x"). Rule authors write these patterns, but alert labels (which agents
// send) are what they run over, so a backtracking engine would let one label stall the hub.

import { canBackquote, quote } from '@metrics-hub/go-format';
import { compileSearchRegex, RegexSyntaxError, type SearchRegex } from '@metrics-hub/wire';

/** regexp's quote: back quotes when strconv.CanBackquote allows them, else strconv.Quote. */
function goQuoteRegexp(s: string): string {
  return canBackquote(s) ? `\`${s}\`` : quote(s);
}

/** The compiled pattern; throws with Go's "regexp: Compile(...)" wording. */
export function compileRegexp(pattern: string): SearchRegex {
  try {
    return compileSearchRegex(pattern);
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    throw new Error(`regexp: Compile(${goQuoteRegexp(pattern)}): ${e.reason}`);
  }
}

/** regexp.MatchString: does the pattern match anywhere in s? */
export function matchString(pattern: string, s: string): boolean {
  return compileRegexp(pattern).test(s);
}

/** `$name` or `${name}` at the start of `s` (Go's extract); undefined when malformed. */
function extract(s: string): { name: string; rest: string } | undefined {
  if (s.length < 2 || s[0] !== '$') return undefined;
  const brace = s[1] === '{';
  const body = s.slice(brace ? 2 : 1);
  const m = /^[\p{L}\p{Nd}_]+/u.exec(body);
  if (!m) return undefined;
  let rest = body.slice(m[0].length);
  if (brace) {
    if (rest[0] !== '}') return undefined;
    rest = rest.slice(1);
  }
  return { name: m[0], rest };
}

/** Regexp.Expand: the replacement text for one match. */
function expand(template: string, groups: readonly (string | undefined)[], named: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  for (;;) {
    const i = template.indexOf('$');
    if (i < 0) return out + template;
    out += template.slice(0, i);
    template = template.slice(i);
    if (template[1] === '$') {
      out += '$';
      template = template.slice(2);
      continue;
    }
    const ref = extract(template);
    if (!ref) {
      out += '$';
      template = template.slice(1);
      continue;
    }
    template = ref.rest;
    const numeric = /^(0|[1-9][0-9]{0,7})$/.test(ref.name);
    out += (numeric ? groups[Number(ref.name)] : named[ref.name]) ?? '';
  }
}

/** Regexp.ReplaceAllString(src, repl) with Go's expansion of repl. */
export function replaceAll(pattern: string, repl: string, src: string): string {
  let out = '';
  let last = 0;
  for (const m of compileRegexp(pattern).matchAll(src)) {
    out += src.slice(last, m.index) + expand(repl, m.groups, m.named);
    last = m.end;
  }
  return out + src.slice(last);
}
