// PromQL is untrusted input: any web page can put a query in a GET to the hub. Random
// text, mutated valid queries and generated expressions go through the parser, and the
// ones that parse through the engine over a small real store with a timeout: the only
// failures allowed are PromqlErrors (parse errors, timeouts, the sample limit, execution
// errors), and no input may take long or grow the heap far.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { fuzz, tempDir } from '@metrics-hub/testing';
import { corpusDir } from '../conformance/corpus.ts';
import { Engine } from './engine.ts';
import { PromqlError } from './errors.ts';
import { parseExpr } from './parser.ts';
import { parseScript } from './promqltest/script.ts';

const SEEDS = [
  'up',
  'up{job="node", instance=~"web-.*"}',
  'sum by (job) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(request_seconds_bucket[5m])))',
  'count_values("value", up)',
  'label_replace(up, "host", "$1", "instance", "([^:]+):.*")',
  'label_join(up, "both", ",", "job", "instance")',
  'sort_by_label(up, "instance")',
  'topk(3, http_requests_total) or bottomk(1, http_requests_total)',
  'max_over_time(rate(http_requests_total[1m])[10m:30s])',
  'http_requests_total / on(job) group_left(instance) up',
  'up offset 5m @ end() unless up == bool 1',
  '-(up + 1) ^ 2 % 3 > bool 0',
  'quantile_over_time(0.5, victim[10m]) and {v=~"(a|a)*b"}',
  'absent_over_time(nothing[5m])',
  'time() - timestamp(up)',
  'predict_linear(http_requests_total[10m], 3600)',
  '{__name__=~"http_.*", job!~"(a+)+b"}',
];

/** Queries of the shared conformance corpus, when it is beside the checkout. */
function corpusQueries(): string[] {
  let dir: string;
  try {
    dir = corpusDir();
  } catch {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test'))
    .flatMap((f) => parseScript(readFileSync(join(dir, f), 'utf8')))
    .flatMap((c) => (c.kind === 'eval' ? [c.eval.query] : []));
}

const TOKENS = [
  '(',
  ')',
  '{',
  '}',
  '[5m]',
  '[1h:1s]',
  '[5m:]',
  ' + ',
  ' - ',
  ' / ',
  ' ^ ',
  ' or ',
  ' and on(job) ',
  ' unless ',
  ' by (job) ',
  ' without (le) ',
  ' group_left ',
  ' bool ',
  ', ',
  '"x"',
  '`y`',
  "'z'",
  '=~"(a|a)*b"',
  '!~".+"',
  '="',
  ' offset -1h',
  ' @ 1e9',
  ' @ start()',
  '1e308',
  'NaN',
  '-Inf',
  '0x1F',
  '1h30m',
  'up',
  'rate(',
  'sum(',
  'count_values("v", ',
  'label_replace(',
  'histogram_quantile(',
  'time()',
  '#',
  '\n',
  '\\',
  '\u0000',
  '😀',
];

function mutate(query: string, edits: { kind: number; at: number; len: number; token: string; times: number }[]): string {
  let q = query;
  for (const e of edits) {
    const at = q.length ? e.at % (q.length + 1) : 0;
    switch (e.kind) {
      case 0: // insert a token, sometimes many times (deep nesting, long chains)
        q = q.slice(0, at) + e.token.repeat(e.times) + q.slice(at);
        break;
      case 1: // delete a range
        q = q.slice(0, at) + q.slice(at + e.len);
        break;
      case 2: // truncate
        q = q.slice(0, at);
        break;
      case 3: // repeat a piece
        q = q.slice(0, at) + q.slice(at, at + e.len).repeat(e.times) + q.slice(at);
        break;
      default: // flip a character
        q = q.slice(0, at) + String.fromCharCode((q.charCodeAt(at) || 32) ^ (1 << (e.len % 7))) + q.slice(at + 1);
    }
  }
  return q;
}

const edit = fc.record({
  kind: fc.integer({ min: 0, max: 4 }),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 40 }),
  token: fc.constantFrom(...TOKENS),
  times: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 100, max: 3_000 })),
});

/** Generated expressions that mostly parse, so that evaluation gets its share of inputs. */
const { vector } = fc.letrec<{ vector: string; scalar: string }>((tie) => ({
  vector: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('up', 'http_requests_total', 'victim', 'request_seconds_bucket', '{__name__=~".+"}', 'nothing', '{v=~"(a|a)*b"}'),
    fc
      .tuple(fc.constantFrom('rate', 'increase', 'max_over_time', 'quantile_over_time(0.5,', 'mad_over_time', 'changes'), tie('vector'))
      .map(([f, v]) => `${f}${f.endsWith(',') ? ' ' : '('}(${v})[30m:15s])`),
    fc
      .tuple(
        fc.constantFrom('sum', 'avg', 'count', 'max', 'stddev', 'group'),
        fc.constantFrom('', ' by (job)', ' without (instance)'),
        tie('vector'),
      )
      .map(([op, g, v]) => `${op}${g}(${v})`),
    fc.tuple(fc.constantFrom('topk', 'bottomk', 'limitk'), tie('scalar'), tie('vector')).map(([op, k, v]) => `${op}(${k}, ${v})`),
    tie('vector').map((v) => `count_values("v", ${v})`),
    tie('vector').map((v) => `label_replace(${v}, "x", "$1$1", "instance", "(.*)")`),
    tie('vector').map((v) => `label_join(${v}, "x", "-", "job", "instance", "v")`),
    tie('vector').map((v) => `sort_by_label_desc(${v}, "instance")`),
    tie('vector').map((v) => `histogram_quantile(0.5, ${v})`),
    fc
      .tuple(
        tie('vector'),
        fc.constantFrom(' + ', ' * ', ' > ', ' == bool ', ' or ', ' and ', ' unless ', ' + on(job) group_left '),
        tie('vector'),
      )
      .map(([a, op, b]) => `(${a})${op}(${b})`),
    fc.tuple(tie('vector'), fc.constantFrom(' + ', ' / ', ' < '), tie('scalar')).map(([a, op, b]) => `${a}${op}${b}`),
  ),
  scalar: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('1', '3', '-2.5', 'NaN', 'Inf', 'time()', 'pi()'),
    tie('vector').map((v) => `scalar(${v})`),
  ),
}));

function parseOrRefuse(query: string): ReturnType<typeof parseExpr> | undefined {
  try {
    return parseExpr(query);
  } catch (e) {
    // The parser's only refusal: a bad_data PromqlError.
    if (e instanceof PromqlError && e.type === 'bad_data') return undefined;
    throw e;
  }
}

const seeds = [...SEEDS, ...corpusQueries()];
const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([q, e]) => mutate(q, e));
const promqlish = fc.string({ unit: fc.constantFrom(...TOKENS, ...'abc_019.,=!~<>"\'`:@ '.split('')), maxLength: 60 });

describe('PromQL fuzzing', () => {
  it('the parser refuses bad input only with its parse error', async () => {
    await fuzz('promql-parse', fc.oneof(fc.string({ maxLength: 200 }), promqlish, mutated, vector), (q) => void parseOrRefuse(q), {
      maxMsPerInput: 2_000,
    });
  });

  const STEP = 15_000;
  const end = Math.floor(Date.now() / STEP) * STEP - 60_000;
  const start = end - 3_600_000;
  let store: TimeSeriesStore;
  const dir = tempDir('promql-fuzz-');
  beforeAll(() => {
    store = TimeSeriesStore.open({ path: dir.file('fuzz.db') });
    const timestamps = Array.from({ length: 241 }, (_, i) => start + i * STEP);
    const series = [
      ...['web-1:9100', 'web-2:9100', 'db-1:9100'].flatMap((instance, k) => [
        { labels: { __name__: 'up', job: 'node', instance }, values: timestamps.map((_, i) => ((i + k) % 7 ? 1 : 0)) },
        { labels: { __name__: 'http_requests_total', job: k ? 'api' : 'web', instance }, values: timestamps.map((_, i) => i * (k + 1)) },
      ]),
      ...['0.1', '1', '+Inf'].map((le, k) => ({
        labels: { __name__: 'request_seconds_bucket', job: 'api', le },
        values: timestamps.map((_, i) => i * (k + 1)),
      })),
      { labels: { __name__: 'victim', v: 'a'.repeat(40) }, values: timestamps.map((_, i) => i) },
    ];
    store.append(series.map((s) => ({ labels: s.labels, timestamps, values: s.values })));
  });
  afterAll(() => {
    store.close();
    dir.remove();
  });

  it('the engine answers or refuses with a PromqlError, within its timeout', async () => {
    const engine = new Engine({ timeoutMs: 500, maxSamples: 2_000_000 });
    await fuzz(
      'promql-eval',
      fc.tuple(fc.oneof(vector, vector, mutated), fc.boolean()),
      ([q, instant]) => {
        if (!parseOrRefuse(q)) return;
        try {
          if (instant) engine.instantQuery(store, q, end);
          else engine.rangeQuery(store, q, start, end, 60_000);
        } catch (e) {
          if (!(e instanceof PromqlError)) throw e;
        }
      },
      // The engine's timeout is 500 ms: an input past 5 s has a loop that ignores it.
      { maxMsPerInput: 5_000 },
    );
  });
});
