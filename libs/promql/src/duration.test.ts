import { describe, expect, it } from 'vitest';
import { tryParsePromDuration as parseDuration } from './duration.ts';

describe('Prometheus durations', () => {
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
