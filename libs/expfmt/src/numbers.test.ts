import { describe, expect, it } from 'vitest';
import {
  formatFloat,
  formatMillis,
  formatSeconds,
  parseFloatRange,
  parseFloatText,
  parseIntegerTimestamp,
  parseSecondsTimestamp,
  parseSecondsTimestampRange,
} from './numbers.ts';

describe('sample values', () => {
  it.each([
    ['1', 1],
    ['-2.5', -2.5],
    ['+3', 3],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5e-7', 1.5e-7],
    ['.5', 0.5],
    ['5.', 5],
    ['0042', 42],
    ['-0', -0],
    ['1.7560473e+07', 17560473],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['Inf', Infinity],
    ['inf', Infinity],
    ['+infinity', Infinity],
    ['-Infinity', -Infinity],
    ['NaN', NaN],
    ['nan', NaN],
    ['1e-400', 0],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.1000000000000000055511151231257827', 0.1],
  ])('reads %s', (text, expected) => {
    expect(Object.is(parseFloatText(text), expected)).toBe(true);
    expect(Object.is(parseFloatRange(`x ${text} y`, 2, 2 + text.length), expected)).toBe(true);
  });

  it.each([
    '',
    '+',
    '-',
    '.',
    'e3',
    '1e',
    '1e+',
    '0x10',
    '0x1p-3',
    '0X1P3',
    '1_000',
    '1,5',
    '1.5.5',
    '+nan',
    '-NaN',
    'Infinit',
    'true',
    '1x',
    ' 1',
    '1 ',
    '١',
  ])('refuses %j', (text) => {
    expect(parseFloatText(text)).toBeUndefined();
    expect(parseFloatRange(`x${text}y`, 1, 1 + text.length)).toBeUndefined();
  });

  it('reports a finite literal beyond float64 as out of range, as Go does', () => {
    expect(parseFloatText('1e400')).toBeNull();
    expect(parseFloatText('-1.8e308')).toBeNull();
    expect(parseFloatText('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
  });

  it('takes the fast path only where it is exact', () => {
    // Around the limits of 15 significant digits and powers of ten up to 1e22.
    for (const text of [
      '999999999999999',
      '0.000000000000000000001',
      '9007199254740993',
      '123456789.123456789',
      '1.00000000000000011102230246251565404236316680908203125',
    ]) {
      expect(parseFloatRange(text, 0, text.length)).toBe(Number(text));
    }
  });

  it('gives the ordinary quiet NaN, never a staleness-marker pattern', () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, parseFloatText('NaN') as number);
    expect(view.getUint32(0).toString(16)).toBe('7ff80000');
    expect(view.getUint32(4)).toBe(0);
  });
});

describe('timestamps', () => {
  it('reads Prometheus text timestamps as int64 milliseconds', () => {
    expect(parseIntegerTimestamp('1395066363000')).toBe(1395066363000);
    expect(parseIntegerTimestamp('-3982045')).toBe(-3982045);
    expect(parseIntegerTimestamp('+5')).toBe(5);
    expect(parseIntegerTimestamp('-0')).toBe(0);
    expect(parseIntegerTimestamp('9223372036854775807')).toBe(9223372036854775807);
    expect(parseIntegerTimestamp('-9223372036854775808')).toBe(-9223372036854775808);
    expect(parseIntegerTimestamp('9223372036854775808')).toBeNull();
    expect(parseIntegerTimestamp('-9223372036854775809')).toBeNull();
    expect(parseIntegerTimestamp('99999999999999999999999')).toBeNull();
    for (const bad of ['', '-', '1.5', '1e3', '12a', '0x10', 'NaN']) expect(parseIntegerTimestamp(bad)).toBeUndefined();
  });

  it('reads OpenMetrics timestamps as seconds, exactly, truncating below a millisecond', () => {
    expect(parseSecondsTimestamp('1520879607.789')).toBe(1520879607789);
    expect(parseSecondsTimestamp('1520430000.123')).toBe(1520430000123);
    expect(parseSecondsTimestamp('1604676851.123456789')).toBe(1604676851123);
    expect(parseSecondsTimestamp('123')).toBe(123000);
    expect(parseSecondsTimestamp('0.0015')).toBe(1);
    expect(parseSecondsTimestamp('-1.5')).toBe(-1500);
    expect(parseSecondsTimestamp('-0.0005')).toBe(0);
    expect(parseSecondsTimestamp('1.5e3')).toBe(1500000);
    expect(parseSecondsTimestamp('1e-3')).toBe(1);
    expect(parseSecondsTimestamp('.5')).toBe(500);
    expect(parseSecondsTimestamp('5.')).toBe(5000);
    expect(parseSecondsTimestamp('1e-999999999999')).toBe(0);
    expect(parseSecondsTimestamp('1e400')).toBeNull();
    expect(parseSecondsTimestamp('9223372036854775.807')).toBe(9223372036854775807);
    expect(parseSecondsTimestamp('9223372036854775.808')).toBeNull();
    for (const bad of ['', '.', 'NaN', '+Inf', '-Inf', '1e', '1x', '0x10', '1_0']) expect(parseSecondsTimestamp(bad)).toBeUndefined();
  });

  it('reads seconds inside a line as it reads them alone', () => {
    const forms = [
      '0',
      '-0',
      '+7',
      '.5',
      '5.',
      '.',
      '-.5',
      '1767225719.8470001',
      '-0.0005',
      '0.0015',
      '123456789012',
      '1234567890123',
      '1e3',
      '1x',
      '',
      '-',
      '9223372036854775.807',
    ];
    let seed = 1;
    const next = (below: number) => (seed = (seed * 48271) % 2147483647) % below;
    for (let i = 0; i < 2000; i++) forms.push(`${next(1e6) * 1e6 + next(1e6)}.${String(next(1e9)).padStart(i % 10, '0')}`);
    for (const f of forms) expect(parseSecondsTimestampRange(`ab ${f} cd`, 3, 3 + f.length), f).toBe(parseSecondsTimestamp(f));
  });

  it('writes milliseconds and seconds exactly', () => {
    expect(formatMillis(1395066363000)).toBe('1395066363000');
    expect(formatMillis(-3982045)).toBe('-3982045');
    expect(formatMillis(-0)).toBe('0');
    expect(formatMillis(1e21)).toBe('1000000000000000000000');
    expect(formatSeconds(1520879607789)).toBe('1520879607.789');
    expect(formatSeconds(-3982045)).toBe('-3982.045');
    expect(formatSeconds(5000)).toBe('5');
    expect(formatSeconds(1)).toBe('0.001');
    expect(formatSeconds(1500)).toBe('1.5');
    expect(formatSeconds(0)).toBe('0');
    expect(formatSeconds(1.5)).toBe('0.0015');
    for (const ms of [1, 999, 1000, 1001, 1520879607789, -1, -1520879607789, 2 ** 53 - 1, -(2 ** 53 - 1), 123456789]) {
      expect(parseSecondsTimestamp(formatSeconds(ms))).toBe(ms);
    }
  });

  it('writes whole milliseconds as the decimal point moved three places, trailing zeros dropped', () => {
    // The oracle works on the integer's digits as text.
    const moved = (ms: number) => {
      const digits = String(Math.abs(ms)).padStart(4, '0');
      const text = `${digits.slice(0, -3)}.${digits.slice(-3)}`.replace(/0+$/, '').replace(/\.$/, '');
      return (ms < 0 ? '-' : '') + text;
    };
    let seed = 7;
    const next = (below: number) => (seed = (seed * 48271) % 2147483647) % below;
    const cases = [0, 10, 50, 100, 120, 105, 7, 1000, 1010, 1100, -5, -50, -500];
    for (let i = 0; i < 5000; i++) cases.push((next(2) ? 1 : -1) * (next(1e6) * 1e7 + next(1e7)) * 10 ** next(3));
    for (const ms of cases) expect(formatSeconds(ms), String(ms)).toBe(moved(ms));
  });
});

describe("Go's float formatting (strconv.FormatFloat(v, 'g', -1, 64))", () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1, '-1'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [12.47, '12.47'],
    [144320, '144320'],
    [100000, '100000'],
    [999999, '999999'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1458255915, '1.458255915e+09'],
    [17560473, '1.7560473e+07'],
    [1.6777216e10, '1.6777216e+10'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [4.9351e-5, '4.9351e-05'],
    [1e-10, '1e-10'],
    [0.30000000000000004, '0.30000000000000004'],
    [123456.789, '123456.789'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [-1.5e300, '-1.5e+300'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ])('%s -> %s', (v, text) => {
    expect(formatFloat(v)).toBe(text);
    expect(Object.is(parseFloatText(text), v)).toBe(true);
  });

  it('writes the OpenMetrics canonical powers of ten the Go way', () => {
    expect([1e-10, 1e-9, 1e-5, 1e-4, 0.1, 1, 100000, 1e6, 1e10].map(formatFloat)).toEqual([
      '1e-10',
      '1e-09',
      '1e-05',
      '0.0001',
      '0.1',
      '1',
      '100000',
      '1e+06',
      '1e+10',
    ]);
  });

  it('round-trips the shortest digits of arbitrary doubles', () => {
    const view = new DataView(new ArrayBuffer(8));
    let seed = 12345;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      view.setUint32(0, seed);
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      view.setUint32(4, seed);
      const v = view.getFloat64(0);
      const text = formatFloat(v);
      expect(Object.is(parseFloatText(text), v) || (v !== v && text === 'NaN')).toBe(true);
    }
  });
});
