// The functions Prometheus gives alert and console templates (template/template.go and
// prometheus/common's helpers/templates), with their numbers formatted exactly as Go's
// fmt does, so that an annotation reads the same here as in Prometheus.

import {
  anyMap,
  compareStrings,
  formatFloat,
  GoDuration,
  GoTime,
  goTypeName,
  parseGoFloat,
  queryEscape,
  sprintf,
  stringMap,
  structField,
} from '@metrics-hub/go-format';
import { expectString, signature, type FuncContext, type TemplateFunction } from '@metrics-hub/go-template';
import { matchString, replaceAll } from './regexp.ts';
import { stripDomain, stripPort, title, toLower, toUpper } from './strings.ts';

/** One element of a query result, as the injected query callback returns it. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusFuncOptions {
  /** Runs an instant query for `query "expr"`; without it, `query` fails with a clear error. */
  query?: ((expr: string) => readonly QuerySample[]) | undefined;
  /** The URL pathPrefix and externalURL give; otherwise the data's ExternalURL field. */
  externalURL?: string | undefined;
}

/** A query result element as templates see it: .Labels and .Value (Prometheus's *sample). */
export class Sample {
  static readonly goTypeName = '*template.sample';
  constructor(
    readonly Labels: Record<string, string>,
    readonly Value: number,
  ) {}
}

/** The result of `query` (Prometheus's queryResult): a slice of samples. */
export class QueryResult extends Array<Sample> {
  static readonly goTypeName = 'template.queryResult';
}

/** common_templates.ConvertToFloat: numbers, numeric strings (strconv.ParseFloat), ints, durations. */
export function toFloat(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'string':
      return parseGoFloat(v);
    case 'bigint':
      return Number(v);
  }
  if (v instanceof GoDuration) return v.Seconds();
  throw new Error(`can't convert ${goTypeName(v)} to float`);
}

const g4 = (v: number, suffix = '') => sprintf('%.4g%s', [v, suffix]);

export function humanize(i: unknown): string {
  let v = toFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

export function humanize1024(i: unknown): string {
  let v = toFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

export function humanizeDuration(i: unknown): string {
  let v = toFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    // Go's int64(v) truncates; from a minute up, seconds show as an integer.
    const duration = BigInt(Math.trunc(v));
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 3600n) % 24n;
    const days = duration / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return sprintf('%s%.4gs', [sign, v]);
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return sprintf('%.4g%ss', [v, prefix]);
}

export function humanizePercentage(i: unknown): string {
  return sprintf('%.4g%%', [toFloat(i) * 100]);
}

/** Unix seconds to a time, truncated to milliseconds as Prometheus's model.Time is. */
export function floatToTime(v: number): GoTime {
  if (!Number.isFinite(v)) throw new Error('value is NaN or Inf');
  const ns = v * 1e9;
  if (ns > 2 ** 63 || ns < -(2 ** 63)) {
    throw new Error(`${formatFloat(v, 'g', -1)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  const ms = BigInt(Math.trunc(ns)) / 1_000_000n;
  return new GoTime(ms * 1_000_000n);
}

export function humanizeTimestamp(i: unknown): string {
  const v = toFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  return floatToTime(v).String();
}

const DURATION_UNITS: [string, bigint][] = [
  ['y', 365n * 24n * 3600n * 1000n],
  ['w', 7n * 24n * 3600n * 1000n],
  ['d', 24n * 3600n * 1000n],
  ['h', 3600n * 1000n],
  ['m', 60n * 1000n],
  ['s', 1000n],
  ['ms', 1n],
];

/** Prometheus's duration syntax (model.ParseDuration: "1d2h", "90s", "0"), in seconds. */
export function parseDuration(d: string): number {
  if (d === '0') return 0;
  if (d === '') throw new Error('empty duration string');
  const invalid = () => new Error(`not a valid duration string: ${JSON.stringify(d)}`);
  let rest = d;
  let ms = 0n;
  let last = -1;
  while (rest !== '') {
    const m = /^([0-9]+)([^0-9]*)/.exec(rest);
    if (!m || m[2] === '') throw invalid();
    const unit = DURATION_UNITS.findIndex(([u]) => u === m[2]);
    if (unit < 0) throw new Error(`unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(d)}`);
    // Units go from the largest to the smallest, each at most once.
    if (unit <= last) throw invalid();
    last = unit;
    ms += BigInt(m[1]) * DURATION_UNITS[unit][1];
    if (ms * 1_000_000n > 2n ** 63n - 1n) throw new Error('duration out of range');
    rest = rest.slice(m[0].length);
  }
  return Number(ms * 1_000_000n) / 1e9;
}

/** The external URL: configured, or the ExternalURL the alert data carries. */
function externalURLOf(options: PrometheusFuncOptions, ctx: FuncContext | undefined): string {
  if (options.externalURL !== undefined) return options.externalURL;
  const data = ctx?.data;
  if (typeof data !== 'object' || data === null) return '';
  const field = data instanceof Map ? data.get('ExternalURL') : structField(data, 'ExternalURL').value;
  return typeof field === 'string' ? field : '';
}

/** url.URL.Path: the unescaped path of an absolute or relative URL. */
function urlPath(url: string): string {
  const m = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?:\/\/[^/?#]*)?([^?#]*)/.exec(url);
  try {
    return decodeURIComponent(m?.[1] ?? '');
  } catch {
    return m?.[1] ?? '';
  }
}

function sample(v: unknown, fn: string): Sample {
  if (!(v instanceof Sample)) throw new Error(`${fn}: expected a query result sample, got ${goTypeName(v)}`);
  return v;
}

function samples(v: unknown, fn: string): Sample[] {
  if (!Array.isArray(v) || !v.every((s) => s instanceof Sample)) throw new Error(`${fn}: expected a query result, got ${goTypeName(v)}`);
  return v;
}

/** Prometheus's template functions, with a query engine and an external URL when given. */
export function prometheusFuncs(options: PrometheusFuncOptions = {}): Record<string, TemplateFunction> {
  return {
    query: signature(1, (expr: unknown) => {
      if (!options.query) throw new Error('no query engine is available to this template');
      const result = options.query(expectString(expr));
      return QueryResult.from(result, (s) => new Sample(stringMap({ ...s.labels }), s.value));
    }),
    first: signature(1, (v: unknown) => {
      const list = samples(v, 'first');
      if (list.length === 0) throw new Error('first() called on vector with no elements');
      return list[0];
    }),
    label: signature(2, (name: unknown, s: unknown) => sample(s, 'label').Labels[expectString(name)] ?? ''),
    value: signature(1, (s: unknown) => sample(s, 'value').Value),
    strvalue: signature(1, (s: unknown) => sample(s, 'strvalue').Labels.__value__ ?? ''),
    sortByLabel: signature(2, (name: unknown, v: unknown) => {
      const label = expectString(name);
      // Sorted in place and stable, as Go's sort.Stable over the same slice.
      return samples(v, 'sortByLabel').sort((a, b) => compareStrings(a.Labels[label] ?? '', b.Labels[label] ?? ''));
    }),
    args: signature(0, (...args: unknown[]) => anyMap(Object.fromEntries(args.map((a, i) => [`arg${i}`, a]))), true),
    reReplaceAll: signature(3, (pattern: unknown, repl: unknown, text: unknown) =>
      replaceAll(expectString(pattern), expectString(repl), expectString(text)),
    ),
    safeHtml: signature(1, (text: unknown) => expectString(text)),
    match: signature(2, (pattern: unknown, text: unknown) => matchString(expectString(pattern), expectString(text))),
    title: signature(1, (s: unknown) => title(expectString(s), false)),
    toUpper: signature(1, (s: unknown) => toUpper(expectString(s))),
    toLower: signature(1, (s: unknown) => toLower(expectString(s))),
    graphLink: signature(1, (expr: unknown) => `/graph?g0.expr=${queryEscape(expectString(expr))}&g0.tab=0`),
    tableLink: signature(1, (expr: unknown) => `/graph?g0.expr=${queryEscape(expectString(expr))}&g0.tab=1`),
    stripPort: signature(1, (s: unknown) => stripPort(expectString(s))),
    stripDomain: signature(1, (s: unknown) => stripDomain(expectString(s))),
    humanize: signature(1, humanize),
    humanize1024: signature(1, humanize1024),
    humanizeDuration: signature(1, humanizeDuration),
    humanizePercentage: signature(1, humanizePercentage),
    humanizeTimestamp: signature(1, humanizeTimestamp),
    toTime: signature(1, (i: unknown) => floatToTime(toFloat(i))),
    pathPrefix: signature(0, function (this: FuncContext | undefined) {
      return urlPath(externalURLOf(options, this));
    }),
    externalURL: signature(0, function (this: FuncContext | undefined) {
      return externalURLOf(options, this);
    }),
    parseDuration: signature(1, (d: unknown) => parseDuration(expectString(d))),
  };
}

/** Prometheus's functions without a query engine (query fails; URLs come from the data). */
export const PROMETHEUS_FUNCS: Readonly<Record<string, TemplateFunction>> = Object.freeze(prometheusFuncs());
