// fmt.Sprintf's verbs, as printf in templates uses them. Expected strings are what Go prints;
// float digits were checked against the exact decimal value of each double (e.g. 2.675 is
// 2.67499999999999982236431605997495353221893310546875, so %.2f gives 2.67).

import { describe, expect, it } from 'vitest';
import { GoTime, anyMap, sprint, sprintf } from './index.ts';

describe('floats', () => {
  it('%f, %e, %g with precision round the exact binary value, ties to even', () => {
    expect(sprintf('%.2f %.2f %.0f %.0f %.0f %.1f', [2.675, 0.125, 0.5, 1.5, 2.5, 0.25])).toBe('2.67 0.12 0 2 2 0.2');
    expect(sprintf('%f %.3f %.2f', [3.14159, 1e-10, 1e20])).toBe('3.141590 0.000 100000000000000000000.00');
    expect(sprintf('%e %E %.3e %.0e', [1234.5678, 1234.5678, 0, 5e-324])).toBe('1.234568e+03 1.234568E+03 0.000e+00 5e-324');
    expect(sprintf('%g %g %g %.3g %.4g %.4g %G', [1e-5, 100000, 1e6, 2.5e-5, 1234.5, 12.5, 1e-7])).toBe(
      '1e-05 100000 1e+06 2.5e-05 1234 12.5 1E-07',
    );
  });

  it('%v is the shortest %g', () => {
    expect(sprintf('%v %v %v %v', [123456789, 0.000123, 1e20, 5e-324])).toBe('1.23456789e+08 0.000123 1e+20 5e-324');
  });

  it('width, flags, signs, and the special values', () => {
    expect(sprintf('|%8.3f|%-8.2f|%08.3f|%+.1f|% .1f|', [3.14159, 2.5, -3.14159, 2, 2])).toBe('|   3.142|2.50    |-003.142|+2.0| 2.0|');
    expect(sprintf('|%5.1f|%05.1f|%+.1f|%v|%.2f|', [Infinity, -Infinity, NaN, -Infinity, NaN])).toBe('| +Inf| -Inf|+NaN|-Inf|NaN|');
    expect(sprintf('%#g %#.3g %#.0f', [1, 2, 3])).toBe('1.00000 2.00 3.');
  });

  it('%x and %b show the binary form', () => {
    expect(sprintf('%x %x %X %.1x %b', [1, 3, -0.5, 1.75, 1])).toBe('0x1p+00 0x1.8p+01 -0X1P-01 0x1.cp+00 4503599627370496p-52');
  });
});

describe('integers (template int literals and len results are Go ints)', () => {
  it('bases, padding, precision, prefixes', () => {
    expect(
      sprintf('%d|%5d|%-5d|%05d|%+d|% d|%.3d|%x|%X|%#x|%o|%#o|%O|%b|%#b', [
        42n,
        42n,
        42n,
        -42n,
        5n,
        5n,
        7n,
        255n,
        255n,
        255n,
        8n,
        8n,
        8n,
        5n,
        5n,
      ]),
    ).toBe('42|   42|42   |-0042|+5| 5|007|ff|FF|0xff|10|010|0o10|101|0b101');
  });

  it('characters', () => {
    expect(sprintf('%c %q %U %#U', [65n, 97n, 0x1f600n, 0x78n])).toBe("A 'a' U+1F600 U+0078 'x'");
  });
});

describe('strings', () => {
  it('%s %q %x with width and precision', () => {
    expect(sprintf('|%5s|%-5s|%.2s|%q|%#q|%x|% x|%X|', ['ab', 'ab', 'abc', 'a"b\n', 'ab', 'hi', 'hi', 'hi'])).toBe(
      '|   ab|ab   |ab|"a\\"b\\n"|`ab`|6869|68 69|6869|',
    );
    expect(sprintf('%q %+q', ['é\u00a0', 'é'])).toBe('"é\\u00a0" "\\u00e9"');
  });
});

describe('composite values and types', () => {
  it('%v, %+v, %T', () => {
    class Point {
      constructor(
        readonly X: number,
        readonly Y: number,
      ) {}
    }
    expect(sprintf('%v %+v %v %v %d', [new Point(1, 2), new Point(1, 2), ['a', 'b'], { b: '2', a: '1' }, [1n, 2n]])).toBe(
      '{1 2} {X:1 Y:2} [a b] map[a:1 b:2] [1 2]',
    );
    expect(sprintf('%T %T %T %T %T %T %T', [1.5, 3n, 'x', true, null, ['a'], anyMap({ a: 1 })])).toBe(
      'float64 int string bool <nil> []string map[string]interface {}',
    );
  });

  it('a value with a String method prints through it', () => {
    const t = GoTime.fromMillis(0);
    expect(sprintf('%v|%s|%20.10s|', [t, t, t])).toBe('1970-01-01 00:00:00 +0000 UTC|1970-01-01 00:00:00 +0000 UTC|          1970-01-01|');
  });
});

describe("Go's in-band errors", () => {
  it('wrong types, missing and extra operands, bad verbs', () => {
    expect(sprintf('%d %s %d', ['x', 3n])).toBe('%!d(string=x) %!s(int=3) %!d(MISSING)');
    expect(sprintf('%f', [3n])).toBe('%!f(int=3)');
    expect(sprintf('%d', [null])).toBe('%!d(<nil>)');
    expect(sprintf('a', [1n, 'b'])).toBe('a%!(EXTRA int=1, string=b)');
    expect(sprintf('%z %!', [3n])).toBe('%!z(int=3) %!!(MISSING)');
    expect(sprintf('100%', [])).toBe('100%!(NOVERB)');
    expect(sprintf('%%', [])).toBe('%');
  });

  it('argument indexes and star width/precision', () => {
    expect(sprintf('%[2]d %[1]d', [1n, 2n])).toBe('2 1');
    expect(sprintf('%[3]d', [1n])).toBe('%!d(BADINDEX)');
    expect(sprintf('|%*d|%-*d|%.*f|', [5n, 3n, 4n, 7n, 2n, 3.14159])).toBe('|    3|7   |3.14|');
    expect(sprintf('%*d', ['x', 3n])).toBe('%!(BADWIDTH)3');
  });
});

describe('Sprint spacing', () => {
  it('adds a space between operands when neither is a string', () => {
    expect(sprint([1n, 2n, 'a', 3n, 'b', 'c', 1.5, true])).toBe('1 2a3bc1.5 true');
  });
});
