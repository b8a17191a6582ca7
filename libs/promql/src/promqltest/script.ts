// Reads Prometheus's promqltest scripts (`load`, `clear`, `eval instant|range`, expected
// results and `expect` lines) into commands. The format is upstream's
// promql/promqltest/README.md; points that are native histograms (`{{...}}`) are kept as
// markers so the runner can skip what reads them.

export interface SeriesPoints {
  /** The series as written: `name{label="value"}` or `{...}`. */
  selector: string;
  labels: Record<string, string>;
  /** One entry per step: a number, 'stale', null (missing) or 'histogram'. */
  points: (number | 'stale' | 'histogram' | null)[];
}

export type Command =
  | { kind: 'load'; line: number; intervalMs: number; series: SeriesPoints[]; nativeFromClassic: boolean }
  | { kind: 'clear'; line: number }
  | { kind: 'eval'; line: number; eval: EvalCase };

export interface EvalCase {
  query: string;
  line: number;
  instant: boolean;
  atMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  expectFail: { message?: string; regex?: RegExp } | undefined;
  ordered: boolean;
  warn: boolean | undefined;
  info: boolean | undefined;
  /** `expect range vector from ... to ... step ...` on an instant query. */
  rangeVector: { startMs: number; endMs: number; stepMs: number } | undefined;
  /** Expected series (instant: one point; range: points per step), or a scalar / string. */
  expected: SeriesPoints[];
  expectedScalar: number | undefined;
  expectedString: string | undefined;
  /** True when an expected value is a native histogram: such cases are out of scope. */
  readsHistograms: boolean;
}

import { unquoteString } from '../parser.ts';

const DURATION = /^(-?)((\d+(\.\d+)?)(y|w|d|h|m|s|ms)?)+$/;

export function parseDurationMs(text: string): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!DURATION.test(t)) throw new Error(`bad duration ${JSON.stringify(text)}`);
  const sign = t.startsWith('-') ? -1 : 1;
  const units: Record<string, number> = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let ms = 0;
  for (const m of t.replace(/^-/, '').matchAll(/(\d+(?:\.\d+)?)(ms|y|w|d|h|m|s)/g)) ms += Number(m[1]) * units[m[2]];
  return sign * ms;
}

/** `name{a="b"}` -> labels. */
export function parseSeriesSelector(text: string): Record<string, string> {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:.]*)?\s*(\{(.*)\})?$/s.exec(text.trim());
  if (!m) throw new Error(`bad series ${JSON.stringify(text)}`);
  const labels: Record<string, string> = {};
  if (m[1]) labels.__name__ = m[1];
  const body = m[3] ?? '';
  const re = /\s*("(?:[^"\\]|\\.)*"|[a-zA-Z_][a-zA-Z0-9_.]*)\s*(?:=\s*("(?:[^"\\]|\\.)*"))?\s*,?/gy;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const lm = re.exec(body);
    if (!lm || lm[0] === '') throw new Error(`bad labels in ${JSON.stringify(text)}`);
    const name = lm[1].startsWith('"') ? (JSON.parse(lm[1]) as string) : lm[1];
    if (lm[2] === undefined) labels.__name__ = name;
    else labels[name] = JSON.parse(lm[2].replace(/\\([^"\\nt])/g, '\\\\$1')) as string;
    pos = re.lastIndex;
  }
  return labels;
}

/** Splits a series line into its selector and its value text (labels may contain spaces). */
function splitSeriesLine(line: string): [string, string] {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (/\s/.test(c) && depth === 0) return [line.slice(0, i), line.slice(i).trim()];
  }
  return [line, ''];
}

/** Expands `1+2x3 _ stale 5x2 {{...}}` into points. */
export function expandValues(text: string): (number | 'stale' | 'histogram' | null)[] {
  const out: (number | 'stale' | 'histogram' | null)[] = [];
  const tokens = tokenizeValues(text);
  for (const tok of tokens) {
    if (tok.includes('{{')) {
      const rep = /}}x(\d+)$/.exec(tok);
      const n = rep ? Number(rep[1]) + 1 : 1;
      for (let i = 0; i < n; i++) out.push('histogram');
      continue;
    }
    if (tok === '_') {
      out.push(null);
      continue;
    }
    if (tok === 'stale') {
      out.push('stale');
      continue;
    }
    const blank = /^_x(\d+)$/.exec(tok);
    if (blank) {
      for (let i = 0; i < Number(blank[1]); i++) out.push(null);
      continue;
    }
    const m = /^([-+]?(?:[0-9.]+(?:e[-+]?\d+)?|Inf|NaN|inf|nan))(?:([-+])([0-9.]+(?:e[-+]?\d+)?|Inf|inf))?x(\d+)$/i.exec(tok);
    if (m) {
      const start = parseValue(m[1]);
      const delta = m[2] ? (m[2] === '-' ? -1 : 1) * parseValue(m[3]) : 0;
      const times = Number(m[4]);
      // Upstream accumulates by repeated addition, so the last digits follow that path.
      let v = start;
      for (let i = 0; i <= times; i++) {
        out.push(v);
        v += delta;
      }
      continue;
    }
    out.push(parseValue(tok));
  }
  return out;
}

function tokenizeValues(text: string): string[] {
  // A token runs to the next blank outside `{{ }}` (histogram points contain blanks).
  const out: string[] = [];
  let token = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    if (/\s/.test(c) && depth === 0) {
      if (token) out.push(token);
      token = '';
    } else token += c;
  }
  if (token) out.push(token);
  return out;
}

export function parseValue(tok: string): number {
  const t = tok.toLowerCase().replace(/^\+/, '');
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan' || t === '-nan') return NaN;
  if (/^-?0x[0-9a-f]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace('-', ''), 16);
  const v = Number(t);
  if (Number.isNaN(v)) throw new Error(`bad value ${JSON.stringify(tok)}`);
  return v;
}

export function parseScript(text: string): Command[] {
  const lines = text.split('\n');
  const commands: Command[] = [];
  let i = 0;
  const body = (): { text: string; line: number }[] => {
    const out: { text: string; line: number }[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i])) {
      const t = lines[i].trim();
      if (!t.startsWith('#')) out.push({ text: t, line: i + 1 });
      i++;
    }
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i];
    const line = i + 1;
    const t = raw.trim();
    i++;
    if (t === '' || t.startsWith('#')) continue;
    let m: RegExpExecArray | null;
    if ((m = /^(load|load_with_nhcb)\s+(\S+)$/.exec(t))) {
      const intervalMs = parseDurationMs(m[2]);
      const series = body().map(({ text: l }) => {
        const [sel, values] = splitSeriesLine(l);
        return { selector: sel, labels: parseSeriesSelector(sel), points: expandValues(values) };
      });
      commands.push({ kind: 'load', line, intervalMs, series, nativeFromClassic: m[1] === 'load_with_nhcb' });
    } else if (t === 'clear') {
      commands.push({ kind: 'clear', line });
    } else if ((m = /^(eval|eval_fail|eval_ordered|eval_warn|eval_info)\s+(instant|range)\s+(.*)$/.exec(t))) {
      commands.push({ kind: 'eval', line, eval: parseEval(m[1], m[2] === 'instant', m[3], line, body()) });
    } else {
      throw new Error(`line ${line}: unknown command ${JSON.stringify(t)}`);
    }
  }
  return commands;
}

function parseEval(variant: string, instant: boolean, rest: string, line: number, lines: { text: string; line: number }[]): EvalCase {
  const c: EvalCase = {
    query: '',
    line,
    instant,
    atMs: 0,
    startMs: 0,
    endMs: 0,
    stepMs: 0,
    expectFail: variant === 'eval_fail' ? {} : undefined,
    ordered: variant === 'eval_ordered',
    warn: variant === 'eval_warn' ? true : undefined,
    info: variant === 'eval_info' ? true : undefined,
    rangeVector: undefined,
    expected: [],
    expectedScalar: undefined,
    expectedString: undefined,
    readsHistograms: false,
  };
  let m: RegExpExecArray | null;
  if (instant) {
    m = /^at\s+(\S+)\s+(.*)$/.exec(rest);
    if (!m) throw new Error(`line ${line}: bad eval instant`);
    c.atMs = parseDurationMs(m[1]);
    c.query = m[2];
  } else {
    m = /^from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$/.exec(rest);
    if (!m) throw new Error(`line ${line}: bad eval range`);
    c.startMs = parseDurationMs(m[1]);
    c.endMs = parseDurationMs(m[2]);
    c.stepMs = parseDurationMs(m[3]);
    c.query = m[4];
  }
  for (const { text } of lines) {
    const e = /^expect\s+(\S+)(?:\s+(.*))?$/.exec(text);
    if (e) {
      const arg = e[2]?.trim();
      switch (e[1]) {
        case 'fail': {
          c.expectFail = {};
          const msg = arg && /^msg:\s?(.*)$/.exec(arg);
          const re = arg && /^regex:\s?(.*)$/.exec(arg);
          if (msg) c.expectFail.message = msg[1].trim();
          if (re) c.expectFail.regex = new RegExp(re[1].trim());
          break;
        }
        case 'ordered':
          c.ordered = true;
          break;
        case 'warn':
          c.warn = true;
          break;
        case 'no_warn':
          c.warn = false;
          break;
        case 'info':
          c.info = true;
          break;
        case 'no_info':
          c.info = false;
          break;
        case 'range': {
          const r = /^vector from (\S+) to (\S+) step (\S+)$/.exec(arg ?? '');
          if (!r) throw new Error(`line ${line}: bad expect range vector`);
          c.rangeVector = { startMs: parseDurationMs(r[1]), endMs: parseDurationMs(r[2]), stepMs: parseDurationMs(r[3]) };
          break;
        }
        case 'string':
          c.expectedString = unquoteString(arg ?? '""');
          break;
        default:
          throw new Error(`line ${line}: unknown expect ${e[1]}`);
      }
      continue;
    }
    if (/^[-+]?(\d|Inf|NaN|inf|nan|\.)/.test(text) && !text.includes('{')) {
      c.expectedScalar = parseValue(text.split(/\s+/)[0]);
      continue;
    }
    if (text.startsWith('"') || text.startsWith('`')) {
      c.expectedString = unquoteString(text);
      continue;
    }
    const [sel, values] = splitSeriesLine(text);
    const points = expandValues(values);
    if (points.includes('histogram')) c.readsHistograms = true;
    c.expected.push({ selector: sel, labels: parseSeriesSelector(sel), points });
  }
  return c;
}
