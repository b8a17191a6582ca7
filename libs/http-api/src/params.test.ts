import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { Form, parseUrlEncoded } from './form.ts';
import { limitParam, MAX_TIME_MS, MIN_TIME_MS, parseDuration, parseTime } from './params.ts';
import { acceptsGzip } from './responses.ts';
import { parseMatchers, unescapeLabelName } from './selectors.ts';

const T0 = Date.UTC(2026, 0, 1); // 1767225600 s

describe('parseTime', () => {
  it('reads Unix seconds with millisecond precision, rounding the rest', () => {
    expect(parseTime('1767225600')).toBe(T0);
    expect(parseTime('1767225600.5')).toBe(T0 + 500);
    expect(parseTime('1767225600.781')).toBe(T0 + 781);
    expect(parseTime('1767225600.0006')).toBe(T0 + 1);
    expect(parseTime('1767225600.0004')).toBe(T0);
    expect(parseTime('-1.5')).toBe(-1500);
    // math.Round takes halves away from zero, also below zero.
    expect(parseTime('0.0005')).toBe(1);
    expect(parseTime('-0.0005')).toBe(-1);
    expect(parseTime('1.7672256e9')).toBe(T0);
  });

  it('reads RFC 3339 with any offset and fraction', () => {
    expect(parseTime('2026-01-01T00:00:00Z')).toBe(T0);
    expect(parseTime('2026-01-01T00:00:00.250Z')).toBe(T0 + 250);
    expect(parseTime('2026-01-01T00:00:00.123456789Z')).toBe(T0 + 123);
    expect(parseTime('2026-01-01T05:30:00+05:30')).toBe(T0);
    expect(parseTime('2025-12-31T19:00:00-05:00')).toBe(T0);
    expect(parseTime('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
  });

  it("accepts Prometheus's own texts of the minimum and maximum times", () => {
    expect(parseTime('-292273086-05-16T16:47:06Z')).toBe(MIN_TIME_MS);
    expect(parseTime('292277025-08-18T07:12:54.999999999Z')).toBe(MAX_TIME_MS);
    expect(MIN_TIME_MS).toBeLessThan(-9.2e18);
    expect(MAX_TIME_MS).toBeGreaterThan(9.2e18);
  });

  it.each([
    '',
    'x',
    'now',
    '2026-01-01',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01 00:00:00Z',
    ' 1',
    'NaN',
    'Inf',
  ])('rejects %j with Prometheus wording', (text) => {
    expect(() => parseTime(text)).toThrow(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  });
});

describe('parseDuration', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['500ms', 500],
    ['1m500ms', 60_500],
    ['0', 0],
    ['15', 15_000],
    ['0.5', 500],
    ['1e1', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'x', '1s1m', '5x', '1.5m', '-1m', 'm'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(`cannot parse ${JSON.stringify(text)} to a valid duration`);
  });

  it('rejects float seconds that overflow a Go duration', () => {
    expect(() => parseDuration('1e20')).toThrow('cannot parse "1e20" to a valid duration. It overflows int64');
  });
});

describe('limit', () => {
  const limit = (text: string) => limitParam(new Form([['limit', text]]));
  it('reads non-negative integers, 0 when absent', () => {
    expect(limitParam(new Form())).toBe(0);
    expect(limit('7')).toBe(7);
  });
  it('rejects others as strconv.Atoi does', () => {
    expect(() => limit('x')).toThrow('invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax');
    expect(() => limit('1.5')).toThrow('strconv.Atoi: parsing "1.5": invalid syntax');
    expect(() => limit('-1')).toThrow('invalid parameter "limit": limit must be non-negative');
  });
});

describe('forms', () => {
  it('decodes + and %XX, keeps repeated names in order, reads absent as empty', () => {
    const form = new Form(parseUrlEncoded('match%5B%5D=up&q=a+b%2Bc&match[]=%7Bjob%3D%22x%22%7D&flag'));
    expect(form.all('match[]')).toEqual(['up', '{job="x"}']);
    expect(form.get('q')).toBe('a b+c');
    expect(form.get('flag')).toBe('');
    expect(form.has('flag')).toBe(true);
    expect(form.get('absent')).toBe('');
  });

  it('rejects malformed escapes as bad_data', () => {
    let error: unknown;
    try {
      parseUrlEncoded('query=%zz');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).type).toBe('bad_data');
    expect((error as ApiError).message).toBe('error parsing form values: invalid URL escape "%zz"');
  });
});

describe('selectors', () => {
  it('turns each match[] into matchers, with the metric name as __name__', () => {
    expect(parseMatchers(['up{job="node"}', '{__name__=~"node_.*",instance!="a"}'])).toEqual([
      [
        { type: '=', name: '__name__', value: 'up' },
        { type: '=', name: 'job', value: 'node' },
      ],
      [
        { type: '=~', name: '__name__', value: 'node_.*' },
        { type: '!=', name: 'instance', value: 'a' },
      ],
    ]);
  });

  it('reads Prometheus 3 quoted UTF-8 names', () => {
    expect(parseMatchers(['{"http.requests", "service.name"="checkout"}'])).toEqual([
      [
        { type: '=', name: '__name__', value: 'http.requests' },
        { type: '=', name: 'service.name', value: 'checkout' },
      ],
    ]);
  });

  it.each([
    ['rate(up[5m])', 'invalid parameter "match[]": 1:1: parse error'],
    ['up[5m]', 'invalid parameter "match[]": 1:1: parse error'],
    ['up offset 5m', 'invalid parameter "match[]": 1:1: parse error'],
    ['{job=~".*"}', 'invalid parameter "match[]": 1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['up{job="x"', 'invalid parameter "match[]": 1:'],
  ])('rejects %s', (text, message) => {
    expect(() => parseMatchers([text])).toThrow(message);
  });
});

describe('unescapeLabelName (U__ value encoding)', () => {
  it.each([
    ['job', 'job'],
    ['U__job', 'job'],
    ['U__mount__point', 'mount_point'],
    ['U__service_2e_name', 'service.name'],
    ['U__caf_e9_', 'café'],
    ['U___1f600_', '\u{1f600}'],
    // Not valid escapes: kept as they are, as Prometheus keeps them.
    ['U__bad_', 'U__bad_'],
    ['U__x_zz_', 'U__x_zz_'],
    ['U__x_1234567_', 'U__x_1234567_'],
    ['U__x_d800_', 'U__x_d800_'],
  ])('%s is %s', (escaped, name) => {
    expect(unescapeLabelName(escaped)).toBe(name);
  });
});

describe('Accept-Encoding', () => {
  const accepts = (header: string | undefined) =>
    acceptsGzip({ headers: header === undefined ? {} : { 'accept-encoding': header } } as IncomingMessage);
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['deflate, GZIP;q=0.5', true],
    ['*', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['br', false],
    [undefined, false],
  ])('%s -> %s', (header, expected) => {
    expect(accepts(header)).toBe(expected);
  });
});
