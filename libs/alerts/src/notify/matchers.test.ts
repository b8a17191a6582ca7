import { describe, expect, it } from 'vitest';
import {
  compileMatchers,
  formatLabelSet,
  formatMatchers,
  matchesAll,
  MatcherSyntaxError,
  parseMatchers,
  sortMatchers,
} from './matchers.ts';
import { tryParsePromDuration as parseDuration } from '@metrics-hub/promql';

describe('matchers in Alertmanager string form', () => {
  it('reads each operator, quoted and unquoted values, braces and lists', () => {
    expect(parseMatchers('severity=~"critical|warning"')).toEqual([{ type: '=~', name: 'severity', value: 'critical|warning' }]);
    expect(parseMatchers('{alertname="Down", env!=dev ,job!~"node.*"}')).toEqual([
      { type: '=', name: 'alertname', value: 'Down' },
      { type: '!=', name: 'env', value: 'dev' },
      { type: '!~', name: 'job', value: 'node.*' },
    ]);
    expect(parseMatchers('"my label"="a \\"quoted\\" \\u00e9"')).toEqual([{ type: '=', name: 'my label', value: 'a "quoted" é' }]);
    expect(parseMatchers('team = ops')).toEqual([{ type: '=', name: 'team', value: 'ops' }]);
    expect(parseMatchers('{}')).toEqual([]);
  });

  it('says what is wrong and shows the right form', () => {
    const err = (s: string) => {
      try {
        parseMatchers(s);
      } catch (e) {
        expect(e).toBeInstanceOf(MatcherSyntaxError);
        return (e as Error).message;
      }
      throw new Error(`no error for ${s}`);
    };
    expect(err('severity')).toBe(
      'bad matcher "severity": expected =, !=, =~ or !~ after "severity": write matchers like severity=~"critical|warning" or alertname="HostDown"',
    );
    expect(err('sev="crit')).toContain('a quoted string is not closed');
    expect(err('{a="b"')).toContain('opens a brace it does not close');
    expect(err('a="b" c="d"')).toContain('expected "," after the matcher on "a"');
    expect(err('job=~"(a"')).toContain('matcher on "job": regex "(a" is invalid');
    expect(err('job=~"(?=x)"')).toContain('RE2');
  });

  it('matches absent labels as empty, with anchored regexes', () => {
    const ms = compileMatchers(parseMatchers('severity=~"crit.*", team=""'));
    expect(matchesAll(ms, { severity: 'critical' })).toBe(true);
    expect(matchesAll(ms, { severity: 'critical', team: 'ops' })).toBe(false);
    expect(matchesAll(ms, { severity: 'xcritical' })).toBe(false);
  });

  it('match in linear time: a silence, route or inhibition regex cannot stall the hub on a long label', () => {
    // A backtracking engine takes 2^40 steps on each of these; RE2 takes a moment. The
    // bound is generous: it guards against exponential time, not for speed.
    const labels = { alertname: 'HostDown', instance: 'a'.repeat(40) };
    const started = performance.now();
    for (const m of [
      'instance=~"(a|a)*b"',
      'instance!~"(a+)+b"',
      'instance=~"(a|a){1,100}b"',
      '{alertname="HostDown", instance=~"(.*a){30}b"}',
    ])
      expect(matchesAll(compileMatchers(parseMatchers(m)), labels), m).toBe(m.includes('!~'));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuse what RE2 refuses, saying where', () => {
    expect(() => compileMatchers(parseMatchers('job=~"a(?!b)"'))).toThrow(/at character 2 of the regex\): RE2 .* no lookaheads/);
  });

  it('prints matchers and label sets the way Alertmanager builds keys', () => {
    expect(formatMatchers(sortMatchers(parseMatchers('team="ops",env=~"prod|stage"')))).toBe('{env=~"prod|stage",team="ops"}');
    expect(formatLabelSet({ instance: 'a:9100', alertname: 'Down' })).toBe('{alertname="Down", instance="a:9100"}');
    expect(formatLabelSet({})).toBe('{}');
  });
});

describe('durations', () => {
  it('reads Prometheus durations and nothing else', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('30')).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('5m1h')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
