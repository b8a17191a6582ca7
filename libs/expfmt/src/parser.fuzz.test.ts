// Fuzzing the exposition parser (the hub's imports and the agent's scrapes and push intake
// read untrusted text with it). The parser documents no refusal at all: every bad line is a
// problem in its result. So any throw is a bug, as is a problem list past its cap, more
// samples than lines, or a chunked parse that disagrees with the whole-text one.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { DEFAULT_MAX_PROBLEMS, ExpositionParser, parseExposition } from './index.ts';

/** Valid texts of both formats, with the constructs the parser treats specially. */
const SEEDS = [
  [
    '# HELP http_requests_total The total number of HTTP requests.',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="post",code="200"} 1027 1395066363000',
    'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
    'something_weird{problem="division by zero"} +Inf -3982045',
    '# TYPE rpc_duration_seconds summary',
    'rpc_duration_seconds{quantile="0.5"} 4773',
    'rpc_duration_seconds_sum 1.7560473e+07',
    'rpc_duration_seconds_count 2693',
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{le="0.05"} 24054',
    'http_request_duration_seconds_bucket{le="+Inf"} 144320',
    'http_request_duration_seconds_sum 53423',
    'http_request_duration_seconds_count 144320',
    '',
  ].join('\n'),
  [
    '# TYPE acme_http_router_request_seconds summary',
    '# UNIT acme_http_router_request_seconds seconds',
    "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
    'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
    'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
    'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
    '# TYPE foo stateset',
    'foo{entity="controller",foo="a"} 1.0',
    '# TYPE go_build info',
    'go_build_info{version="1.2"} 1',
    '# TYPE x gaugehistogram',
    'x_bucket{le="1"} 2 1.5 # {trace_id="a"} 0.5 1.25',
    'x_gsum 3',
    'x_gcount 2',
    '{"utf8.name", le="+Inf"} 1',
    '# EOF',
    '',
  ].join('\n'),
];

const TOKENS = [
  '"',
  '\\',
  '\n',
  '\r',
  '\r\n',
  '{',
  '}',
  '=',
  ',',
  '#',
  ' ',
  '\t',
  '\u0000',
  '\ud800',
  'NaN',
  '+Inf',
  '-Inf',
  '1e400',
  '0x1p3',
  '# EOF\n',
  '# TYPE x counter\n',
  '# HELP x h\n',
  '# UNIT x s\n',
  'le="',
  'quantile=',
  '_total',
  '_bucket',
  '9'.repeat(40),
];

type Edit = { at: number; kind: 'flip' | 'delete' | 'insert' | 'repeat'; arg: number; token: string };

/** A seed with a few edits: characters changed, ranges dropped or repeated, tokens put in. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('flip', 'delete', 'insert', 'repeat'),
        arg: fc.nat({ max: 200 }),
        token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 4 })),
      }),
      { maxLength: 6 },
    ),
    truncate: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ seed, edits, truncate }) => {
    let text = seed;
    for (const e of edits as Edit[]) {
      const at = text.length === 0 ? 0 : e.at % text.length;
      if (e.kind === 'flip') text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << (e.arg % 7))) + text.slice(at + 1);
      else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1 + e.arg);
      else if (e.kind === 'insert') text = text.slice(0, at) + e.token + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + e.arg).repeat(3) + text.slice(at);
    }
    return truncate === undefined ? text : text.slice(0, truncate % (text.length + 1));
  });

/** Raw text: any code points, and line-ish text of the format's characters. */
const raw = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.array(fc.constantFrom(...TOKENS, 'a', 'b_c', '1', '2.5', ' '), { maxLength: 120 }).map((t) => t.join('')),
);

const input = fc.record({
  text: fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 2, arbitrary: raw }),
  format: fc.constantFrom('prometheus' as const, 'openmetrics' as const),
  chunk: fc.integer({ min: 1, max: 64 }),
});

describe('exposition parser fuzzing', () => {
  it('never throws, caps its problems, and reads chunked text as it reads it whole', async () => {
    await fuzz('expfmt-parser', input, ({ text, format, chunk }) => {
      const whole = parseExposition(text, { format });
      const lines = text.split('\n').length;
      if (whole.problems.length > DEFAULT_MAX_PROBLEMS + 1) throw new Error(`${whole.problems.length} problems listed`);
      if (whole.samples > lines) throw new Error(`${whole.samples} samples from ${lines} lines`);
      // Fed in small pieces, the open family's samples taken as they come (as imports do).
      const parser = new ExpositionParser({ format });
      let samples = 0;
      for (let i = 0; i < text.length; i += chunk) {
        for (const f of parser.push(text.slice(i, i + chunk))) samples += f.samples.length;
        samples += parser.takeOpenSamples()?.samples.length ?? 0;
      }
      const end = parser.end();
      for (const f of end.families) samples += f.samples.length;
      if (samples !== whole.samples || end.problems.length !== whole.problems.length)
        throw new Error(`chunked: ${samples} samples, ${end.problems.length} problems; whole: ${whole.samples}, ${whole.problems.length}`);
    });
  }, 120_000);
});
