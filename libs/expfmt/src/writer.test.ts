import { describe, expect, it } from 'vitest';
import { type MetricFamily, parseExposition, writeExposition } from './index.ts';

const fam = (f: Partial<MetricFamily> & Pick<MetricFamily, 'name' | 'samples'>): MetricFamily => ({
  type: 'unknown',
  help: '',
  unit: '',
  ...f,
});

describe('writeExposition: the Prometheus text format', () => {
  it('writes HELP, TYPE and samples as the Go client does', () => {
    const text = writeExposition([
      fam({
        name: 'http_requests_total',
        type: 'counter',
        help: 'The total number of HTTP requests.',
        samples: [
          { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
          { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 },
        ],
      }),
      fam({
        name: 'metric_without_timestamp_and_labels',
        samples: [{ name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 }],
      }),
    ]);
    expect(text).toBe(`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"} 3 1395066363000
# TYPE metric_without_timestamp_and_labels untyped
metric_without_timestamp_and_labels 12.47
`);
  });

  it('escapes label values (\\\\, \\", \\n) and HELP (\\\\, \\n, quotes left alone)', () => {
    const text = writeExposition([
      fam({
        name: 'msdos_file_access_time_seconds',
        type: 'gauge',
        help: 'A "help" with C:\\DIR and a\nline feed',
        samples: [
          {
            name: 'msdos_file_access_time_seconds',
            labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' },
            value: 1.458255915e9,
          },
        ],
      }),
    ]);
    expect(text).toBe(String.raw`# HELP msdos_file_access_time_seconds A "help" with C:\\DIR and a\nline feed
# TYPE msdos_file_access_time_seconds gauge
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e+09
`);
  });

  it('writes special and extreme floats the Go way', () => {
    const values = [Infinity, -Infinity, NaN, -0, 0, 1e6, 1e-5, 0.1 + 0.2, Number.MAX_VALUE, 5e-324];
    const text = writeExposition([fam({ name: 'v', type: 'gauge', samples: values.map((value) => ({ name: 'v', labels: {}, value })) })]);
    expect(text.split('\n').slice(1, -1)).toEqual([
      'v +Inf',
      'v -Inf',
      'v NaN',
      'v -0',
      'v 0',
      'v 1e+06',
      'v 1e-05',
      'v 0.30000000000000004',
      'v 1.7976931348623157e+308',
      'v 5e-324',
    ]);
  });

  it('quotes names outside the legacy character sets', () => {
    const text = writeExposition([
      fam({
        name: 'my.metric',
        type: 'gauge',
        help: 'dotted',
        samples: [
          { name: 'my.metric', labels: { 'my.label': 'x', ok: 'y', 'q"uote\\n\n': 'z' }, value: 1 },
          { name: 'my.metric', labels: {}, value: 2 },
        ],
      }),
      fam({ name: 'legacy:name', samples: [{ name: 'legacy:name', labels: { '0digit': 'v' }, value: 3 }] }),
    ]);
    expect(text).toBe(String.raw`# HELP "my.metric" dotted
# TYPE "my.metric" gauge
{"my.metric","my.label"="x",ok="y","q\"uote\\n\n"="z"} 1
{"my.metric"} 2
# TYPE legacy:name untyped
legacy:name{"0digit"="v"} 3
`);
    const back = parseExposition(text);
    expect(back.problems).toEqual([]);
    expect(back.families[0].samples[0].labels).toEqual({ 'my.label': 'x', ok: 'y', 'q"uote\\n\n': 'z' });
  });

  it('maps the OpenMetrics-only types and moves _created, _gsum and _gcount to gauge families', () => {
    const text = writeExposition([
      fam({
        name: 'foo_total',
        type: 'counter',
        help: 'c',
        samples: [
          { name: 'foo_total', labels: { a: '1' }, value: 17 },
          { name: 'foo_created', labels: { a: '1' }, value: 1520430000.123 },
          { name: 'foo_total', labels: { a: '2' }, value: 18 },
        ],
      }),
      fam({ name: 'build_info', type: 'info', samples: [{ name: 'build_info', labels: { version: '1.2' }, value: 1 }] }),
      fam({ name: 'state', type: 'stateset', samples: [{ name: 'state', labels: { state: 'a' }, value: 1 }] }),
      fam({
        name: 'queue',
        type: 'gaugehistogram',
        samples: [
          { name: 'queue_bucket', labels: { le: '+Inf' }, value: 42 },
          { name: 'queue_gsum', labels: {}, value: 3289.3 },
          { name: 'queue_gcount', labels: {}, value: 42 },
        ],
      }),
    ]);
    expect(text).toBe(`# HELP foo_total c
# TYPE foo_total counter
foo_total{a="1"} 17
foo_total{a="2"} 18
# HELP foo_created c
# TYPE foo_created gauge
foo_created{a="1"} 1.520430000123e+09
# TYPE build_info gauge
build_info{version="1.2"} 1
# TYPE state gauge
state{state="a"} 1
# TYPE queue histogram
queue_bucket{le="+Inf"} 42
# TYPE queue_gcount gauge
queue_gcount 42
# TYPE queue_gsum gauge
queue_gsum 3289.3
`);
    expect(parseExposition(text).problems).toEqual([]);
  });

  it('writes a family without samples as its metadata', () => {
    expect(writeExposition([fam({ name: 'a', type: 'gauge', help: 'h', unit: 'seconds', samples: [] })])).toBe(
      '# HELP a h\n# TYPE a gauge\n',
    );
    expect(writeExposition([])).toBe('');
  });

  it('writes integer milliseconds', () => {
    expect(writeExposition([fam({ name: 'a', samples: [{ name: 'a', labels: {}, value: 1, timestampMs: -3982045 }] })])).toBe(
      '# TYPE a untyped\na 1 -3982045\n',
    );
  });

  it('refuses what no exposition can hold', () => {
    const bad = (f: MetricFamily) => () => writeExposition([f]);
    expect(bad(fam({ name: '', samples: [] }))).toThrow(TypeError);
    expect(bad(fam({ name: 'a', samples: [{ name: '', labels: {}, value: 1 }] }))).toThrow(/empty sample name/);
    expect(bad(fam({ name: 'a', samples: [{ name: 'a', labels: { '': 'x' }, value: 1 }] }))).toThrow(/empty label name/);
    expect(bad(fam({ name: 'a', samples: [{ name: 'a', labels: { __name__: 'x' }, value: 1 }] }))).toThrow(/__name__/);
    expect(bad(fam({ name: 'a', samples: [{ name: 'a', labels: {}, value: 1, timestampMs: NaN }] }))).toThrow(/not a finite number/);
  });
});

describe('writeExposition: OpenMetrics', () => {
  it('writes TYPE, UNIT, HELP, suffixed counter and info samples, seconds, and # EOF', () => {
    const text = writeExposition(
      [
        fam({
          name: 'process_cpu_seconds_total',
          type: 'counter',
          unit: 'seconds',
          help: 'Total "CPU" time\\spent',
          samples: [
            { name: 'process_cpu_seconds_total', labels: {}, value: 4200722.46, timestampMs: 1520879607789 },
            { name: 'process_cpu_seconds_created', labels: {}, value: 1520430000.123 },
          ],
        }),
        fam({ name: 'legacy', type: 'counter', samples: [{ name: 'legacy', labels: {}, value: 1 }] }),
        fam({ name: 'foo_info', type: 'info', samples: [{ name: 'foo_info', labels: { v: '1' }, value: 1 }] }),
        fam({ name: 'u', samples: [{ name: 'u', labels: {}, value: NaN, timestampMs: -1500 }] }),
      ],
      'openmetrics',
    );
    expect(text).toBe(String.raw`# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total \"CPU\" time\\spent
process_cpu_seconds_total 4.20072246e+06 1520879607.789
process_cpu_seconds_created 1.520430000123e+09
# TYPE legacy counter
legacy_total 1
# TYPE foo info
foo_info{v="1"} 1
# TYPE u unknown
u NaN -1.5
# EOF
`);
    const back = parseExposition(text);
    expect(back.problems).toEqual([]);
    expect(back.families.map((f) => f.name)).toEqual(['process_cpu_seconds_total', 'legacy_total', 'foo_info', 'u']);
    expect(back.families[0].help).toBe('Total "CPU" time\\spent');
  });

  it('writes an empty exposition as # EOF', () => {
    expect(writeExposition([], 'openmetrics')).toBe('# EOF\n');
  });
});
