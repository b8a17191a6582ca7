import { describe, expect, it } from 'vitest';
import { ExpositionParser, formatFromContentType, parseExposition, sniffFormat } from './index.ts';
import { familyHeads, problemList, series } from './test-helpers.ts';

// The example of the Prometheus documentation (exposition_formats.md), as written there.
const DOC_EXAMPLE = String.raw`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

describe('the Prometheus text format', () => {
  it('reads the example of the format documentation', () => {
    const r = parseExposition(DOC_EXAMPLE);
    expect(r.format).toBe('prometheus');
    expect(r.problems).toEqual([]);
    expect(r.samples).toBe(20);
    expect(familyHeads(r.families)).toEqual([
      'http_requests_total counter "The total number of HTTP requests." 2',
      'msdos_file_access_time_seconds unknown "" 1',
      'metric_without_timestamp_and_labels unknown "" 1',
      'something_weird unknown "" 1',
      'http_request_duration_seconds histogram "A histogram of the request duration." 8',
      'rpc_duration_seconds summary "A summary of the RPC duration in seconds." 7',
    ]);
    expect(series(r.families).slice(0, 5)).toEqual([
      'http_requests_total{method="post",code="200"} 1027 @1395066363000',
      'http_requests_total{method="post",code="400"} 3 @1395066363000',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e+09',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf @-3982045',
    ]);
    expect(r.families[1].samples[0].labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(r.families[4].samples.map((s) => s.name)).toEqual([
      ...Array(6).fill('http_request_duration_seconds_bucket'),
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(r.families[5].samples.at(-2)).toEqual({ name: 'rpc_duration_seconds_sum', labels: {}, value: 17560473 });
    expect('timestampMs' in r.families[2].samples[0]).toBe(false);
  });

  it('takes HELP and TYPE in either order, with blanks and tabs between tokens', () => {
    const r = parseExposition('#\tTYPE  a  gauge \n#  HELP\ta  some help\t\n  a  1\t\n');
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['a gauge " some help\\t" 1']);
  });

  it('keeps the HELP text after one separator exactly, and unescapes only \\\\ and \\n', () => {
    const r = parseExposition(`${String.raw`# HELP a  two\\spaces \"quoted\" \n line \t tab`}\na 1\n`);
    expect(r.families[0].help).toBe(' two\\spaces \\"quoted\\" \n line \\t tab');
  });

  it('gives an empty HELP for a HELP line with only a name', () => {
    const r = parseExposition('# HELP a\n# TYPE a gauge\na 1\n');
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['a gauge "" 1']);
  });

  it('ignores comments that are not HELP or TYPE, and empty lines', () => {
    const r = parseExposition(
      '# just a comment\n#HELP a not metadata without a blank after #\n# UNIT a seconds\n# EOF\n\n   \n\t\n# HELP\ta real help\na 1\n',
    );
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['a unknown "real help" 1']);
  });

  it('names a family without TYPE after its samples, type unknown', () => {
    const r = parseExposition('foo_bucket{le="1"} 1\nfoo_sum 2\nfoo_count 3\n');
    expect(familyHeads(r.families)).toEqual(['foo_bucket unknown "" 1', 'foo_sum unknown "" 1', 'foo_count unknown "" 1']);
    expect(r.problems).toEqual([]);
  });

  it('maps untyped to unknown', () => {
    expect(parseExposition('# TYPE a untyped\na 1\n').families[0].type).toBe('unknown');
  });

  it('groups histogram and summary samples into their family', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{path="/",le="0.5"} 1',
      'h_bucket{path="/",le="+Inf"} 2',
      'h_sum{path="/"} 0.75',
      'h_count{path="/"} 2',
      'h_bucket{path="/x",le="+Inf"} 0',
      'h_sum{path="/x"} 0',
      'h_count{path="/x"} 0',
      '# TYPE s summary',
      's{quantile="0.5"} 1',
      's{quantile="0.99"} NaN',
      's_sum 3',
      's_count 2',
      'h_total 1',
    ].join('\n');
    const r = parseExposition(text);
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['h histogram "" 7', 's summary "" 4', 'h_total unknown "" 1']);
  });

  it('keeps _total in the name of a counter, also when TYPE names it without', () => {
    const r = parseExposition(
      '# HELP c_total x\n# TYPE c_total counter\nc_total 1\n# TYPE d counter\nd_total{a="b"} 2\n# TYPE e counter\ne 3\n',
    );
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['c_total counter "x" 1', 'd_total counter "" 1', 'e counter "" 1']);
  });

  it('reads timestamps as integer milliseconds', () => {
    const r = parseExposition('a 1 1700000000123\nb 2 -5\nc 3 +7\n');
    expect(series(r.families)).toEqual(['a 1 @1700000000123', 'b 2 @-5', 'c 3 @7']);
  });

  it('reads every float spelling Go reads, except hex and digit separators', () => {
    const r = parseExposition('a 1e3\nb -Inf\nc NaN\nd +inf\ne .5\nf -0\ng 0x1f\nh 1_0\n');
    expect(series(r.families)).toEqual(['a 1000', 'b -Inf', 'c NaN', 'd +Inf', 'e 0.5', 'f -0']);
    expect(problemList(r.problems)).toEqual([
      [7, 3, 'invalid value "0x1f": expected a float such as 1, -2.5, 1e3, +Inf, -Inf or NaN'],
      [8, 3, 'invalid value "1_0": expected a float such as 1, -2.5, 1e3, +Inf, -Inf or NaN'],
    ]);
  });

  it('accepts label sets with blanks, a trailing comma, or nothing inside', () => {
    const r = parseExposition('a{} 1\na { x = "1" , y="2", } 2\na{x="3",}3\n');
    expect(r.problems).toEqual([]);
    expect(series(r.families)).toEqual(['a 1', 'a{x="1",y="2"} 2', 'a{x="3"} 3']);
  });

  it('unescapes label values: \\\\, \\", \\n, and keeps other backslashes', () => {
    const r = parseExposition(`${String.raw`a{v="back\\slash \"q\" nl\n other\t \x end\\"} 1`}\n`);
    expect(r.families[0].samples[0].labels.v).toBe('back\\slash "q" nl\n other\\t \\x end\\');
  });

  it('keeps label values of any UTF-8, NUL and braces included', () => {
    const r = parseExposition('a{v="Heizölrückstoßabdämpfung 10€ {x} # 🙂 \u0000 \u2028 ="} 1\n');
    expect(r.problems).toEqual([]);
    expect(r.families[0].samples[0].labels.v).toBe('Heizölrückstoßabdämpfung 10€ {x} # 🙂 \u0000 \u2028 =');
  });

  it('takes label names that are properties of Object.prototype as ordinary labels', () => {
    const r = parseExposition('a{__proto__="p",constructor="c",toString="t",hasOwnProperty="h"} 1\n');
    expect(r.problems).toEqual([]);
    const labels = r.families[0].samples[0].labels;
    expect(Object.keys(labels)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    // biome-ignore lint/suspicious/noProto: a label named __proto__ must be an ordinary key
    expect(labels.__proto__).toBe('p');
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  describe('UTF-8 names (quoted)', () => {
    it('reads a quoted metric name inside the braces and quoted label names', () => {
      const text = [
        '# HELP "my.metric" Help of a dotted metric.',
        '# TYPE "my.metric" gauge',
        '{"my.metric", "my.label"="x", a="b"} 1',
        '{a="c","my.metric"} 2',
        '{"my.metric"} 3',
        'legacy{"label with spaces"="v"} 4',
      ].join('\n');
      const r = parseExposition(text);
      expect(r.problems).toEqual([]);
      expect(familyHeads(r.families)).toEqual(['my.metric gauge "Help of a dotted metric." 3', 'legacy unknown "" 1']);
      expect(series(r.families)).toEqual([
        'my.metric{my.label="x",a="b"} 1',
        'my.metric{a="c"} 2',
        'my.metric 3',
        'legacy{label with spaces="v"} 4',
      ]);
    });

    it('unescapes quoted names, as in the Prometheus parser tests', () => {
      const text = String.raw`{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0`;
      const r = parseExposition(text);
      expect(r.problems).toEqual([]);
      expect(r.families[0].samples[0]).toEqual({
        name: 'Heizölrückstoßabdämpfung 10€ metric with "interesting" {character\nchoices}',
        labels: { 'strange©™\n\'quoted\' "name"': '6' },
        value: 10,
      });
    });

    it('reads histogram suffixes on quoted names', () => {
      const r = parseExposition('# TYPE "http.duration" histogram\n{"http.duration_bucket",le="+Inf"} 1\n{"http.duration_count"} 1\n');
      expect(familyHeads(r.families)).toEqual(['http.duration histogram "" 2']);
    });
  });

  it('strips a byte order mark at the start', () => {
    const r = parseExposition('\ufeff# TYPE a gauge\na 1\n');
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['a gauge "" 1']);
  });

  it('reads a last line without a line feed', () => {
    expect(series(parseExposition('a 1\nb 2').families)).toEqual(['a 1', 'b 2']);
  });

  it('keeps families declared by metadata alone', () => {
    const r = parseExposition('# HELP a only help\n# TYPE b gauge\n# TYPE c counter\n# HELP c x\n');
    expect(familyHeads(r.families)).toEqual(['a unknown "only help" 0', 'b gauge "" 0', 'c counter "x" 0']);
  });

  it('accepts HELP after the samples when the family has none yet, as the Go parser does', () => {
    const r = parseExposition('# TYPE a gauge\na 1\n# HELP a late help\na 2\n');
    expect(r.problems).toEqual([]);
    expect(familyHeads(r.families)).toEqual(['a gauge "late help" 2']);
  });
});

describe('format selection', () => {
  it('reads the format from the Content-Type', () => {
    expect(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(formatFromContentType('Application/OpenMetrics-Text')).toBe('openmetrics');
    expect(formatFromContentType('application/openmetrics-text;version=0.0.1')).toBe('openmetrics');
    expect(formatFromContentType('text/plain; version=0.0.4; charset=utf-8')).toBe('prometheus');
    expect(formatFromContentType('text/plain')).toBe('prometheus');
    expect(formatFromContentType('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited')).toBe(
      'prometheus',
    );
    expect(formatFromContentType('')).toBe('prometheus');
    expect(formatFromContentType(undefined)).toBe('prometheus');
  });

  it('prefers the format option, then the content type, then the text', () => {
    const om = '# TYPE a counter\na_total 1 1.5\n# EOF\n';
    expect(parseExposition(om).format).toBe('openmetrics');
    expect(series(parseExposition(om).families)).toEqual(['a_total 1 @1500']);
    expect(parseExposition(om, { contentType: 'text/plain; version=0.0.4' }).format).toBe('prometheus');
    expect(parseExposition(om, { format: 'prometheus', contentType: 'application/openmetrics-text' }).format).toBe('prometheus');
    expect(parseExposition('a 1 1.5\n', { contentType: 'application/openmetrics-text' }).format).toBe('openmetrics');
  });

  it('sniffs OpenMetrics from a final # EOF line only', () => {
    expect(sniffFormat('a 1\n# EOF\n')).toBe('openmetrics');
    expect(sniffFormat('a 1\n# EOF')).toBe('openmetrics');
    expect(sniffFormat('# EOF\n')).toBe('openmetrics');
    expect(sniffFormat('a 1\r\n# EOF\r\n')).toBe('openmetrics');
    expect(sniffFormat('a 1\n# EOF\nb 1\n')).toBe('prometheus');
    expect(sniffFormat('a 1\nx# EOF\n')).toBe('prometheus');
    expect(sniffFormat('a 1\n')).toBe('prometheus');
    expect(sniffFormat('')).toBe('prometheus');
  });
});

describe('ExpositionParser', () => {
  it('returns families as they complete, the open one at the end', () => {
    const p = new ExpositionParser();
    expect(p.push('# TYPE a gauge\na 1\n')).toEqual([]);
    expect(p.push('a 2\nb').map((f) => f.name)).toEqual([]);
    expect(p.push(' 3\n').map((f) => f.name)).toEqual(['a']);
    const r = p.end();
    expect(r.families.map((f) => f.name)).toEqual(['b']);
    expect(r.samples).toBe(3);
    expect(r.format).toBe('prometheus');
  });

  it('keeps line numbers across chunks, with CR and LF in different chunks', () => {
    const p = new ExpositionParser();
    for (const chunk of ['a 1\r', '\nb', ' x\r\n', '', 'c 3', '\r\n', 'd 4 5 6']) p.push(chunk);
    const r = p.end();
    expect(problemList(r.problems)).toEqual([
      [1, undefined, 'line ends with CR LF: the exposition formats use LF line endings; the CR is ignored (reported once)'],
      [2, 3, 'invalid value "x": expected a float such as 1, -2.5, 1e3, +Inf, -Inf or NaN'],
      [4, 7, 'unexpected text after the timestamp: "6"; expected the end of the line'],
    ]);
    expect(r.problems[1].text).toBe('b x');
  });

  it('skips a line over the limit without assembling it, even fed one character at a time', () => {
    const long = `a{v="${'x'.repeat(300)}"} 1`;
    const text = `ok 1\n${long}\nok2 2\n${long}`;
    const p = new ExpositionParser({ maxLineLength: 100 });
    const families = [];
    for (const ch of text) families.push(...p.push(ch));
    const r = p.end();
    expect(series([...families, ...r.families])).toEqual(['ok 1', 'ok2 2']);
    expect(problemList(r.problems)).toEqual([
      [2, undefined, `line too long: ${long.length} characters, more than the limit of 100; line skipped`],
      [4, undefined, `line too long: ${long.length} characters, more than the limit of 100; line skipped`],
    ]);
    expect(r.problems[0].text).toBe(`${long.slice(0, 200)}…`);
    expect(parseExposition(text, { maxLineLength: 100 }).problems).toEqual(r.problems);
  });

  it('takes the format from its options', () => {
    expect(new ExpositionParser({ contentType: 'application/openmetrics-text' }).format).toBe('openmetrics');
    expect(new ExpositionParser({ format: 'openmetrics' }).format).toBe('openmetrics');
    expect(new ExpositionParser().format).toBe('prometheus');
  });

  it('refuses to be used after end()', () => {
    const p = new ExpositionParser();
    p.end();
    expect(() => p.push('a 1\n')).toThrow(/after end/);
    expect(() => p.end()).toThrow(/twice/);
  });
});

describe('ExpositionParser.takeOpenSamples', () => {
  it('hands over the open family piece by piece; with what closes later it makes the whole parse', () => {
    const text = `${DOC_EXAMPLE}# TYPE late counter\nlate_total 1\nplain 1\n# TYPE plain gauge\n`;
    const parser = new ExpositionParser();
    const samples = new Map<string, number[]>();
    const note = (name: string, values: number[]) => samples.set(name, [...(samples.get(name) ?? []), ...values]);
    for (let i = 0; i < text.length; i += 7) {
      for (const f of parser.push(text.slice(i, i + 7)))
        note(
          f.name,
          f.samples.map((s) => s.value),
        );
      const open = parser.takeOpenSamples();
      if (open)
        note(
          open.family.name,
          open.samples.map((s) => s.value),
        );
    }
    const end = parser.end();
    for (const f of end.families)
      note(
        f.name,
        f.samples.map((s) => s.value),
      );
    const whole = parseExposition(text);
    expect(samples).toEqual(new Map(whole.families.map((f) => [f.name, f.samples.map((s) => s.value)])));
    // Taking samples changes no check: the TYPE after the samples is still reported.
    expect(end.problems).toEqual(whole.problems);
    expect(end.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/TYPE line for "plain" after its samples/));
  });
});
