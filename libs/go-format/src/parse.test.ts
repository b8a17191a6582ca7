// strconv.ParseFloat and ParseInt (base 0), as the template parser reads number constants
// and Prometheus's functions read numbers given as strings. Vectors from Go's
// src/strconv/atof_test.go: the input, and the result as FormatFloat(x, 'g', -1) prints it.

import { describe, expect, it } from 'vitest';
import { formatFloat, NumberSyntaxError, parseGoFloat, parseGoInt } from './index.ts';

describe('ParseFloat', () => {
  it("Go's atof_test.go table", () => {
    const cases: [string, string][] = [
      ['1', '1'],
      ['+1', '1'],
      ['1e23', '1e+23'],
      ['1E23', '1e+23'],
      ['100000000000000000000000', '1e+23'],
      ['1e-100', '1e-100'],
      ['123456700', '1.234567e+08'],
      ['99999999999999974834176', '9.999999999999997e+22'],
      ['100000000000000000000001', '1.0000000000000001e+23'],
      ['100000000000000008388608', '1.0000000000000001e+23'],
      ['100000000000000016777215', '1.0000000000000001e+23'],
      ['100000000000000016777216', '1.0000000000000003e+23'],
      ['-1', '-1'],
      ['-0.1', '-0.1'],
      ['-0', '-0'],
      ['1e-20', '1e-20'],
      ['625e-3', '0.625'],
      // hexadecimal
      ['0x1p0', '1'],
      ['0x1p1', '2'],
      ['0x1p-1', '0.5'],
      ['0x1ep-1', '15'],
      ['-0x1ep-1', '-15'],
      ['-0x1_ep-1', '-15'],
      ['0x1p-200', '6.223015277861142e-61'],
      ['0x1p200', '1.6069380442589903e+60'],
      ['0x1fFe2.p0', '131042'],
      ['0x1fFe2.P0', '131042'],
      ['-0x2p3', '-16'],
      ['0x0.fp4', '15'],
      ['0x0.fp0', '0.9375'],
      ['0x1p+2', '4'],
      ['0x.1p+2', '0.25'],
      ['0x1p-2', '0.25'],
      ['0x.1p-2', '0.015625'],
      // zeros
      ['0', '0'],
      ['0e0', '0'],
      ['-0e0', '-0'],
      ['+0e0', '0'],
      ['0e-0', '0'],
      ['-0e+0', '-0'],
      ['0e291', '0'],
      ['-0e348', '-0'],
      // NaN and infinities
      ['nan', 'NaN'],
      ['NaN', 'NaN'],
      ['NAN', 'NaN'],
      ['inf', '+Inf'],
      ['-Inf', '-Inf'],
      ['+INF', '+Inf'],
      ['-Infinity', '-Inf'],
      ['+INFINITY', '+Inf'],
      ['Infinity', '+Inf'],
      // the largest float64, and the border
      ['1.7976931348623157e308', '1.7976931348623157e+308'],
      ['-1.7976931348623157e308', '-1.7976931348623157e+308'],
      ['0x1.fffffffffffffp1023', '1.7976931348623157e+308'],
      ['1.7976931348623158e308', '1.7976931348623157e+308'],
      ['1e308', '1e+308'],
      // denormals, and below the smallest
      ['1e-305', '1e-305'],
      ['1e-310', '1e-310'],
      ['1e-322', '1e-322'],
      ['5e-324', '5e-324'],
      ['4e-324', '5e-324'],
      ['3e-324', '5e-324'],
      ['2e-324', '0'],
      ['1e-350', '0'],
      ['1e-400000', '0'],
      ['2.2250738585072012e-308', '2.2250738585072014e-308'],
      ['2.2250738585072011e-308', '2.225073858507201e-308'],
      ['4.630813248087435e+307', '4.630813248087435e+307'],
      ['22.222222222222222', '22.22222222222222'],
      // halfway between 1 and the next float64 rounds to even
      ['1.00000000000000011102230246251565404236316680908203125', '1'],
      ['1.00000000000000011102230246251565404236316680908203126', '1.0000000000000002'],
      ['1.00000000000000033306690738754696212708950042724609375', '1.0000000000000004'],
      // digit separators
      ['1_23.50_0_0e+1_2', '1.235e+14'],
      ['0x_1_2.3_4_5p+1_2', '74565'],
    ];
    for (const [s, out] of cases) expect(formatFloat(parseGoFloat(s), 'g', -1), s).toBe(out);
  });

  it("syntax and range errors with Go's texts", () => {
    const syntax = ['', '1x', '1.1.', '0x1e2', '1p2', '1e', '1e-', '.e-1', '1\x00.2', '0x', '0x.', '0x1', '0x.1', '0x1p', '0x1p+'];
    syntax.push('-_123.5e+12', '_123.5e+12', '1__23.5e+12', '123_.5e+12', '123._5e+12', '123.5_e+12', '123.5e+12_', '0x12.345p+12_');
    for (const s of syntax) {
      expect(() => parseGoFloat(s), JSON.stringify(s)).toThrow(NumberSyntaxError);
      expect(() => parseGoFloat(s), JSON.stringify(s)).toThrow(/: invalid syntax$/);
    }
    for (const s of ['1.7976931348623159e308', '-1.7976931348623159e308', '0x1p1024', '2e308', '1e309', '-1e400', '0x1p2000']) {
      expect(() => parseGoFloat(s), s).toThrow(`strconv.ParseFloat: parsing "${s}": value out of range`);
    }
  });
});

describe('ParseInt (base 0)', () => {
  it("Go's atoi_test.go table: base prefixes, int64 overflow, syntax errors", () => {
    const cases: [string, bigint | undefined][] = [
      ['', undefined],
      ['0', 0n],
      ['-0', 0n],
      ['1', 1n],
      ['-1', -1n],
      ['12345', 12345n],
      ['-12345', -12345n],
      ['012345', 0o12345n],
      ['-012345', -0o12345n],
      ['0x12345', 0x12345n],
      ['-0X12345', -0x12345n],
      ['12345x', undefined],
      ['-12345x', undefined],
      ['98765432100', 98765432100n],
      ['-98765432100', -98765432100n],
      ['9223372036854775807', 9223372036854775807n],
      ['-9223372036854775807', -9223372036854775807n],
      ['9223372036854775808', undefined],
      ['-9223372036854775808', -9223372036854775808n],
      ['9223372036854775809', undefined],
      ['-9223372036854775809', undefined],
      ['0x', undefined],
      ['0X', undefined],
      ['0xabcdefg123', undefined],
      ['123456789abc', undefined],
    ];
    for (const [s, n] of cases) expect(parseGoInt(s), s).toBe(n);
  });
});
