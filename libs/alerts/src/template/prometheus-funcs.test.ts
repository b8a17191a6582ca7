// Prometheus's template functions. The humanize expectations are the values in
// Prometheus's template_test.go and prometheus/common's helpers/templates tests, plus
// cases worked out by hand from the algorithm (divide by 1000 until below 1000, then %.4g).

import { describe, expect, it } from 'vitest';
import { TemplateError, parseTemplate } from '@metrics-hub/go-template';
import {
  PROMETHEUS_FUNCS,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  prometheusFuncs,
  type PrometheusFuncOptions,
  type QuerySample,
} from './index.ts';

const run = (text: string, data?: unknown, options?: PrometheusFuncOptions) => {
  const funcs = options ? prometheusFuncs(options) : PROMETHEUS_FUNCS;
  return parseTemplate(text, 'test', { funcs }).execute(data);
};

function runError(text: string, data?: unknown, options?: PrometheusFuncOptions): string {
  try {
    run(text, data, options);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe("parsing against Prometheus's function set", () => {
  it('unknown functions when the function set is known, with a suggestion', () => {
    let e: unknown;
    try {
      parseTemplate('{{ $value | humanise }}', 't', { funcs: PROMETHEUS_FUNCS, variables: ['$value'] });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as TemplateError).message).toBe('template: t:1:13: function "humanise" not defined (did you mean "humanize"?)');
    // Without a function set, unknown names wait for execution (see exec tests).
    expect(() => parseTemplate('{{ humanise 1 }}')).not.toThrow();
  });
});

describe('humanize', () => {
  it("Prometheus's cases", () => {
    expect(run('{{ range . }}{{ humanize . }}:{{ end }}', [0.0, 1.0, 1234567.0, 0.12])).toBe('0:1:1.235M:120m:');
    expect(humanize(1234567)).toBe('1.235M');
    expect(humanize(0.001234)).toBe('1.234m');
  });

  it('by hand', () => {
    expect([999, 1000, -1500, 1e27, 0.5, 1e-9, 2.5e-25].map(humanize)).toEqual(['999', '1k', '-1.5k', '1000Y', '500m', '1n', '0.25y']);
  });

  it('numbers given as strings, as strconv.ParseFloat reads them', () => {
    expect([humanize('1234'), humanize('1e3'), humanize('0x10p0'), humanize('+Inf')]).toEqual(['1.234k', '1k', '16', '+Inf']);
    expect(runError('{{ humanize "one" }}')).toBe(
      'template: test:1:4: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
    );
    expect(runError('{{ humanize true }}')).toContain("error calling humanize: can't convert bool to float");
  });
});

describe('humanize1024', () => {
  it("Prometheus's cases and by hand", () => {
    expect(run('{{ range . }}{{ humanize1024 . }}:{{ end }}', [0.0, 1.0, 1048576.0, 0.12])).toBe('0:1:1Mi:0.12:');
    expect([1024, 1536, -2048, 1023, 1073741824].map(humanize1024)).toEqual(['1ki', '1.5ki', '-2ki', '1023', '1Gi']);
  });
});

describe('humanizeDuration', () => {
  it('seconds (Prometheus and prometheus/common tests)', () => {
    const input = [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99];
    expect(input.map(humanizeDuration)).toEqual(['0s', '1s', '1m 0s', '1h 0m 0s', '1d 0h 0m 0s', '1d 1h 0m 0s', '-2d 3h 4m 5s', '14m 59s']);
  });

  it('sub-second and fractional seconds', () => {
    expect([0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345].map(humanizeDuration)).toEqual([
      '100ms',
      '100us',
      '123.5ms',
      '1m 0s',
      '1m 0s',
      '1.234s',
      '12.35s',
    ]);
    expect(['.1', '.0001', '.12345', '60.1', '60.5', '1.2345', '12.345'].map(humanizeDuration)).toEqual([
      '100ms',
      '100us',
      '123.5ms',
      '1m 0s',
      '1m 0s',
      '1.234s',
      '12.35s',
    ]);
  });

  it('ints and by hand', () => {
    expect(run('{{ humanizeDuration 1234567 }} {{ humanizeDuration -1 }} {{ humanizeDuration 3661 }}')).toBe('14d 6h 56m 7s -1s 1h 1m 1s');
    expect([0.0123, -0.5, 2.5e-10].map(humanizeDuration)).toEqual(['12.3ms', '-500ms', '250ps']);
  });
});

describe('humanizePercentage', () => {
  it("Prometheus's cases", () => {
    expect(
      run(
        '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}',
      ),
    ).toBe('-22.22%:0%:12.35%:123.5%');
    expect(humanizePercentage(0.1234)).toBe('12.34%');
  });
});

describe('humanizeTimestamp', () => {
  it('prometheus/common cases', () => {
    expect([0, -1, 1, 1234567, 9223372036].map(humanizeTimestamp)).toEqual([
      '1970-01-01 00:00:00 +0000 UTC',
      '1969-12-31 23:59:59 +0000 UTC',
      '1970-01-01 00:00:01 +0000 UTC',
      '1970-01-15 06:56:07 +0000 UTC',
      '2262-04-11 23:47:16 +0000 UTC',
    ]);
    expect(['+Inf', '-Inf', 'NaN'].map(humanizeTimestamp)).toEqual(['+Inf', '-Inf', 'NaN']);
    expect(humanizeTimestamp(1435065584.128)).toBe('2015-06-23 13:19:44.128 +0000 UTC');
    expect(humanizeTimestamp('1435065584.128')).toBe('2015-06-23 13:19:44.128 +0000 UTC');
  });

  it('fails beyond int64 nanoseconds', () => {
    expect(runError('{{ humanizeTimestamp 9223372036854775807 }}')).toContain(
      'error calling humanizeTimestamp: 9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
    );
  });

  it('Inf and NaN through all four humanizers', () => {
    const text = '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{ humanizeTimestamp . }}:{{ end }}';
    expect(run(text, [Infinity, -Infinity, NaN])).toBe('+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:');
  });
});

describe('toTime and parseDuration', () => {
  it('toTime gives a time with Go methods', () => {
    expect(
      run('{{ toTime 1435065584.128 }}|{{ (toTime 1435065584.128).Unix }}|{{ (toTime "0").Format "2006-01-02T15:04:05Z07:00" }}'),
    ).toBe('2015-06-23 13:19:44.128 +0000 UTC|1435065584|1970-01-01T00:00:00Z');
  });

  it('parseDuration reads Prometheus durations as seconds', () => {
    expect(
      run(
        '{{ parseDuration "1h30m" }} {{ parseDuration "1d" }} {{ parseDuration "500ms" }} {{ parseDuration "0" }} {{ parseDuration "1w2d" }}',
      ),
    ).toBe('5400 86400 0.5 0 777600');
    expect(runError('{{ parseDuration "1m1h" }}')).toContain('not a valid duration string: "1m1h"');
    expect(runError('{{ parseDuration "5x" }}')).toContain('unknown unit "x" in duration "5x"');
    expect(runError('{{ parseDuration "" }}')).toContain('empty duration string');
  });
});

describe('strings', () => {
  it('title, toUpper, toLower (Go maps rune by rune)', () => {
    expect(run('{{ "aa bb CC" | title }}|{{ "aa bb CC" | toUpper }}|{{ "aA bB CC" | toLower }}')).toBe('Aa Bb CC|AA BB CC|aa bb cc');
    expect(run('{{ "straße" | toUpper }}|{{ "hello_world o\'neil-x" | title }}')).toBe("STRAßE|Hello_world O'neil-X");
    expect(runError('{{ toUpper 3 }}')).toBe(
      'template: test:1:4: executing "test" at <toUpper 3>: wrong type for value; expected string; got int',
    );
  });

  it('match and reReplaceAll, with Go regexp and expansion rules', () => {
    expect(run('{{ match "a+" "aa" }} {{ match "a+" "b" }} {{ match "^b" "ab" }}')).toBe('true false false');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax, not JavaScript's
    expect(run('{{ reReplaceAll "(a)b" "x$1" "ab" }}|{{ reReplaceAll "(a)b" "$1x" "ab" }}|{{ reReplaceAll "(a)b" "${1}x" "ab" }}')).toBe(
      'xa||ax',
    );
    expect(run('{{ reReplaceAll "a*" "-" "baaac" }}|{{ reReplaceAll ":[0-9]+$" "" "host:9100" }}|{{ reReplaceAll "a" "$$1" "a" }}')).toBe(
      '-b-c-|host|$1',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp expansion syntax, not JavaScript's
    expect(run('{{ reReplaceAll "(?P<host>[^:]+):(?P<port>\\\\d+)" "${port}@${host}" "h:80" }}')).toBe('80@h');
    expect(run('{{ match "(?i)ERROR" "an error" }}')).toBe('true');
    expect(runError('{{ match "(" "x" }}')).toContain('error calling match: regexp: Compile(`(`)');
    expect(runError('{{ match "a(?=b)" "x" }}')).toContain(
      'regexp: Compile(`a(?=b)`): error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    );
  });

  it('match and reReplaceAll run in linear time over label values agents send', () => {
    // 2^40 steps for a backtracking engine; the bound only guards against that.
    const started = performance.now();
    const v = 'a'.repeat(40);
    expect(run('{{ match "^(a|a)*b$" .v }}|{{ reReplaceAll "(a+)+b" "x" .v }}', { v })).toBe(`false|${v}`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('graphLink and tableLink escape the expression', () => {
    expect(run('{{ graphLink "up" }} {{ tableLink "up" }} {{ graphLink "rate(x[5m]) > 0" }}')).toBe(
      '/graph?g0.expr=up&g0.tab=0 /graph?g0.expr=up&g0.tab=1 /graph?g0.expr=rate%28x%5B5m%5D%29+%3E+0&g0.tab=0',
    );
  });

  it('stripPort and stripDomain', () => {
    const hosts = [
      'example.com:9100',
      '[::1]:9100',
      'example.com',
      '::1',
      'foo.example.com',
      'foo.example.com:9100',
      '192.168.0.1:9100',
      '[2001:db8::1]:80',
      'localhost',
    ];
    expect(run('{{ range . }}{{ stripPort . }},{{ end }}', hosts)).toBe(
      'example.com,::1,example.com,::1,foo.example.com,foo.example.com,192.168.0.1,2001:db8::1,localhost,',
    );
    expect(run('{{ range . }}{{ stripDomain . }},{{ end }}', hosts)).toBe(
      'example:9100,[::1]:9100,example,::1,foo,foo:9100,192.168.0.1:9100,[2001:db8::1]:80,localhost,',
    );
  });

  it('safeHtml passes text through (text templates do not escape)', () => {
    expect(run('{{ "<b>" | safeHtml }} {{ "<b>" }}')).toBe('<b> <b>');
  });
});

describe('args, for several values to a defined template', () => {
  it('makes arg0, arg1, ...', () => {
    expect(run('{{ define "x" }}{{ .arg0 }} {{ .arg1 }}{{ end }}{{ template "x" (args 1 "2") }}')).toBe('1 2');
    expect(run('{{ with args 1 }}[{{ .arg1 }}]{{ end }}')).toBe('[<no value>]');
  });
});

describe('query results', () => {
  const query = (expr: string): QuerySample[] =>
    expr === 'missing'
      ? []
      : [
          { labels: { __name__: 'metric', instance: 'b' }, value: 21 },
          { labels: { __name__: 'metric', instance: 'a', __value__: 'raw' }, value: 11 },
        ];

  it("first, value, label, strvalue, sortByLabel (Prometheus's cases)", () => {
    expect(run('{{ query "metric" | sortByLabel "instance" | first | value }}', null, { query })).toBe('11');
    expect(run('{{ query "metric" | first | label "instance" }}|{{ query "metric" | first | label "foo" }}|', null, { query })).toBe('b||');
    expect(run('{{ $x := query "metric" | first }}[{{ $x.Labels.foo }}]', null, { query })).toBe('[]');
    expect(run('{{ range query "metric" | sortByLabel "instance" }}{{ .Labels.instance }}:{{ .Value }}: {{ end }}', null, { query })).toBe(
      'a:11: b:21: ',
    );
    expect(run('{{ range query "metric" }}{{ strvalue . }}|{{ end }}', null, { query })).toBe('|raw|');
  });

  it('the documented "with query" idiom', () => {
    expect(run('{{ with query "metric" }}{{ . | first | value | humanize }}{{ end }}', null, { query })).toBe('21');
    expect(run('{{ with query "missing" }}{{ . | first | value }}{{ else }}no data{{ end }}', null, { query })).toBe('no data');
  });

  it("errors as in Prometheus's tests", () => {
    expect(runError('{{ query "missing" | first }}', null, { query })).toBe(
      'template: test:1:22: executing "test" at <first>: error calling first: first() called on vector with no elements',
    );
    expect(runError('{{ (query "missing").banana }}', null, { query })).toContain(
      "can't evaluate field banana in type template.queryResult",
    );
    expect(runError('{{ query "up" }}')).toContain('error calling query: no query engine is available to this template');
  });
});

describe('externalURL and pathPrefix', () => {
  it('from the options, as Prometheus configures them', () => {
    const options = { externalURL: 'http://testhost:9090/path/prefix' };
    expect(run('{{ pathPrefix }} {{ externalURL }}', null, options)).toBe('/path/prefix http://testhost:9090/path/prefix');
  });

  it("from the data's ExternalURL otherwise", () => {
    expect(run('{{ pathPrefix }}|{{ externalURL }}', { ExternalURL: 'https://prom.example.com/prom/' })).toBe(
      '/prom/|https://prom.example.com/prom/',
    );
    expect(run('[{{ pathPrefix }}]', { ExternalURL: 'http://host:9090' })).toBe('[]');
  });
});
