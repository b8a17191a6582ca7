import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileAnchoredRegex, compileSearchRegex, fastMatcher, RegexSyntaxError } from './regex.ts';

describe('linear-time matching', () => {
  // Each of these takes V8's backtracking engine 2^n steps on n characters: 32 of them
  // held the hub's event loop for 15.7 s. In RE2 they are linear; the bound below only
  // guards against exponential time (which would be years here), not for speed.
  it.each([
    ['(a|a)*b', 'a'],
    ['(a+)+b', 'a'],
    ['(a|a){1,100}b', 'a'],
    ['(?:a*){1,50}b', 'a'],
    ['(.*a){20}', 'a'],
    ['(\\w|_)*!', 'metric_name_'],
  ])('%s against a long non-matching value answers at once', (pattern, unit) => {
    const re = compileAnchoredRegex(pattern);
    const value = unit.repeat(Math.ceil(5_000 / unit.length));
    const started = performance.now();
    expect(re.test(value)).toBe(pattern === '(.*a){20}');
    expect(re.exec(`${value}!`)?.groups[0] === `${value}!`).toBe(pattern === '(\\w|_)*!');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('anchored regexes (PromQL label matchers)', () => {
  it('match the whole value, with . matching newlines', () => {
    expect(compileAnchoredRegex('ap').test('api')).toBe(false);
    expect(compileAnchoredRegex('a.b').test('a\nb')).toBe(true);
    expect(compileAnchoredRegex('a|b').test('ab')).toBe(false);
  });

  it('keep the anchors even when the pattern has an unbalanced parenthesis', () => {
    // Prometheus pastes the pattern into ^(?s:...)$, where `a)|(b` would escape the anchors.
    expect(() => compileAnchoredRegex('a)|(.*')).toThrow(RegexSyntaxError);
  });

  it('take RE2 spellings: (?i), (?U), \\z, POSIX classes, \\pL, (?P<name>)', () => {
    expect(compileAnchoredRegex('(?i)API').test('api')).toBe(true);
    expect(compileAnchoredRegex('(?U)a+').test('aaa')).toBe(true);
    expect(compileAnchoredRegex('a\\z').test('a')).toBe(true);
    expect(compileAnchoredRegex('[[:alpha:]]+').test('abc')).toBe(true);
    expect(compileAnchoredRegex('\\pL+').test('héllo')).toBe(true);
    expect(compileAnchoredRegex('(?P<x>a+)b').exec('aab')?.named).toEqual({ x: 'aa' });
  });

  it('give the groups of a whole-value match', () => {
    const m = compileAnchoredRegex('(?P<host>[^:]+):(\\d+)?(x)?').exec('web-1:9100');
    expect(m?.groups).toEqual(['web-1:9100', 'web-1', '9100', undefined]);
    expect(m?.named).toEqual({ host: 'web-1' });
    expect(compileAnchoredRegex('node_(.*)').exec('node_load1')?.groups).toEqual(['node_load1', 'load1']);
    expect(compileAnchoredRegex('node_(.*)').exec('up')).toBeUndefined();
  });

  it('refuse what RE2 refuses, saying where and why', () => {
    const refusal = (p: string) => {
      try {
        compileAnchoredRegex(p);
      } catch (e) {
        return e as RegexSyntaxError;
      }
      throw new Error(`${p} was accepted`);
    };
    expect(refusal('abc(?=d)').message).toBe(
      'error parsing regexp: invalid or unsupported Perl syntax: `(?=` (at character 4 of the regex): RE2 (the regex dialect of PromQL and Alertmanager) has no lookaheads or lookbehinds; match the label with a second matcher instead',
    );
    expect(refusal('abc(?=d)').offset).toBe(3);
    expect(refusal('x(?<=a)').message).toMatch(/at character 2 .*no lookaheads or lookbehinds/);
    expect(refusal('(a)\\1').message).toMatch(/invalid escape sequence: `\\1` \(at character 4 of the regex\).*no backreferences/);
    expect(refusal('a{1001}').message).toMatch(/invalid repeat count/);
    expect(refusal('((a{100}){100}){100}').message).toMatch(/invalid repeat count/);
    expect(refusal('[a-').message).toMatch(/missing closing \]/);
  });
});

describe('search regexes (Go templates)', () => {
  it('match anywhere, . not matching a newline unless (?s)', () => {
    expect(compileSearchRegex('b').test('abc')).toBe(true);
    expect(compileSearchRegex('a.c').test('a\nc')).toBe(false);
    expect(compileSearchRegex('(?s)a.c').test('a\nc')).toBe(true);
  });

  it('find every match by Go rules: no empty match right after a match', () => {
    expect(
      compileSearchRegex('a*')
        .matchAll('baaac')
        .map((m) => [m.index, m.end]),
    ).toEqual([
      [0, 0],
      [1, 4],
      [5, 5],
    ]);
  });
});

describe('string fast paths', () => {
  it('cover the shapes label matchers mostly take', () => {
    for (const p of ['api', 'node_.*', '.*_total', '.*cpu.*', '.+', '.*', 'web-.+|db-.+', 'a.*b.*c', '10\\.0\\..*', '|x'])
      expect(fastMatcher(p), p).toBeDefined();
    for (const p of ['a.b', '[ab]', '(?i)x', 'a+', 'x.+.+', '\\d', 'a{2}', '^a', '(a)b']) expect(fastMatcher(p), p).toBeUndefined();
  });

  it('agree with RE2 on every value', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', '.*', '.+', '\\.', '-', '|');
    const value = fc.string({ unit: fc.constantFrom('a', 'b', '.', '-', '\n', 'é', '😀'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 7 }), fc.array(value, { minLength: 1, maxLength: 10 }), (pieces, values) => {
        const pattern = pieces.join('');
        const fast = fastMatcher(pattern);
        if (!fast) return;
        const re2 = RE2JS.compile(`^(?s:${pattern})$`);
        for (const v of values) expect(fast(v), `${JSON.stringify(pattern)} on ${JSON.stringify(v)}`).toBe(re2.testExact(v));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('shapes that skip the engine', () => {
  it('list the strings of a literal alternation, in brackets or not, escapes undone', () => {
    expect(compileAnchoredRegex('a|b|c').literals).toEqual(['a', 'b', 'c']);
    expect(compileAnchoredRegex('(web\\-1|web\\.2)').literals).toEqual(['web-1', 'web.2']);
    expect(compileAnchoredRegex('(?:x|)').literals).toEqual(['x', '']);
    expect(compileAnchoredRegex('(a)|(b)').literals).toBeUndefined();
    expect(compileAnchoredRegex('a.|b').literals).toBeUndefined();
    expect(compileAnchoredRegex('(web-1|web-2)').test('web-1')).toBe(true);
    expect(compileAnchoredRegex('(web-1|web-2)').test('(web-1')).toBe(false);
  });

  it('agree with RE2 on every value, whatever the pattern', () => {
    const piece = fc.constantFrom('a', 'b', '-', '.*', '.+', '.', '\\.', '|', '(', ')', '(?:', '*', '?', '[ab]', '{2}', '(?i)');
    const value = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.', '-', '\n', '😀'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(value, { minLength: 1, maxLength: 10 }), (pieces, values) => {
        const pattern = pieces.join('');
        let re2: RE2JS;
        try {
          RE2JS.compile(pattern);
          re2 = RE2JS.compile(`^(?s:${pattern})$`);
        } catch {
          expect(() => compileAnchoredRegex(pattern)).toThrow(RegexSyntaxError);
          return;
        }
        const ours = compileAnchoredRegex(pattern);
        for (const v of values) {
          expect(ours.test(v), `${JSON.stringify(pattern)} on ${JSON.stringify(v)}`).toBe(re2.testExact(v));
          expect(ours.exec(v)?.groups[0], `${JSON.stringify(pattern)} exec ${JSON.stringify(v)}`).toBe(re2.testExact(v) ? v : undefined);
        }
        if (ours.literals) for (const l of ours.literals) expect(re2.testExact(l)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('agree with RE2 when a literal start is checked first', () => {
    const cases: [string, string, boolean][] = [
      ['node_(cpu|memory)_.*', 'node_cpu_x', true],
      ['node_(cpu|memory)_.*', 'nod', false],
      ['ab*c', 'ac', true],
      ['ab?', 'a', true],
      ['ab{2}', 'abb', true],
      ['a\\.b[0-9]', 'a.b1', true],
      ['a\\.b[0-9]', 'axb1', false],
      ['ab|cd', 'cd', true],
      ['x(?i)Y', 'xy', true],
      ['x(?i)Y', 'Xy', false],
      ['(a|b)c', 'bc', true],
    ];
    for (const [p, s, want] of cases) expect(compileAnchoredRegex(p).test(s), `${p} on ${s}`).toBe(want);
  });
});

describe('size', () => {
  it('refuses a pattern too long to compile quickly, and saying what to do', () => {
    const long = '(.*a)'.repeat(4_000);
    expect(() => compileAnchoredRegex(long)).toThrow(
      /^regex too long: 20000 characters, where at most 16384 go to the regex engine: split it .* alternation of plain strings/,
    );
    expect(() => compileSearchRegex(long)).toThrow(RegexSyntaxError);
  });

  it('has no limit for alternations of plain strings (thousands of hosts picked in Grafana)', () => {
    const hosts = Array.from({ length: 5_000 }, (_, i) => `web\\-${i}\\.example\\.org:9100`);
    const re = compileAnchoredRegex(`(${hosts.join('|')})`);
    expect(re.literals).toHaveLength(5_000);
    expect(re.test('web-4999.example.org:9100')).toBe(true);
    expect(re.test('web-5000.example.org:9100')).toBe(false);
  });
});
