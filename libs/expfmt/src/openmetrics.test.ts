// The examples of the OpenMetrics 1.0 specification (specification/OpenMetrics.md), each
// ended with # EOF where the specification shows a fragment.
import { describe, expect, it } from 'vitest';
import { parseExposition, type ParseResult } from './index.ts';
import { familyHeads, problemList, series } from './test-helpers.ts';

function om(text: string): ParseResult {
  return parseExposition(text, { format: 'openmetrics' });
}

/** Parses a fragment of the specification followed by # EOF and expects no problem. */
function clean(fragment: string): ParseResult {
  const r = om(`${fragment}\n# EOF\n`);
  expect(problemList(r.problems)).toEqual([]);
  return r;
}

describe('OpenMetrics: examples of the specification', () => {
  it('reads the complete exposition example', () => {
    const text = `# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
acme_http_router_request_seconds_sum{path="/api/v2",method="POST"} 479.3
acme_http_router_request_seconds_count{path="/api/v2",method="POST"} 34.0
acme_http_router_request_seconds_created{path="/api/v2",method="POST"} 1605281325.0
# TYPE go_goroutines gauge
# HELP go_goroutines Number of goroutines that currently exist.
go_goroutines 69
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
process_cpu_seconds_total 4.20072246e+06
# EOF
`;
    const r = parseExposition(text);
    expect(r.format).toBe('openmetrics');
    expect(r.problems).toEqual([]);
    expect(r.samples).toBe(8);
    expect(familyHeads(r.families)).toEqual([
      `acme_http_router_request_seconds summary "Latency though all of ACME's HTTP request router." seconds 6`,
      'go_goroutines gauge "Number of goroutines that currently exist." 1',
      'process_cpu_seconds_total counter "Total user and system CPU time spent in seconds." seconds 1',
    ]);
    expect(series(r.families)).toContain('acme_http_router_request_seconds_created{path="/api/v2",method="POST"} 1.605281325e+09');
    expect(series(r.families).at(-1)).toBe('process_cpu_seconds_total 4.20072246e+06');
  });

  it('reads the metadata example with escaping in HELP (\\n and \\")', () => {
    const r = clean('# TYPE foo_seconds counter\n# UNIT foo_seconds seconds\n# HELP foo_seconds Some text and \\n some \\" escaping');
    expect(r.families).toEqual([
      { name: 'foo_seconds_total', type: 'counter', help: 'Some text and \n some " escaping', unit: 'seconds', samples: [] },
    ]);
  });

  it('reads label escaping and an empty label set', () => {
    const r = clean(
      '# TYPE bar_seconds summary\nbar_seconds_count 0\nbar_seconds_count{} 0\nbar_seconds_count{a="x",b="escaping\\" example \\n "} 0',
    );
    expect(r.families[0].samples.map((s) => s.labels)).toEqual([{}, {}, { a: 'x', b: 'escaping" example \n ' }]);
  });

  it('reads several metric points of one metric, with timestamps in seconds', () => {
    const r = clean(`# TYPE foo_seconds summary
# UNIT foo_seconds seconds
foo_seconds_count{a="bb"} 0 123
foo_seconds_sum{a="bb"} 0 123
foo_seconds_count{a="bb"} 0 456
foo_seconds_sum{a="bb"} 0 456
foo_seconds_count{a="ccc"} 0 123
foo_seconds_sum{a="ccc"} 0 123
foo_seconds_count{a="ccc"} 0 456
foo_seconds_sum{a="ccc"} 0 456`);
    expect(familyHeads(r.families)).toEqual(['foo_seconds summary "" seconds 8']);
    expect(r.families[0].samples.map((s) => s.timestampMs)).toEqual([123000, 123000, 456000, 456000, 123000, 123000, 456000, 456000]);
  });

  it('reads the gauge examples', () => {
    const r = clean('# TYPE foo gauge\nfoo 17.0\nfoo{a="bb"} 17.0\nfoo{a="b"} 17.0 1520879607.789\nfoo 17.0 123\nfoo 18.0 456');
    expect(series(r.families)).toEqual(['foo 17', 'foo{a="bb"} 17', 'foo{a="b"} 17 @1520879607789', 'foo 17 @123000', 'foo 18 @456000']);
    expect(familyHeads(clean('# TYPE foo gauge').families)).toEqual(['foo gauge "" 0']);
  });

  it('reads the counter examples: _total and _created, the family named with _total', () => {
    const r = clean(`# TYPE foo counter
foo_total 17.0 1520879607.789
foo_created 1520430000.123 1520879607.789`);
    expect(familyHeads(r.families)).toEqual(['foo_total counter "" 2']);
    expect(series(r.families)).toEqual(['foo_total 17 @1520879607789', 'foo_created 1.520430000123e+09 @1520879607789']);
  });

  it('reads the stateset examples', () => {
    const r = clean(`# TYPE foo stateset
foo{entity="controller",foo="a"} 1.0
foo{entity="controller",foo="bb"} 0.0
foo{entity="replica",foo="ccc"} 1.0`);
    expect(familyHeads(r.families)).toEqual(['foo stateset "" 3']);
    expect(r.families[0].samples[1].labels).toEqual({ entity: 'controller', foo: 'bb' });
  });

  it('reads the info examples, the family named with _info', () => {
    const r = clean(`# TYPE foo info
foo_info{entity="controller",name="pretty name",version="8.2.7"} 1.0
foo_info{entity="replica",name="prettier name",version="8.1.9"} 1.0`);
    expect(familyHeads(r.families)).toEqual(['foo_info info "" 2']);
  });

  it('reads the summary examples', () => {
    const r = clean(`# TYPE foo summary
foo_count 17.0
foo_sum 324789.3
foo_created 1520430000.123
foo{quantile="0.95"} 123.7
foo{quantile="0.99"} 150.0`);
    expect(familyHeads(r.families)).toEqual(['foo summary "" 5']);
  });

  it('reads the histogram example with its atypical le values', () => {
    const r = clean(`# TYPE foo histogram
foo_bucket{le="0.0"} 0
foo_bucket{le="1e-05"} 0
foo_bucket{le="0.0001"} 5
foo_bucket{le="0.1"} 8
foo_bucket{le="1.0"} 10
foo_bucket{le="10.0"} 11
foo_bucket{le="100000.0"} 11
foo_bucket{le="1e+06"} 15
foo_bucket{le="1e+23"} 16
foo_bucket{le="1.1e+23"} 17
foo_bucket{le="+Inf"} 17
foo_count 17
foo_sum 324789.3
foo_created 1520430000.123`);
    expect(familyHeads(r.families)).toEqual(['foo histogram "" 14']);
    // Label values stay as written: le="1.0" is not rewritten.
    expect(r.families[0].samples[4].labels).toEqual({ le: '1.0' });
  });

  it('reads the histogram example with exemplars, and drops the exemplars', () => {
    const r = clean(`# TYPE foo histogram
foo_bucket{le="0.01"} 0
foo_bucket{le="0.1"} 8 # {} 0.054
foo_bucket{le="1"} 11 # {trace_id="KOO5S4vxi0o"} 0.67
foo_bucket{le="10"} 17 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789
foo_bucket{le="+Inf"} 17
foo_count 17
foo_sum 324789.3
foo_created  1520430000.123`);
    expect(series(r.families)).toEqual([
      'foo_bucket{le="0.01"} 0',
      'foo_bucket{le="0.1"} 8',
      'foo_bucket{le="1"} 11',
      'foo_bucket{le="10"} 17',
      'foo_bucket{le="+Inf"} 17',
      'foo_count 17',
      'foo_sum 324789.3',
      'foo_created 1.520430000123e+09',
    ]);
  });

  it('reads the gauge histogram example', () => {
    const r = clean(`# TYPE foo gaugehistogram
foo_bucket{le="0.01"} 20.0
foo_bucket{le="0.1"} 25.0
foo_bucket{le="1"} 34.0
foo_bucket{le="10"} 34.0
foo_bucket{le="+Inf"} 42.0
foo_gcount 42.0
foo_gsum 3289.3`);
    expect(familyHeads(r.families)).toEqual(['foo gaugehistogram "" 7']);
  });

  it('reads the unknown example', () => {
    expect(series(clean('# TYPE foo unknown\nfoo 42.23').families)).toEqual(['foo 42.23']);
  });

  it('reads an exemplar after a timestamp, and on counters and summaries', () => {
    const r = clean(`# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
# TYPE smr_seconds summary
smr_seconds_count 2.0 # {id="summary-count-test"} 1 123.321
quotedexemplar_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4`);
    expect(series(r.families)).toEqual(['foo_total 17 @1520879607789', 'smr_seconds_count 2', 'quotedexemplar_count 1']);
  });

  it('reads UTF-8 names, as in the Prometheus OpenMetrics parser tests', () => {
    const r = clean(`# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
# UNIT "go.gc_duration_seconds" seconds
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds_created"} 1520872607.123
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"go.gc_duration_seconds_sum"} 0.004304266
{"http.status",q="0.9",a="b"} 8.3835e-05
{q="0.9","http.status",a="b"} 8.3835e-05`);
    expect(familyHeads(r.families)).toEqual([
      'go.gc_duration_seconds summary "A summary of the GC invocation durations." seconds 4',
      'http.status unknown "" 2',
    ]);
  });

  it('accepts NUL in label values and HELP', () => {
    const r = clean('# HELP metric foo\u0000bar\nmetric{a="abc\u0000"} 1');
    expect(r.families[0]).toEqual({
      name: 'metric',
      type: 'unknown',
      help: 'foo\u0000bar',
      unit: '',
      samples: [{ name: 'metric', labels: { a: 'abc\u0000' }, value: 1 }],
    });
  });

  it('treats a metric family as complete with # EOF and no trailing line feed', () => {
    const r = om('a 1\n# EOF');
    expect(r.problems).toEqual([]);
    expect(series(r.families)).toEqual(['a 1']);
  });

  it('reads an empty exposition', () => {
    expect(om('# EOF\n')).toEqual({ families: [], problems: [], samples: 0, format: 'openmetrics' });
  });
});

describe('OpenMetrics: what only it checks', () => {
  it('reports a missing # EOF at the line after the last', () => {
    expect(problemList(om('a 1\nb 2\n').problems)).toEqual([
      [3, undefined, 'missing # EOF: an OpenMetrics exposition must end with a "# EOF" line; the data may be truncated'],
    ]);
    expect(problemList(om('a 1').problems)).toEqual([
      [2, undefined, 'missing # EOF: an OpenMetrics exposition must end with a "# EOF" line; the data may be truncated'],
    ]);
    expect(problemList(om('').problems)).toEqual([
      [1, undefined, 'missing # EOF: an OpenMetrics exposition must end with a "# EOF" line; the data may be truncated'],
    ]);
  });

  it('reports text after # EOF once and ignores it', () => {
    const r = om('a 1\n# EOF\nb 2\nc 3\n');
    expect(series(r.families)).toEqual(['a 1']);
    expect(problemList(r.problems)).toEqual([
      [3, undefined, 'text after # EOF: an OpenMetrics exposition ends at its "# EOF" line; the rest is ignored'],
    ]);
    expect(problemList(om('a 1\n# EOF\n\n').problems)).toEqual([
      [3, undefined, 'text after # EOF: an OpenMetrics exposition ends at its "# EOF" line; the rest is ignored'],
    ]);
    expect(problemList(om('# EOF trailing\n').problems)).toEqual([
      [1, 7, 'text after # EOF on its line: expected "# EOF" alone; taken as the end'],
    ]);
  });

  it('checks that a unit is a suffix of the family name', () => {
    const r = om('# UNIT metric suffix\n# UNIT metricsuffix suffix\n# UNIT m suffix\n# UNIT a_seconds seconds\n# UNIT b \n# EOF\n');
    expect(problemList(r.problems)).toEqual([
      [1, 15, 'unit "suffix" is not a suffix of metric "metric": the name must end with "_suffix"'],
      [2, 21, 'unit "suffix" is not a suffix of metric "metricsuffix": the name must end with "_suffix"'],
      [3, 10, 'unit "suffix" is not a suffix of metric "m": the name must end with "_suffix"'],
    ]);
    expect(familyHeads(r.families)).toEqual(['a_seconds unknown "" seconds 0', 'b unknown "" 0']);
  });

  it('refuses untyped and other types of the Prometheus text format', () => {
    const r = om('# TYPE u untyped\nu 1\n# EOF\n');
    expect(problemList(r.problems)).toEqual([
      [1, 10, 'unknown metric type "untyped": expected counter, gauge, histogram, gaugehistogram, stateset, info, summary or unknown'],
    ]);
    expect(familyHeads(r.families)).toEqual(['u unknown "" 1']);
  });

  it('reports empty lines and plain comments, which OpenMetrics does not have', () => {
    const r = om('\n# a comment\na 1\n  \n# EOF\n');
    expect(problemList(r.problems)).toEqual([
      [1, undefined, 'empty line: OpenMetrics has no empty lines; ignored'],
      [2, 1, 'comment line: OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF" lines to start with #; ignored'],
      [4, undefined, 'empty line: OpenMetrics has no empty lines; ignored'],
    ]);
    expect(series(r.families)).toEqual(['a 1']);
  });

  it('reports HELP and UNIT after samples; a TYPE after samples opens the next family', () => {
    const r = om('# HELP a_seconds x\na_seconds 1\n# UNIT a_seconds seconds\n# TYPE a_seconds gauge\n# HELP a_seconds again\n# EOF\n');
    expect(problemList(r.problems)).toEqual([
      [3, undefined, 'UNIT line for "a_seconds" after its samples: OpenMetrics metadata must come before the samples; line ignored'],
      [
        4,
        undefined,
        'family "a_seconds" appears again (first at line 1): the lines of a family must be contiguous; kept as a separate family',
      ],
    ]);
    expect(familyHeads(r.families)).toEqual(['a_seconds unknown "x" 1', 'a_seconds gauge "again" 0']);
    expect(problemList(om('# TYPE a gauge\na 1\n# HELP a late\n# EOF\n').problems)).toEqual([
      [3, undefined, 'HELP line for "a" after its samples: OpenMetrics metadata must come before the samples; line ignored'],
    ]);
  });

  it('reads a gauge and a counter whose OpenMetrics names clash, as Go clients write them', () => {
    const r = om(`# TYPE go_memstats_alloc_bytes gauge
# HELP go_memstats_alloc_bytes Number of bytes allocated and still in use.
go_memstats_alloc_bytes 2.654208e+06
# TYPE go_memstats_alloc_bytes counter
# HELP go_memstats_alloc_bytes Total number of bytes allocated, even if freed.
go_memstats_alloc_bytes_total 4.81659392e+09
# TYPE go_memstats_alloc_bytes gauge
go_memstats_alloc_bytes 1
# EOF
`);
    expect(familyHeads(r.families)).toEqual([
      'go_memstats_alloc_bytes gauge "Number of bytes allocated and still in use." 1',
      'go_memstats_alloc_bytes_total counter "Total number of bytes allocated, even if freed." 1',
      'go_memstats_alloc_bytes gauge "" 1',
    ]);
    expect(problemList(r.problems)).toEqual([
      [
        8,
        undefined,
        'family "go_memstats_alloc_bytes" appears again (first at line 1): the lines of a family must be contiguous; kept as a separate family',
      ],
    ]);
  });

  it('reads timestamps as seconds and refuses NaN and infinite ones', () => {
    const r = om('a 1 1e3\nb 1 NaN\nc 1 -Inf\nd 1 -1.5\n# EOF\n');
    expect(series(r.families)).toEqual(['a 1 @1000000', 'd 1 @-1500']);
    expect(problemList(r.problems)).toEqual([
      [2, 5, 'invalid timestamp "NaN": expected a number of seconds such as 1520879607.789'],
      [3, 5, 'invalid timestamp "-Inf": expected a number of seconds such as 1520879607.789'],
    ]);
  });

  it('keeps a sample whose exemplar is malformed, and says so', () => {
    const r = om(`a_total 1 # {aa=bb}
b_total 2 # {aa="bb"}
c_total 3 # {aa="bb"} 1_2
d_total 4 # {aa="bb"} 1 x
e_total 5 # {aa="bb",cc=}
f_total 6 # {"only.name"} 1
g_total 7 #{a="b"} 1
h_total 8 1 # x
# EOF
`);
    expect(series(r.families)).toEqual([
      'a_total 1',
      'b_total 2',
      'c_total 3',
      'd_total 4',
      'e_total 5',
      'f_total 6',
      'g_total 7',
      'h_total 8 @1000',
    ]);
    expect(problemList(r.problems)).toEqual([
      [1, 17, `malformed exemplar: expected '"' to start the value of label "aa", found "b"; exemplar ignored, sample kept`],
      [2, 22, 'malformed exemplar: missing exemplar value; exemplar ignored, sample kept'],
      [3, 23, 'malformed exemplar: invalid exemplar value "1_2"; exemplar ignored, sample kept'],
      [4, 25, 'malformed exemplar: invalid exemplar timestamp "x"; exemplar ignored, sample kept'],
      [5, 25, `malformed exemplar: expected '"' to start the value of label "cc", found "}"; exemplar ignored, sample kept`],
      [6, 25, `malformed exemplar: expected '=' after label name "only.name", found "}"; exemplar ignored, sample kept`],
      [7, 12, 'malformed exemplar: expected a space after "#", found "{"; exemplar ignored, sample kept'],
      [8, 15, `malformed exemplar: expected '{' to start the exemplar's labels, found "x"; exemplar ignored, sample kept`],
    ]);
  });

  it('does not own suffixes of other types, and _created only for counters, histograms and summaries', () => {
    const r = om('# TYPE fizz_created gauge\nfizz_created 17.0\n# TYPE g gauge\ng 1\ng_created 2\n# EOF\n');
    expect(familyHeads(r.families)).toEqual(['fizz_created gauge "" 1', 'g gauge "" 1', 'g_created unknown "" 1']);
  });
});
