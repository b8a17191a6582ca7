import { describe, expect, it } from 'vitest';
import { formatPointTime, formatPointValue, formatScalarValue, jsonString, labelsJson, queryDataJson, successJson } from './format.ts';

// Expected texts are what Go prints for these values (strconv 'f'/'e' with precision -1,
// jsonutil.MarshalTimestamp, encoding/json's HTML escaping), written out by hand.

describe('point timestamps (jsonutil.MarshalTimestamp)', () => {
  it.each([
    [0, '0'],
    [1_435_781_451_781, '1435781451.781'],
    [1500, '1.500'],
    [1050, '1.050'],
    [1005, '1.005'],
    [2000, '2'],
    [-1500, '-1.500'],
    [-5, '-0.005'],
  ])('%d ms prints as %s', (ms, text) => {
    expect(formatPointTime(ms)).toBe(text);
  });
});

describe('point values (jsonutil.MarshalFloat)', () => {
  it.each([
    [1, '1'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e-6, '0.000001'],
    [1e-7, '1e-07'],
    [-2.5e-10, '-2.5e-10'],
    [1e20, '100000000000000000000'],
    [1.2345678901234568e20, '123456789012345680000'],
    [1e21, '1e+21'],
    [1.5e300, '1.5e+300'],
    [0, '0'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [0.30000000000000004, '0.30000000000000004'],
  ])('%d prints as %s', (v, text) => {
    expect(formatPointValue(v)).toBe(text);
  });
});

describe('scalar values (strconv.FormatFloat(v, f, -1, 64))', () => {
  it.each([
    [2, '2'],
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [-Infinity, '-Inf'],
  ])('%d prints as %s', (v, text) => {
    expect(formatScalarValue(v)).toBe(text);
  });
});

describe('JSON text', () => {
  it('escapes HTML-significant characters and line separators as Go does', () => {
    expect(jsonString('a<b>&c\u2028"\n')).toBe('"a\\u003cb\\u003e\\u0026c\\u2028\\"\\n"');
    expect(JSON.parse(jsonString('a<b>&c\u2028"\n'))).toBe('a<b>&c\u2028"\n');
  });

  it('prints label names in sorted order', () => {
    expect(labelsJson({ job: 'x', __name__: 'up', instance: 'i' })).toBe('{"__name__":"up","instance":"i","job":"x"}');
  });

  it('writes each result type in its own shape', () => {
    expect(queryDataJson({ resultType: 'vector', result: [{ metric: { a: '1' }, t: 1500, v: NaN }] })).toBe(
      '{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1.500,"NaN"]}]}',
    );
    expect(
      queryDataJson({
        resultType: 'matrix',
        result: [
          {
            metric: {},
            points: [
              { t: 1000, v: 1 },
              { t: 2001, v: Infinity },
            ],
          },
        ],
      }),
    ).toBe('{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2.001,"+Inf"]]}]}');
    // Scalars and strings go through encoding/json: a plain float timestamp.
    expect(queryDataJson({ resultType: 'scalar', result: { t: 1500, v: 1e-7 } })).toBe(
      '{"resultType":"scalar","result":[1.5,"0.0000001"]}',
    );
    expect(queryDataJson({ resultType: 'string', result: { t: 1500, v: 'x<y' } })).toBe(
      '{"resultType":"string","result":[1.5,"x\\u003cy"]}',
    );
    expect(queryDataJson({ resultType: 'vector', result: [] })).toBe('{"resultType":"vector","result":[]}');
  });

  it('adds warnings and infos only when there are some', () => {
    expect(successJson('1')).toBe('{"status":"success","data":1}');
    expect(successJson('1', ['w'], [])).toBe('{"status":"success","data":1,"warnings":["w"]}');
    expect(successJson('1', [], ['i'])).toBe('{"status":"success","data":1,"infos":["i"]}');
  });
});
