// Go's regexp as the template functions match and reReplaceAll use it: unanchored, '.'
// not matching a newline unless (?s), $1/${name} in replacements expanded by Go's rules
// ($1x is the group named "1x"). The RE2-to-JavaScript translation is libs/wire's, which
// PromQL's matchers use; here its anchoring is taken off again.

import { compileAnchoredRegex } from '@metrics-hub/wire';
import { quote } from './fmt.ts';

const compiled = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

function goQuoteRegexp(s: string): string {
  return /[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s) ? quote(s) : `\`${s}\``;
}

/** A global, unanchored RegExp for an RE2 pattern; throws with Go's "regexp: Compile(...)" wording. */
export function compileRegexp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    let anchored: RegExp;
    try {
      anchored = compileAnchoredRegex(pattern);
    } catch (e) {
      throw new Error(`regexp: Compile(${goQuoteRegexp(pattern)}): ${(e as Error).message}`);
    }
    // Strip the "^(?:" and ")$" compileAnchoredRegex wraps the pattern in.
    const source = anchored.source.slice(4, -2);
    re = new RegExp(source, /\(\?[a-zA-Z]*s[a-zA-Z]*[:)]/.test(pattern) ? 'gs' : 'g');
    if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
    compiled.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

/** regexp.MatchString: does the pattern match anywhere in s? */
export function matchString(pattern: string, s: string): boolean {
  const re = compileRegexp(pattern);
  const found = re.test(s);
  re.lastIndex = 0;
  return found;
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
function expand(template: string, groups: (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
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
    out += (numeric ? groups[Number(ref.name)] : named?.[ref.name]) ?? '';
  }
}

/** Regexp.ReplaceAllString(src, repl) with Go's expansion of repl. */
export function replaceAll(pattern: string, repl: string, src: string): string {
  const re = compileRegexp(pattern);
  let previousEnd = -1;
  const out = src.replace(re, (...m: unknown[]) => {
    const hasNamed = typeof m[m.length - 1] === 'object' && m[m.length - 1] !== undefined;
    const named = hasNamed ? (m[m.length - 1] as Record<string, string | undefined>) : undefined;
    const offset = m[m.length - (hasNamed ? 3 : 2)] as number;
    const whole = m[0] as string;
    // Go skips an empty match right where the previous match ended.
    if (whole === '' && offset === previousEnd) return '';
    previousEnd = offset + whole.length;
    const groups = m.slice(0, m.length - (hasNamed ? 3 : 2)) as (string | undefined)[];
    return expand(repl, groups, named);
  });
  re.lastIndex = 0;
  return out;
}
