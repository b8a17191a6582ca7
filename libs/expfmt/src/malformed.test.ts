// Tricky and malformed inputs: the exact problems (line, column, message) and the samples
// that survive. A malformed line is skipped; every other line is kept.
import { describe, expect, it } from 'vitest';
import { type ExpositionFormat, ExpositionParser, parseExposition } from './index.ts';
import { problemList, series } from './test-helpers.ts';

interface Case {
  name: string;
  input: string;
  format?: ExpositionFormat;
  problems: [number, number | undefined, string][];
  survivors: string[];
}

const VALUE = 'expected a float such as 1, -2.5, 1e3, +Inf, -Inf or NaN';
const REPEATED = (name: string, first: number) =>
  `family "${name}" appears again (first at line ${first}): the lines of a family must be contiguous; kept as a separate family`;

const cases: Case[] = [
  {
    name: 'duplicate label names',
    input: 'a{b="1",b="2"} 1\na{"b"="1", b="2"} 2\nok 1\n',
    problems: [
      [1, 9, 'duplicate label name "b"'],
      [2, 12, 'duplicate label name "b"'],
    ],
    survivors: ['ok 1'],
  },
  {
    name: 'missing closing brace',
    input: 'a{b="1" 1\nb{c="2"\nc{d="3",\nok 1\n',
    problems: [
      [1, 9, `expected ',' or '}' after the value of label "b", found "1"`],
      [2, 8, "missing '}': the line ends inside the label set"],
      [3, 9, "missing '}': the line ends inside the label set"],
    ],
    survivors: ['ok 1'],
  },
  {
    name: 'bad values',
    input: 'a 1x\nb 0x10\nc 1_000\nd 1e400\ne\nf{g="h"}\nh true\ni 1,5\nok 1e3\n',
    problems: [
      [1, 3, `invalid value "1x": ${VALUE}`],
      [2, 3, `invalid value "0x10": ${VALUE}`],
      [3, 3, `invalid value "1_000": ${VALUE}`],
      [4, 3, 'value "1e400" is out of the float64 range'],
      [5, 2, 'missing value: expected a float after the metric name and labels'],
      [6, 9, 'missing value: expected a float after the metric name and labels'],
      [7, 3, `invalid value "true": ${VALUE}`],
      [8, 3, `invalid value "1,5": ${VALUE}`],
    ],
    survivors: ['ok 1000'],
  },
  {
    name: 'trailing garbage and bad timestamps',
    input: 'a 1 2 3\nb 1 1.5\nc 1 # x\nd 1 12 foo\ne 1 9223372036854775808\nf 1 1e3\nok 1 2 \t\n',
    problems: [
      [1, 7, 'unexpected text after the timestamp: "3"; expected the end of the line'],
      [2, 5, 'invalid timestamp "1.5": expected an integer number of milliseconds'],
      [3, 5, 'unexpected text after the value: "#"; expected a timestamp or the end of the line'],
      [4, 8, 'unexpected text after the timestamp: "foo"; expected the end of the line'],
      [5, 5, 'timestamp "9223372036854775808" is out of range: its milliseconds do not fit an int64'],
      [6, 5, 'invalid timestamp "1e3": expected an integer number of milliseconds'],
    ],
    survivors: ['ok 1 @2'],
  },
  {
    name: 'bad metric names',
    input: '9a 1\nmy.metric 1\nmé 1\n{a="b"} 1\n{"x","y"} 1\nfoo{"bar"} 1\n{""} 1\n"unterminated 1\nok 1\n',
    problems: [
      [1, 1, `expected a metric name or '{', found "9"`],
      [
        2,
        3,
        'invalid character "." in metric name: names outside [a-zA-Z_:][a-zA-Z0-9_:]* go in double quotes inside the braces, like {"my.metric"}',
      ],
      [
        3,
        2,
        'invalid character "é" in metric name: names outside [a-zA-Z_:][a-zA-Z0-9_:]* go in double quotes inside the braces, like {"my.metric"}',
      ],
      [4, 8, 'metric name missing: put it before the braces or as a quoted string inside them, like {"my.metric",a="b"}'],
      [5, 6, 'metric name given twice: "x" and "y"'],
      [6, 4, 'metric name given twice: "foo" before the braces and "bar" inside'],
      [7, 2, 'empty metric name'],
      [8, 1, `unterminated quoted metric name: no closing '"'`],
    ],
    survivors: ['ok 1'],
  },
  {
    name: 'bad label sets',
    input:
      'a{b=c} 1\na{=""} 1\na{b="c",,d="e"} 1\na{b.c="d"} 1\na{b="c"d="e"} 1\na{__name__="x"} 1\na{b="unterminated} 1\na{""="x"} 1\na{b} 1\nok{ b = "c" , } 1\n',
    problems: [
      [1, 5, `expected '"' to start the value of label "b", found "c"`],
      [2, 3, `expected a label name or '}', found "="`],
      [3, 9, `expected a label name or '}', found ","`],
      [4, 4, 'invalid character "." in label name: names outside [a-zA-Z_][a-zA-Z0-9_]* go in double quotes, like "my.label"="value"'],
      [5, 8, `expected ',' or '}' after the value of label "b", found "d"`],
      [6, 3, 'label name "__name__" is reserved: the metric name goes before the braces or as a quoted string inside them'],
      [7, 5, `unterminated value of label "b": no closing '"'`],
      [8, 3, 'empty label name'],
      [9, 4, `expected '=' after label name "b", found "}"`],
    ],
    survivors: ['ok{b="c"} 1'],
  },
  {
    name: 'a NUL byte: kept in label values and HELP, refused in names',
    input: 'a{b="x\u0000y"} 1\nc\u0000d 1\n# HELP e he\u0000lp\ne 2\nf{g\u0000="h"} 3\n',
    problems: [
      [
        2,
        2,
        'invalid character "\\u0000" in metric name: names outside [a-zA-Z_:][a-zA-Z0-9_:]* go in double quotes inside the braces, like {"my.metric"}',
      ],
      [
        5,
        4,
        'invalid character "\\u0000" in label name: names outside [a-zA-Z_][a-zA-Z0-9_]* go in double quotes, like "my.label"="value"',
      ],
    ],
    survivors: ['a{b="x\\u0000y"} 1', 'e 2'],
  },
  {
    name: 'CRLF line endings: read, reported once',
    input: '# HELP a x\r\n# TYPE a gauge\r\na{b="c"} 1 5\r\n\r\nb 2\r\n',
    problems: [[1, undefined, 'line ends with CR LF: the exposition formats use LF line endings; the CR is ignored (reported once)']],
    survivors: ['a{b="c"} 1 @5', 'b 2'],
  },
  {
    name: 'a lone CR inside a line is not a line ending',
    input: 'a 1\rb 2\nc{d="x\ry"} 3\n',
    problems: [[1, 3, `invalid value "1\\rb": ${VALUE}`]],
    survivors: ['c{d="x\\ry"} 3'],
  },
  {
    name: 'empty lines and comments are ignored in the Prometheus text format',
    input: '\n\n  \t\n# a comment\n#no blank\n#\n# HELP\ta b\n\na 1\n',
    problems: [],
    survivors: ['a 1'],
  },
  {
    name: 'TYPE after samples of its family',
    input: 'a 1\n# TYPE a gauge\na 2\n',
    problems: [[2, undefined, `TYPE line for "a" after its samples: TYPE must come before the family's first sample; line ignored`]],
    survivors: ['a 1', 'a 2'],
  },
  {
    name: 'second HELP and TYPE lines',
    input: '# HELP a x\n# HELP a y\n# TYPE a gauge\n# TYPE a counter\na 1\n',
    problems: [
      [2, undefined, 'second HELP line for "a": a family has one HELP line; line ignored'],
      [4, undefined, 'second TYPE line for "a": a family has one TYPE line; line ignored'],
    ],
    survivors: ['a 1'],
  },
  {
    name: 'bad metadata lines',
    input:
      '# TYPE a info\n# TYPE b foo bar\n# TYPE c\n# HELP\n# HELP \n# HELP my.metric x\n# TYPE "unterminated gauge\n# TYPE "" gauge\n# HELP "q"x\nok 1\n',
    problems: [
      [1, 10, 'unknown metric type "info": expected counter, gauge, histogram, summary or untyped'],
      [2, 10, 'unknown metric type "foo bar": expected counter, gauge, histogram, summary or untyped'],
      [3, 9, 'TYPE line without a type: expected counter, gauge, histogram, summary or untyped'],
      [4, 7, 'HELP line without a metric name: expected "# HELP <metric name> <help>"'],
      [5, 8, 'HELP line without a metric name: expected "# HELP <metric name> <help>"'],
      [6, 10, 'invalid metric name "my.metric" in HELP line: expected [a-zA-Z_:][a-zA-Z0-9_:]*, or the name in double quotes'],
      [7, 8, `unterminated quoted metric name in TYPE line: no closing '"'`],
      [8, 8, 'empty metric name in TYPE line'],
      [9, 11, 'expected a space after the metric name in HELP line, found "x"'],
    ],
    survivors: ['ok 1'],
  },
  {
    name: 'a repeated family is reported and kept as a separate family',
    input: 'a 1\nb 1\na 2\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\nz 1\nh_sum 3\n# TYPE z gauge\n',
    problems: [
      [3, undefined, REPEATED('a', 1)],
      [8, undefined, REPEATED('h', 4)],
      [9, undefined, REPEATED('z', 7)],
    ],
    survivors: ['a 1', 'b 1', 'a 2', 'h_bucket{le="+Inf"} 1', 'h_count 1', 'z 1', 'h_sum 3'],
  },
  {
    name: 'histogram buckets and summary quantiles need a float bound',
    input:
      '# TYPE h histogram\nh_bucket{le="x"} 1\nh_bucket 2\nh_bucket{le="NaN"} 3\nh_bucket{le="1"} 4\n# TYPE s summary\ns{quantile="a"} 1\ns 2\ns{quantile="0.5"} 3\ns_sum 4\n',
    problems: [
      [2, undefined, 'invalid "le" label value "x": expected a float such as 0.5 or +Inf; line skipped'],
      [3, undefined, 'histogram bucket without a "le" label: expected le="<float>"; line skipped'],
      [4, undefined, 'invalid "le" label value "NaN": expected a float such as 0.5 or +Inf; line skipped'],
      [7, undefined, 'invalid "quantile" label value "a": expected a float such as 0.5 or +Inf; line skipped'],
      [8, undefined, 'summary quantile without a "quantile" label: expected quantile="<float>"; line skipped'],
    ],
    survivors: ['h_bucket{le="1"} 4', 's{quantile="0.5"} 3', 's_sum 4'],
  },
  {
    name: 'an exemplar in the Prometheus text format: sample kept, exemplar reported',
    input: 'a 1 # {trace_id="x"} 1\nb 1 5 # {trace_id="y"} 1 1.5\nc 1 # not an exemplar\n',
    problems: [
      [1, 5, 'exemplar in the Prometheus text format: exemplars are OpenMetrics only; exemplar ignored, sample kept'],
      [2, 7, 'exemplar in the Prometheus text format: exemplars are OpenMetrics only; exemplar ignored, sample kept'],
      [3, 5, 'unexpected text after the value: "#"; expected a timestamp or the end of the line'],
    ],
    survivors: ['a 1', 'b 1 @5'],
  },
  {
    name: 'OpenMetrics without # EOF',
    format: 'openmetrics',
    input: '# TYPE a counter\na_total 1\n',
    problems: [[3, undefined, 'missing # EOF: an OpenMetrics exposition must end with a "# EOF" line; the data may be truncated']],
    survivors: ['a_total 1'],
  },
  {
    name: 'OpenMetrics with text after # EOF',
    format: 'openmetrics',
    input: 'a 1\n# EOF\nb 2\n# EOF\n',
    problems: [[3, undefined, 'text after # EOF: an OpenMetrics exposition ends at its "# EOF" line; the rest is ignored']],
    survivors: ['a 1'],
  },
  {
    name: 'OpenMetrics counters: a repeated family found through its suffix',
    format: 'openmetrics',
    input: '# TYPE c counter\nc_total 1\nc_created 5\n# TYPE g gauge\ng 1\nc_total{a="b"} 2\n# EOF\n',
    problems: [[6, undefined, REPEATED('c_total', 1)]],
    survivors: ['c_total 1', 'c_created 5', 'g 1', 'c_total{a="b"} 2'],
  },
];

describe('malformed and tricky input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = parseExposition(c.input, { format: c.format ?? 'prometheus' });
    expect(problemList(r.problems)).toEqual(c.problems);
    expect(series(r.families)).toEqual(c.survivors);
    expect(r.samples).toBe(c.survivors.length);
    for (const p of r.problems)
      if (p.line <= c.input.split('\n').length) expect(p.text).toBe(c.input.split('\n')[p.line - 1].replace(/\r$/, ''));
  });

  it('gives the same result fed one character at a time', () => {
    for (const c of cases) {
      const p = new ExpositionParser({ format: c.format ?? 'prometheus' });
      const families = [];
      for (const ch of c.input) families.push(...p.push(ch));
      const r = p.end();
      expect(problemList(r.problems), c.name).toEqual(c.problems);
      expect(series([...families, ...r.families]), c.name).toEqual(c.survivors);
    }
  });

  it('lists at most maxProblems problems, then says more were left out', () => {
    const r = parseExposition(`${'bad\n'.repeat(10)}ok 1\n`, { maxProblems: 3 });
    expect(problemList(r.problems)).toEqual([
      [1, 4, 'missing value: expected a float after the metric name and labels'],
      [2, 4, 'missing value: expected a float after the metric name and labels'],
      [3, 4, 'missing value: expected a float after the metric name and labels'],
      [4, undefined, 'more than 3 problems: the rest are not listed'],
    ]);
    expect(series(r.families)).toEqual(['ok 1']);
    expect(parseExposition('bad\n'.repeat(1000)).problems).toHaveLength(101);
  });

  it('gives columns in characters, counting a surrogate pair once', () => {
    const r = parseExposition('a{"🙂🙂"="x", 🙂} 1\n');
    expect(problemList(r.problems)).toEqual([[1, 13, `expected a label name or '}', found "🙂"`]]);
  });

  it('quotes long lines in problems by their first 200 characters', () => {
    const line = `${'x'.repeat(300)} y`;
    const [p] = parseExposition(`${line}\n`).problems;
    expect(p.text).toBe(`${'x'.repeat(200)}…`);
    expect(p.column).toBe(302);
  });
});

describe('hostile input', () => {
  const time = (f: () => void) => {
    const t = Date.now();
    f();
    return Date.now() - t;
  };

  it('skips a line over the limit, whatever its size, and keeps the next ones', () => {
    const huge = `a{${'b="c",'.repeat(200_000)}} 1`; // 1.2 M characters
    const r = parseExposition(`ok 1\n${huge}\nok2 2\n`);
    expect(series(r.families)).toEqual(['ok 1', 'ok2 2']);
    expect(problemList(r.problems)).toEqual([
      [2, undefined, `line too long: ${huge.length} characters, more than the limit of 65536; line skipped`],
    ]);
  });

  it('stays linear on a line with very many labels', () => {
    const labels = (n: number) => `a{${Array.from({ length: n }, (_, i) => `l${i}="v${i}"`).join(',')}} 1\n`;
    const big = labels(100_000);
    let r = parseExposition('');
    const ms = time(() => (r = parseExposition(big, { maxLineLength: 10_000_000 })));
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.families[0].samples[0].labels)).toHaveLength(100_000);
    expect(ms).toBeLessThan(2000);
    const dup = `a{${'b="c",'.repeat(100_000)}} 1\n`;
    expect(problemList(parseExposition(dup, { maxLineLength: 10_000_000 }).problems)).toEqual([[1, 9, 'duplicate label name "b"']]);
  });

  it('stays linear on long runs of backslashes and quotes', () => {
    const value = '\\\\'.repeat(200_000) + '\\"'.repeat(200_000);
    let r = parseExposition('');
    const ms = time(() => (r = parseExposition(`a{v="${value}"} 1\n`, { maxLineLength: 10_000_000 })));
    expect(r.families[0].samples[0].labels.v).toBe('\\'.repeat(200_000) + '"'.repeat(200_000));
    expect(ms).toBeLessThan(2000);
  });

  it('stays linear on a 64 KiB line fed one character at a time', () => {
    const line = `a{v="${'x'.repeat(65_000)}"} 1\n`;
    const p = new ExpositionParser();
    const ms = time(() => {
      for (let i = 0; i < line.length; i++) p.push(line[i]);
    });
    expect(p.end().samples).toBe(1);
    expect(ms).toBeLessThan(2000);
  });

  it('bounds the problems of a page of garbage, and of families that keep coming back', () => {
    let r = parseExposition('');
    const garbage = '{{{{ "}}}} \u0000\u0000 ###\n'.repeat(100_000);
    expect(time(() => (r = parseExposition(garbage)))).toBeLessThan(2000);
    expect(r.problems).toHaveLength(101);
    const interleaved = 'a 1\nb 1\n'.repeat(50_000);
    expect(time(() => (r = parseExposition(interleaved)))).toBeLessThan(2000);
    expect(r.families).toHaveLength(100_000);
    expect(r.problems).toHaveLength(101);
  });

  it('does not build numbers from huge exponents', () => {
    const r = parseExposition('a 1 1e999999999999999\nb 1e-99999999999999999\n# EOF\n', { format: 'openmetrics' });
    expect(series(r.families)).toEqual(['b 0']);
    expect(problemList(r.problems)).toEqual([
      [1, 5, 'timestamp "1e999999999999999" is out of range: its milliseconds do not fit an int64'],
    ]);
  });
});
