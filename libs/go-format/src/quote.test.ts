// strconv's Quote family and Unquote. Expected strings are what Go prints: the case
// PromQL's messages were checked with, then vectors from Go's src/strconv/quote_test.go
// (those whose input is valid UTF-8, the only kind a JavaScript string holds).

import { describe, expect, it } from 'vitest';
import { canBackquote, quote, quoteRune, unquote, unquotePrometheus, unquoteRune } from './index.ts';

describe('Quote', () => {
  it('escapes as PromQL messages show label names and values', () => {
    expect(quote('a"b\\c\n\x01é')).toBe('"a\\"b\\\\c\\n\\x01é"');
  });

  const cases: [string, string, string][] = [
    // input, Quote, QuoteToASCII
    ['\x07\b\f\r\n\t\v', '"\\a\\b\\f\\r\\n\\t\\v"', '"\\a\\b\\f\\r\\n\\t\\v"'],
    ['\\', '"\\\\"', '"\\\\"'],
    ['\u263a', '"☺"', '"\\u263a"'],
    ['\u{10ffff}', '"\\U0010ffff"', '"\\U0010ffff"'],
    ['\x04', '"\\x04"', '"\\x04"'],
    // Non-printable but graphic runes.
    ['!\u00a0!\u2000!\u3000!', '"!\\u00a0!\\u2000!\\u3000!"', '"!\\u00a0!\\u2000!\\u3000!"'],
  ];

  it("Go's quote_test.go table", () => {
    for (const [s, q, ascii] of cases) {
      expect(quote(s), JSON.stringify(s)).toBe(q);
      expect(quote(s, true), JSON.stringify(s)).toBe(ascii);
    }
  });
});

describe('QuoteRune', () => {
  const cases: [number, string, string][] = [
    // rune, QuoteRune, QuoteRuneToASCII
    [0x61, "'a'", "'a'"],
    [0x07, "'\\a'", "'\\a'"],
    [0x5c, "'\\\\'", "'\\\\'"],
    [0xff, "'ÿ'", "'\\u00ff'"],
    [0x263a, "'☺'", "'\\u263a'"],
    [0xfffd, "'�'", "'\\ufffd'"],
    [0x10ffff, "'\\U0010ffff'", "'\\U0010ffff'"],
    [0x04, "'\\x04'", "'\\x04'"],
    [0xa0, "'\\u00a0'", "'\\u00a0'"],
    [0x2000, "'\\u2000'", "'\\u2000'"],
    [0x3000, "'\\u3000'", "'\\u3000'"],
  ];

  it("Go's quote_test.go table", () => {
    for (const [r, q, ascii] of cases) {
      expect(quoteRune(r), r.toString(16)).toBe(q);
      expect(quoteRune(r, true), r.toString(16)).toBe(ascii);
    }
  });
});

describe('CanBackquote', () => {
  it("Go's quote_test.go table", () => {
    for (let c = 0; c < 32; c++) expect(canBackquote(String.fromCharCode(c)), String(c)).toBe(c === 9);
    expect(canBackquote('`')).toBe(false);
    expect(canBackquote('\x7f')).toBe(false);
    expect(canBackquote(`' !"#$%&'()*+,-./:;<=>?@[\\]^_{|}~`)).toBe(true);
    expect(canBackquote('0123456789')).toBe(true);
    expect(canBackquote('ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBe(true);
    expect(canBackquote('abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(canBackquote('☺')).toBe(true);
    expect(canBackquote('\ufeffabc')).toBe(false);
    expect(canBackquote('a\ufeffz')).toBe(false);
  });
});

describe('Unquote', () => {
  it("Go's quote_test.go table, double-quoted and raw strings", () => {
    const cases: [string, string][] = [
      ['""', ''],
      ['"a"', 'a'],
      ['"abc"', 'abc'],
      ['"☺"', '☺'],
      ['"hello world"', 'hello world'],
      ['"\\u1234"', '\u1234'],
      ['"\\U00010111"', '\u{10111}'],
      ['"\\U0001011111"', '\u{10111}11'],
      ['"\\a\\b\\f\\n\\r\\t\\v\\\\\\""', '\x07\b\f\n\r\t\v\\"'],
      ['"\'"', "'"],
      ['``', ''],
      ['`a`', 'a'],
      ['`abc`', 'abc'],
      ['`☺`', '☺'],
      ['`hello world`', 'hello world'],
      ['`\\xFF`', '\\xFF'],
      ['`\\377`', '\\377'],
      ['`\\`', '\\'],
      ['`\n`', '\n'],
      ['`\t`', '\t'],
      ['` `', ' '],
    ];
    for (const [q, s] of cases) expect(unquote(q), q).toBe(s);
  });

  it('refuses what Go refuses', () => {
    const misquoted = ['', '"', '"a', '"\'', 'b"', '"\\"', '"\\9"', '"\\19"', '"\\129"', '"\\x1!"', '"\\U12345678"', '"\\z"'];
    misquoted.push('`', '`xxx', '`"', '"\\\'"', '"\n"', '"\\n\n"');
    for (const q of misquoted) expect(() => unquote(q), q).toThrow('invalid syntax');
  });

  it('character constants', () => {
    const cases: [string, number][] = [
      ["'a'", 0x61],
      ["'☹'", 0x2639],
      ["'\\a'", 0x07],
      ["'\\x10'", 0x10],
      ["'\\377'", 0xff],
      ["'\\u1234'", 0x1234],
      ["'\\U00010111'", 0x10111],
      ["'\\t'", 0x09],
      ["' '", 0x20],
      ["'\\''", 0x27],
      ["'\"'", 0x22],
    ];
    for (const [q, r] of cases) expect(unquoteRune(q), q).toBe(r);
    for (const q of ["'\\'", "'\\9'", "'\\19'", "'\\129'", "'ab'", "'\\\"'"]) expect(() => unquoteRune(q), q).toThrow();
  });
});

describe("Prometheus's strutil.Unquote (PromQL string literals)", () => {
  it('reads single-quoted strings as strings, double-quoted and raw ones as Go does', () => {
    expect(unquotePrometheus("'it\\'s'")).toBe("it's");
    expect(unquotePrometheus("'a\"b'")).toBe('a"b');
    expect(unquotePrometheus('"\\u00e9\\x41\\101\\t"')).toBe('éAA\t');
    expect(unquotePrometheus('`a\\b`')).toBe('a\\b');
    expect(unquotePrometheus('`a\r\nb`')).toBe('a\r\nb');
  });

  it('refuses what strutil refuses', () => {
    for (const bad of ["'abc", '"a\nb"', '"\\q"', '`a`b`', 'abc', "'a'b'"]) expect(() => unquotePrometheus(bad), bad).toThrow(SyntaxError);
  });

  it('leaves strconv.Unquote as Go has it: no single-quoted strings', () => {
    expect(() => unquote("'ab'")).toThrow(SyntaxError);
  });
});
