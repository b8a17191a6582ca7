// Go's time.Time formatting by reference layout and time.Duration's String, which
// templates print for Alertmanager's .StartsAt and Prometheus's toTime.

import { describe, expect, it } from 'vitest';
import { GoDuration, GoTime } from './index.ts';

describe('GoTime', () => {
  // Tuesday, 23 June 2015, 13:19:44.128 UTC (Prometheus's humanizeTimestamp example).
  const t = GoTime.fromMillis(1435065584128);

  it('String as fmt prints a time.Time', () => {
    expect(t.String()).toBe('2015-06-23 13:19:44.128 +0000 UTC');
    expect(GoTime.fromMillis(-1000).String()).toBe('1969-12-31 23:59:59 +0000 UTC');
    expect(GoTime.zero.String()).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(GoTime.zero.IsZero()).toBe(true);
  });

  it('Format with the reference layout elements', () => {
    const layouts: [string, string][] = [
      ['2006-01-02T15:04:05Z07:00', '2015-06-23T13:19:44Z'],
      ['2006-01-02T15:04:05.000-07:00', '2015-06-23T13:19:44.128+00:00'],
      ['Mon Jan _2 15:04:05 2006', 'Tue Jun 23 13:19:44 2015'],
      ['Monday, January 2, 06', 'Tuesday, June 23, 15'],
      ['3:04:05PM pm', '1:19:44PM pm'],
      ['03:04 1/2 002 __2', '01:19 6/23 174 174'],
      ['15:04:05,999999 MST -0700 Z0700', '13:19:44,128 UTC +0000 Z'],
      ['.00 .9 .99999', '.12 .1 .128'],
      ['Janet Monty', 'Janet Monty'],
    ];
    for (const [layout, out] of layouts) expect(t.Format(layout)).toBe(out);
  });

  it('other zones print their offset and name', () => {
    const z = new GoTime(t.unixNanos, { name: '', offset: 5 * 3600 + 30 * 60 });
    expect(z.Format('15:04 MST Z07:00 -07')).toBe('18:49 +0530 +05:30 +05');
    expect(z.UTC().Format('15:04 MST')).toBe('13:19 UTC');
  });

  it('methods templates call', () => {
    expect([t.Unix(), t.UnixMilli(), t.Year(), t.Day(), t.Hour()]).toEqual([1435065584n, 1435065584128n, 2015n, 23n, 13n]);
    expect(t.Sub(GoTime.fromMillis(1435065584128 - 90_500)).String()).toBe('1m30.5s');
    expect(t.toJSON()).toBe('2015-06-23T13:19:44.128Z');
  });
});

describe('GoDuration.String', () => {
  it('as time.Duration prints', () => {
    const ns = [0n, 1_500_000_000n, 90_000_000_000n, 3_723_500_000_000n, 1_500_000n, 1_000n, 999n, -90_000_000_000n, 90_000_000_000_000n];
    expect(ns.map((n) => new GoDuration(n).String())).toEqual([
      '0s',
      '1.5s',
      '1m30s',
      '1h2m3.5s',
      '1.5ms',
      '1µs',
      '999ns',
      '-1m30s',
      '25h0m0s',
    ]);
  });
});

describe('GoTime.toJSON (encoding/json, RFC 3339 with nanoseconds)', () => {
  const rfc3339 = (ms: number) => GoTime.fromMillis(ms).toJSON();

  it('formats times as Go marshals time.Time: fraction only when non-zero, trailing zeros dropped', () => {
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0))).toBe('2026-01-15T10:00:00Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 250))).toBe('2026-01-15T10:00:00.25Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 7))).toBe('2026-01-15T10:00:00.007Z');
    expect(rfc3339(Date.UTC(2026, 0, 15, 10, 0, 0, 100))).toBe('2026-01-15T10:00:00.1Z');
  });
});
