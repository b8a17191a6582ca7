import { afterEach, describe, expect, it } from 'vitest';
import { localZone, parsePosixTz, timeCollector, tzifFooter } from './time.ts';
import { fixtureContext, values, labelKey as k } from './testing/testkit.ts';
import { existsSync, readFileSync } from 'node:fs';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const JAN = new Date(Date.UTC(2026, 0, 15, 12));
const JUL = new Date(Date.UTC(2026, 6, 15, 12));
const zoneinfo = existsSync('/usr/share/zoneinfo/Europe/Berlin');

describe('POSIX TZ strings', () => {
  it('gives std/dst names and the std offset east of UTC', () => {
    expect(parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3')).toEqual({ std: 'CET', stdOffsetSeconds: 3600, dst: 'CEST' });
    expect(parsePosixTz('EST5EDT,M3.2.0,M11.1.0')).toEqual({ std: 'EST', stdOffsetSeconds: -18000, dst: 'EDT' });
    expect(parsePosixTz('<+0530>-5:30')).toEqual({ std: '+0530', stdOffsetSeconds: 19800, dst: undefined });
    expect(parsePosixTz('UTC0')).toEqual({ std: 'UTC', stdOffsetSeconds: 0, dst: undefined });
  });

  it.skipIf(!zoneinfo)('reads the footer of a TZif file', () => {
    expect(tzifFooter(readFileSync('/usr/share/zoneinfo/Europe/Berlin'))).toBe('CET-1CEST,M3.5.0,M10.5.0/3');
  });
});

describe.skipIf(!zoneinfo)('local zone, named as Go names it', () => {
  it.each([
    ['Europe/Berlin', JAN, 'CET', 3600],
    ['Europe/Berlin', JUL, 'CEST', 7200],
    ['America/New_York', JAN, 'EST', -18000],
    ['America/New_York', JUL, 'EDT', -14400],
    ['Asia/Kolkata', JUL, 'IST', 19800],
    ['Asia/Dubai', JUL, '+04', 14400],
    ['UTC', JUL, 'UTC', 0],
  ])('%s at %s is %s', (tz, date, name, offset) => {
    process.env.TZ = tz;
    expect(localZone(date)).toEqual({ name, offsetSeconds: offset });
  });

  it('is what the time collector exposes by default', async () => {
    process.env.TZ = 'Europe/Berlin';
    const fams = await timeCollector().collect(fixtureContext({ now: () => JUL.getTime() }));
    expect(values(fams, 'node_time_zone_offset_seconds')).toEqual({ [k({ time_zone: 'CEST' })]: 7200 });
  });
});
