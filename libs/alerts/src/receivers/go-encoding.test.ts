import { describe, expect, it } from 'vitest';
import { tryParsePromDuration as parseDuration } from '@metrics-hub/promql';
import { goJson, rfc3339, sortedKeys } from './go-encoding.ts';

describe('Go encodings', () => {
  it('formats times as Go marshals time.Time: fraction only when non-zero, trailing zeros dropped', () => {
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0))).toBe('2026-01-15T10:00:00Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 250))).toBe('2026-01-15T10:00:00.25Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 7))).toBe('2026-01-15T10:00:00.007Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 100))).toBe('2026-01-15T10:00:00.1Z');
  });

  it('escapes <, >, & and line separators as Go does, and ends with a newline', () => {
    expect(goJson({ a: '<b> & \u2028', n: 1 })).toBe('{"a":"\\u003cb\\u003e \\u0026 \\u2028","n":1}\n');
  });

  it('sorts map keys by bytes', () => {
    expect(Object.keys(sortedKeys({ b: '', a: '', B: '', _x: '', a1: '' }))).toEqual(['B', '_x', 'a', 'a1', 'b']);
  });

  it('parses Prometheus durations', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1d2h')).toBe(93_600_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('1s1m')).toBeUndefined();
  });
});
