import { describe, expect, it } from 'vitest';
import { compileAnchoredRegex, compileMatcher, MatcherError } from './matchers.ts';

const m = (type: '=' | '!=' | '=~' | '!~', value: string) => compileMatcher({ type, name: 'job', value });

describe('label matchers', () => {
  it('equality and inequality', () => {
    expect(m('=', 'api').matches('api')).toBe(true);
    expect(m('=', 'api').matches('apix')).toBe(false);
    expect(m('!=', 'api').matches('api')).toBe(false);
    expect(m('!=', 'api').matches('web')).toBe(true);
  });

  it('regexes are fully anchored', () => {
    expect(m('=~', 'ap').matches('api')).toBe(false);
    expect(m('=~', 'ap.*').matches('api')).toBe(true);
    expect(m('=~', 'a|b').matches('ab')).toBe(false);
    expect(m('=~', 'foo|bar').matches('xbar')).toBe(false);
    expect(m('!~', 'ap.*').matches('api')).toBe(false);
    expect(m('!~', 'ap.*').matches('web')).toBe(true);
  });

  it('knows which matchers accept a missing label (the empty string)', () => {
    expect(m('=', '').matchesEmpty).toBe(true);
    expect(m('!=', 'x').matchesEmpty).toBe(true);
    expect(m('=~', '.*').matchesEmpty).toBe(true);
    expect(m('=~', '.+').matchesEmpty).toBe(false);
    expect(m('!~', '.+').matchesEmpty).toBe(true);
    expect(m('=', 'x').matchesEmpty).toBe(false);
  });

  it('dot matches newlines, as in Prometheus 3', () => {
    expect(m('=~', 'a.b').matches('a\nb')).toBe(true);
  });

  it('supports RE2 spellings: (?i), named groups, POSIX classes', () => {
    expect(m('=~', '(?i)API').matches('api')).toBe(true);
    expect(m('=~', '(?P<x>a+)b').matches('aab')).toBe(true);
    expect(m('=~', '[[:digit:]]+').matches('123')).toBe(true);
    expect(m('=~', '[[:digit:]]+').matches('12a')).toBe(false);
  });

  it('supports RE2 case-insensitive groups anywhere in the pattern', () => {
    expect(m('=~', '.*(?i:duc).*').matches('proDUCtion')).toBe(true);
    expect(m('=~', '.*((?i)duc)tion').matches('proDUCtion')).toBe(true);
    expect(m('=~', '.*((?i)duc)tion').matches('proDUCTION')).toBe(false);
    expect(m('=~', 'a(?i:b)c').matches('aBc')).toBe(true);
    expect(m('=~', 'a(?i:b)c').matches('aBC')).toBe(false);
    expect(m('=~', '(?i)[^x]').matches('X')).toBe(false);
    expect(m('=~', '(?i)(?P<n>ab)').matches('AB')).toBe(true);
  });

  it('uses a set for literal alternations and reports them', () => {
    expect(m('=~', 'a|b|c').literals).toEqual(['a', 'b', 'c']);
    expect(m('=~', 'a.|b').literals).toBeUndefined();
  });

  it('accepts what RE2 accepts, such as the ungreedy flag', () => {
    expect(m('=~', '(?U)a+').matches('aaa')).toBe(true);
  });

  it('rejects what RE2 does not support, saying why', () => {
    expect(() => compileAnchoredRegex('a(?=b)')).toThrow(MatcherError);
    expect(() => compileAnchoredRegex('(a)\\1')).toThrow(/backreferences/);
    expect(() => compileAnchoredRegex('a(')).toThrow(/regex "a\(" is invalid/);
  });
});
