// A tolerant, incremental parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0
// text. One line at a time: a line that cannot be read is reported (line, column, what was
// wrong and what was expected) and skipped; everything else is kept. Linear in the input:
// lines are found with indexOf over each chunk once, a line over the length limit is
// counted but never assembled, and no lookup grows with anything but the family count.

import { type ExpositionFormat, formatFromContentType } from './format.ts';
import { isLegacyMetricName, quote, unescapeText } from './names.ts';
import {
  OUT_OF_RANGE,
  parseFloatRange,
  parseFloatText,
  parseIntegerTimestampRange,
  parseSecondsTimestamp,
  parseSecondsTimestampRange,
} from './numbers.ts';
import { readPlainSample, type PlainSample } from './plain-sample.ts';

// In browsers and Node alike; the ES library types this package compiles with do not declare them.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: {
  new (label?: string): { decode(b?: Uint8Array, options?: { stream?: boolean }): string };
};
const textEncoder = new TextEncoder();
import type { MetricFamily, MetricSample, MetricType } from './model.ts';

export interface ParseProblem {
  /** 1-based line number. */
  line: number;
  /** 1-based column (in characters) where the line stops making sense, when there is one. */
  column?: number;
  /** The line (its first 200 characters). */
  text: string;
  /** What is wrong and what was expected. */
  message: string;
}

export interface ParseResult {
  families: MetricFamily[];
  problems: ParseProblem[];
  /** Samples kept. */
  samples: number;
  format: ExpositionFormat;
}

export interface ParseOptions {
  /** The format; by default from `contentType`, else the Prometheus text format. */
  format?: ExpositionFormat;
  /** A Content-Type header value to take the format from (see `formatFromContentType`). */
  contentType?: string;
  /** Problems listed at most (default 100); one more entry says when others were left out. */
  maxProblems?: number;
  /** Longer lines are reported and skipped without being assembled (default 65536 characters). */
  maxLineLength?: number;
  /**
   * Consecutive samples of one series (a file of history: a series' lines one after the
   * other) share one labels object, read once: the caller must not change it.
   */
  shareLabels?: boolean;
}

export const DEFAULT_MAX_PROBLEMS = 100;
export const DEFAULT_MAX_LINE_LENGTH = 65536;
const TEXT_MAX = 200;

const PROMETHEUS_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
]);
const OPENMETRICS_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['gaugehistogram', 'gaugehistogram'],
  ['stateset', 'stateset'],
  ['info', 'info'],
  ['summary', 'summary'],
  ['unknown', 'unknown'],
]);
const PROMETHEUS_TYPE_LIST = 'counter, gauge, histogram, summary or untyped';
const OPENMETRICS_TYPE_LIST = 'counter, gauge, histogram, gaugehistogram, stateset, info, summary or unknown';

const NO_SUFFIXES: readonly string[] = [];
const ALL_SUFFIXES: readonly string[] = ['_total', '_created', '_bucket', '_sum', '_count', '_gsum', '_gcount', '_info'];

/** The sample name suffixes a family of a type owns besides its own name. */
function suffixesOf(type: MetricType, om: boolean): readonly string[] {
  switch (type) {
    case 'counter':
      return om ? ['_total', '_created'] : ['_total'];
    case 'histogram':
      return om ? ['_bucket', '_sum', '_count', '_created'] : ['_bucket', '_sum', '_count'];
    case 'gaugehistogram':
      return ['_bucket', '_gsum', '_gcount'];
    case 'summary':
      return om ? ['_sum', '_count', '_created'] : ['_sum', '_count'];
    case 'info':
      return ['_info'];
    default:
      return NO_SUFFIXES;
  }
}

/** What is remembered of every family seen, to spot one that appears again. */
interface Seen {
  base: string;
  name: string;
  type: MetricType;
  help: string;
  unit: string;
  firstLine: number;
}

/** The family being read. */
interface Current {
  fam: MetricFamily;
  /** The name on its metadata lines: OpenMetrics counters and infos have no `_total`/`_info` there. */
  base: string;
  suffixes: readonly string[];
  typed: boolean;
  helped: boolean;
  united: boolean;
  seen: Seen;
  /** Whether it was compared with earlier families' names yet. */
  checked: boolean;
  /** Where it starts. */
  line: string;
  lineNo: number;
  /** Samples kept so far, including those already handed over by `takeOpenSamples`. */
  sampled: number;
  /** The last sample name found to belong (most lines repeat the one before). */
  member: string;
}

const INTERN_SIZE = 4096;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const EQUALS = 61;

// Character classes, local to this module so the hot loops make no cross-module calls.
const METRIC_START = 1;
const METRIC_CHAR = 2;
const LABEL_START = 4;
const LABEL_CHAR = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  const digit = c >= 48 && c <= 57;
  CLASS[c] =
    (letter || c === 58 ? METRIC_START | METRIC_CHAR : 0) |
    (digit || c === 58 ? METRIC_CHAR : 0) |
    (letter ? LABEL_START | LABEL_CHAR : 0) |
    (digit ? LABEL_CHAR : 0);
}
function isMetricNameStart(c: number): boolean {
  return c < 128 && (CLASS[c] & METRIC_START) !== 0;
}
function isMetricNameChar(c: number): boolean {
  return c < 128 && (CLASS[c] & METRIC_CHAR) !== 0;
}
function isLabelNameStart(c: number): boolean {
  return c < 128 && (CLASS[c] & LABEL_START) !== 0;
}
function isLabelNameChar(c: number): boolean {
  return c < 128 && (CLASS[c] & LABEL_CHAR) !== 0;
}

function isWs(c: number): boolean {
  return c === SPACE || c === TAB;
}

function skipWs(line: string, i: number): number {
  while (i < line.length && isWs(line.charCodeAt(i))) i++;
  return i;
}

function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** 1-based column in code points of UTF-16 index `idx`. */
function columnOf(line: string, idx: number): number {
  let col = 1;
  const end = Math.min(idx, line.length);
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = line.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    col++;
  }
  return col;
}

function clip(line: string): string {
  if (line.length <= TEXT_MAX) return line;
  let end = TEXT_MAX;
  const c = line.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${line.slice(0, end)}…`;
}

/** What a token found where it was not expected looks like in a message. */
function found(line: string, i: number): string {
  if (i >= line.length) return 'the end of the line';
  const cp = line.codePointAt(i) ?? 0;
  return quote(String.fromCodePoint(cp));
}

/** The whitespace-delimited token at `i`, for messages. */
function tokenAt(line: string, i: number): string {
  let j = i;
  while (j < line.length && !isWs(line.charCodeAt(j))) j++;
  return line.slice(i, j);
}

/**
 * Incremental parser: `push` text in chunks of any size (split anywhere, even inside a
 * line or between CR and LF) and get back the families completed so far; `end` returns
 * the families still open, every problem and the sample count. The families from all
 * `push` calls followed by those from `end` equal what `parseExposition` returns for the
 * whole text, line numbers included.
 */
export class ExpositionParser {
  readonly format: ExpositionFormat;
  private readonly om: boolean;
  private readonly maxProblems: number;
  private readonly maxLineLength: number;
  private readonly types: Map<string, MetricType>;
  private readonly problems: ParseProblem[] = [];
  private problemCount = 0;
  private samples = 0;
  private lineNo = 0;
  private completed: MetricFamily[] = [];
  private cur: Current | null = null;
  // Families seen so far, by final name and by metadata name.
  private readonly byName = new Map<string, Seen>();
  private readonly byBase = new Map<string, Seen>();
  private ended = false;
  // A line split across chunks.
  private pending: string[] = [];
  private pendingLen = 0;
  private overflow = false;
  private overflowText = '';
  // One-time reports and the end of an OpenMetrics exposition.
  private crReported = false;
  private sawEof = false;
  private afterEofReported = false;
  // Scratch state of the line being read: position, failure, parsed sample.
  private pos = 0;
  private err = '';
  private errAt = -1;
  private quotedName: string | undefined = undefined;
  private note = '';
  private noteAt = -1;
  // Strings of the previous sample line, reused when the next line repeats them: fewer
  // allocations, and the families share one copy of each repeated name and value.
  private prevName = '\u0000';
  private readonly prevLabelNames: string[] = [];
  private readonly prevLabelValues: string[] = [];
  // Label values seen recently, by a hash of their text: a repeated value costs no
  // allocation and all its samples share one string.
  private readonly interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SIZE);
  // With shareLabels: the name-and-labels text of the previous sample line, its name and
  // labels. A line that starts with the same text (then a space) is the same series.
  private readonly shareLabels: boolean;
  private seriesText = '';
  private seriesName = '';
  private seriesLabels: Record<string, string> = {};
  // Whether the line just read was a sample of that series, kept: a next line of the same
  // series then passes the same checks, and pushBytes may keep it without them.
  private seriesKept = false;
  // pushBytes: the decoder of the lines it hands to the text path, the series text as
  // bytes, whether the last piece ended inside a line, and the value and time it read.
  private readonly decoder = new TextDecoder('utf-8');
  private seriesBytes: Uint8Array = new Uint8Array(0);
  private seriesBytesOf = '';
  private midLine = false;
  private readonly plain: PlainSample = { value: 0, timestampMs: undefined };

  constructor(options: ParseOptions = {}) {
    this.format = options.format ?? formatFromContentType(options.contentType);
    this.om = this.format === 'openmetrics';
    this.types = this.om ? OPENMETRICS_TYPES : PROMETHEUS_TYPES;
    this.maxProblems = Math.max(0, Math.floor(options.maxProblems ?? DEFAULT_MAX_PROBLEMS));
    this.maxLineLength = Math.max(1, Math.floor(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH));
    this.shareLabels = options.shareLabels ?? false;
  }

  /** Feeds the next piece of text; returns the families it completed (maybe none). */
  push(chunk: string): MetricFamily[] {
    if (this.ended) throw new Error('ExpositionParser: push() after end()');
    this.text(chunk);
    return this.takeCompleted();
  }

  /**
   * `push` for UTF-8 bytes. With shareLabels, a line of the same series as the line before
   * with a plain value and timestamp (most lines of a file of history) is read from the
   * bytes, without decoding it; every other line is decoded and read as text.
   */
  pushBytes(bytes: Uint8Array): MetricFamily[] {
    if (this.ended) throw new Error('ExpositionParser: pushBytes() after end()');
    const n = bytes.length;
    let pos = 0;
    if (this.midLine) {
      const nl = bytes.indexOf(10);
      const to = nl < 0 ? n : nl + 1;
      this.text(this.decoder.decode(bytes.subarray(0, to), { stream: true }));
      this.midLine = nl < 0;
      pos = to;
    }
    while (pos < n) {
      const nl = bytes.indexOf(10, pos);
      if (nl < 0) {
        this.text(this.decoder.decode(bytes.subarray(pos), { stream: true }));
        this.midLine = true;
        break;
      }
      if (!this.repeatedLine(bytes, pos, nl)) this.text(this.decoder.decode(bytes.subarray(pos, nl + 1), { stream: true }));
      pos = nl + 1;
    }
    return this.takeCompleted();
  }

  /** Keeps the line in bytes[pos, nl) when it is a plain sample of the series just kept. */
  private repeatedLine(bytes: Uint8Array, pos: number, nl: number): boolean {
    if (!this.seriesKept || nl - pos > this.maxLineLength) return false;
    if (this.seriesBytesOf !== this.seriesText) {
      this.seriesBytes = textEncoder.encode(this.seriesText);
      this.seriesBytesOf = this.seriesText;
    }
    const series = this.seriesBytes;
    const len = series.length;
    if (nl - pos <= len) return false;
    // From the end: the labels that differ between neighbouring series come last.
    for (let k = len - 1; k >= 0; k--) if (bytes[pos + k] !== series[k]) return false;
    const c = bytes[pos + len];
    if (c !== 32 && c !== 9) return false;
    if (!readPlainSample(bytes, pos + len + 1, nl, this.om, this.plain)) return false;
    this.lineNo++;
    const sample: MetricSample = { name: this.seriesName, labels: this.seriesLabels, value: this.plain.value };
    if (this.plain.timestampMs !== undefined) sample.timestampMs = this.plain.timestampMs;
    const cur = this.cur!;
    cur.fam.samples.push(sample);
    cur.sampled++;
    this.samples++;
    return true;
  }

  private takeCompleted(): MetricFamily[] {
    const out = this.completed;
    this.completed = [];
    return out;
  }

  /** Reads the lines of a piece of text, holding back a last one without its line feed. */
  private text(chunk: string): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf('\n', pos);
      if (nl < 0) {
        this.hold(chunk, pos, n);
        break;
      }
      if (this.pendingLen > 0 || this.overflow) {
        const len = this.pendingLen + (nl - pos);
        if (this.overflow || len > this.maxLineLength) {
          const head = this.overflow ? this.overflowText : this.pending.join('');
          this.longLine(len, head.length > TEXT_MAX ? head : head + chunk.slice(pos, Math.min(nl, pos + TEXT_MAX + 1 - head.length)));
        } else {
          this.line(this.pending.join('') + chunk.slice(pos, nl));
        }
        this.pending = [];
        this.pendingLen = 0;
        this.overflow = false;
        this.overflowText = '';
      } else if (nl - pos > this.maxLineLength) {
        this.longLine(nl - pos, chunk.slice(pos, Math.min(nl, pos + TEXT_MAX + 1)));
      } else {
        this.line(chunk.slice(pos, nl));
      }
      pos = nl + 1;
    }
  }

  /**
   * The family still open and the samples it gained since the last call, which it then
   * forgets: a caller that streams one huge family (an import) need not hold it whole.
   * The same family object comes back from `push` or `end` when it closes, with only the
   * samples read after the last call.
   */
  takeOpenSamples(): { family: MetricFamily; samples: MetricSample[] } | undefined {
    const cur = this.cur;
    if (cur === null || cur.fam.samples.length === 0) return undefined;
    const samples = cur.fam.samples;
    cur.fam.samples = [];
    return { family: cur.fam, samples };
  }

  /** Ends the input: reads a last line without a line feed, closes the open family. */
  end(): ParseResult {
    if (this.ended) throw new Error('ExpositionParser: end() called twice');
    const rest = this.decoder.decode();
    if (rest) this.text(rest);
    if (this.overflow) this.longLine(this.pendingLen, this.overflowText);
    else if (this.pendingLen > 0) this.line(this.pending.join(''));
    this.pending = [];
    this.pendingLen = 0;
    this.finish();
    if (this.om && !this.sawEof) {
      this.report(this.lineNo + 1, '', 'missing # EOF: an OpenMetrics exposition must end with a "# EOF" line; the data may be truncated');
    }
    this.ended = true;
    // A family without samples is checked for a repeated name when it closes, possibly
    // after problems of later lines: keep the list in line order (the sort is stable).
    const last = this.problems.length > this.maxProblems ? this.problems.pop() : undefined;
    this.problems.sort((a, b) => a.line - b.line);
    if (last !== undefined) this.problems.push(last);
    const families = this.completed;
    this.completed = [];
    return { families, problems: this.problems, samples: this.samples, format: this.format };
  }

  // ---- lines -------------------------------------------------------------------------

  private hold(chunk: string, from: number, to: number): void {
    const add = to - from;
    if (this.overflow) {
      // Only the start of an over-long line is kept, for the report.
      if (this.overflowText.length <= TEXT_MAX)
        this.overflowText += chunk.slice(from, Math.min(to, from + TEXT_MAX + 1 - this.overflowText.length));
      this.pendingLen += add;
      return;
    }
    if (this.pendingLen + add > this.maxLineLength) {
      this.overflow = true;
      this.overflowText = (this.pending.join('') + chunk.slice(from, Math.min(to, from + TEXT_MAX + 1))).slice(0, TEXT_MAX + 1);
      this.pending = [];
      this.pendingLen += add;
      return;
    }
    this.pending.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
    this.pendingLen += add;
  }

  private longLine(length: number, text: string): void {
    const lineNo = ++this.lineNo;
    this.seriesKept = false;
    if (this.sawEof) return this.afterEof(lineNo, text);
    this.report(lineNo, text, `line too long: ${length} characters, more than the limit of ${this.maxLineLength}; line skipped`);
  }

  private afterEof(lineNo: number, text: string): void {
    if (this.afterEofReported) return;
    this.afterEofReported = true;
    this.report(lineNo, text, 'text after # EOF: an OpenMetrics exposition ends at its "# EOF" line; the rest is ignored');
  }

  private line(line: string): void {
    const lineNo = ++this.lineNo;
    this.seriesKept = false;
    let n = line.length;
    if (n > 0 && line.charCodeAt(n - 1) === 13) {
      line = line.slice(0, --n);
      if (!this.crReported) {
        this.crReported = true;
        this.report(lineNo, line, 'line ends with CR LF: the exposition formats use LF line endings; the CR is ignored (reported once)');
      }
    }
    if (lineNo === 1 && n > 0 && line.charCodeAt(0) === 0xfeff) {
      line = line.slice(1);
      n--;
    }
    if (this.sawEof) return this.afterEof(lineNo, line);
    const i = skipWs(line, 0);
    if (i === n) {
      if (this.om) this.report(lineNo, line, 'empty line: OpenMetrics has no empty lines; ignored');
      return;
    }
    if (line.charCodeAt(i) === HASH) this.comment(line, i, lineNo);
    else this.sampleLine(line, i, lineNo);
  }

  // ---- problems ----------------------------------------------------------------------

  private report(lineNo: number, line: string, message: string, at?: number): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) {
      const p: ParseProblem = { line: lineNo, text: clip(line), message };
      if (at !== undefined) p.column = columnOf(line, at);
      this.problems.push(p);
    } else if (this.problemCount === this.maxProblems + 1) {
      this.problems.push({ line: lineNo, text: '', message: `more than ${this.maxProblems} problems: the rest are not listed` });
    }
  }

  private fail(message: string, at: number): false {
    this.err = message;
    this.errAt = at;
    return false;
  }

  // ---- comments and metadata ---------------------------------------------------------

  private comment(line: string, i: number, lineNo: number): void {
    const n = line.length;
    const om = this.om;
    let j = i + 1;
    let keyword = '';
    let k = j;
    if (j < n && isWs(line.charCodeAt(j))) {
      j = skipWs(line, j);
      k = j;
      while (k < n && !isWs(line.charCodeAt(k))) k++;
      keyword = line.slice(j, k);
    }
    switch (keyword) {
      case 'HELP':
      case 'TYPE':
        return this.metadata(line, keyword, k, lineNo);
      case 'UNIT':
        if (om) return this.metadata(line, keyword, k, lineNo);
        return; // a comment in the Prometheus text format
      case 'EOF':
        if (!om) return;
        this.sawEof = true;
        if (skipWs(line, k) < n)
          this.report(lineNo, line, 'text after # EOF on its line: expected "# EOF" alone; taken as the end', skipWs(line, k));
        return;
      default:
        if (om)
          this.report(
            lineNo,
            line,
            'comment line: OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF" lines to start with #; ignored',
            i,
          );
    }
  }

  private metadata(line: string, keyword: 'HELP' | 'TYPE' | 'UNIT', k: number, lineNo: number): void {
    const n = line.length;
    k = skipWs(line, k);
    if (k >= n)
      return this.report(
        lineNo,
        line,
        `${keyword} line without a metric name: expected "# ${keyword} <metric name> <${keyword.toLowerCase()}>"`,
        k,
      );
    let name: string;
    if (line.charCodeAt(k) === QUOTE) {
      const q = this.readQuoted(line, k);
      if (q === undefined) return this.report(lineNo, line, `unterminated quoted metric name in ${keyword} line: no closing '"'`, k);
      if (q === '') return this.report(lineNo, line, `empty metric name in ${keyword} line`, k);
      name = q;
      k = this.pos;
    } else {
      let m = k;
      while (m < n && !isWs(line.charCodeAt(m))) m++;
      name = line.slice(k, m);
      if (!isLegacyMetricName(name)) {
        let bad = k;
        while (bad < m && (bad === k ? isMetricNameStart(line.charCodeAt(bad)) : isMetricNameChar(line.charCodeAt(bad)))) bad++;
        return this.report(
          lineNo,
          line,
          `invalid metric name ${quote(name)} in ${keyword} line: expected [a-zA-Z_:][a-zA-Z0-9_:]*, or the name in double quotes`,
          bad,
        );
      }
      k = m;
    }
    let text = '';
    if (k < n) {
      if (!isWs(line.charCodeAt(k)))
        return this.report(lineNo, line, `expected a space after the metric name in ${keyword} line, found ${found(line, k)}`, k);
      text = line.slice(k + 1);
    }
    if (keyword === 'HELP') return this.applyMeta(keyword, name, unescapeText(text, this.om), line, lineNo);
    const value = trimWs(text);
    if (keyword === 'TYPE') {
      const list = this.om ? OPENMETRICS_TYPE_LIST : PROMETHEUS_TYPE_LIST;
      if (value === '') return this.report(lineNo, line, `TYPE line without a type: expected ${list}`, n);
      const type = this.types.get(value);
      if (type === undefined) return this.report(lineNo, line, `unknown metric type ${quote(value)}: expected ${list}`, skipWs(line, k));
      return this.applyMeta(keyword, name, type, line, lineNo);
    }
    for (let i = 0; i < value.length; i++) {
      if (!isMetricNameChar(value.charCodeAt(i)))
        return this.report(lineNo, line, `invalid unit ${quote(value)}: expected letters, digits, "_" and ":"`, skipWs(line, k));
    }
    if (
      value !== '' &&
      !(name.length > value.length + 1 && name.endsWith(value) && name.charCodeAt(name.length - value.length - 1) === 95)
    ) {
      return this.report(
        lineNo,
        line,
        `unit ${quote(value)} is not a suffix of metric ${quote(name)}: the name must end with "_${value}"`,
        skipWs(line, k),
      );
    }
    this.applyMeta(keyword, name, value, line, lineNo);
  }

  private applyMeta(keyword: 'HELP' | 'TYPE' | 'UNIT', name: string, value: string, line: string, lineNo: number): void {
    let cur = this.cur;
    let same = cur !== null && (name === cur.base || name === cur.fam.name);
    if (same && cur !== null && this.om && keyword === 'TYPE' && cur.sampled > 0) {
      // In OpenMetrics a descriptor after samples opens the next family. Go clients write
      // the gauge go_memstats_alloc_bytes and then the counter go_memstats_alloc_bytes_total,
      // whose TYPE line names it go_memstats_alloc_bytes too.
      same = false;
    }
    if (same && cur !== null) {
      const what = `${keyword} line for ${quote(name)}`;
      const sampled = cur.sampled > 0;
      if (keyword === 'TYPE') {
        if (cur.typed) return this.report(lineNo, line, `second ${what}: a family has one TYPE line; line ignored`);
        if (sampled)
          return this.report(lineNo, line, `${what} after its samples: TYPE must come before the family's first sample; line ignored`);
      } else if (keyword === 'HELP') {
        if (cur.helped) return this.report(lineNo, line, `second ${what}: a family has one HELP line; line ignored`);
        if (sampled && this.om)
          return this.report(lineNo, line, `${what} after its samples: OpenMetrics metadata must come before the samples; line ignored`);
      } else {
        if (cur.united) return this.report(lineNo, line, `second ${what}: a family has one UNIT line; line ignored`);
        if (sampled)
          return this.report(lineNo, line, `${what} after its samples: OpenMetrics metadata must come before the samples; line ignored`);
      }
    } else {
      this.finish();
      cur = this.start(name, lineNo, line, undefined);
    }
    if (cur === null) return;
    if (keyword === 'TYPE') {
      cur.typed = true;
      this.setType(cur, value as MetricType);
    } else if (keyword === 'HELP') {
      cur.helped = true;
      cur.fam.help = value;
    } else {
      cur.united = true;
      cur.fam.unit = value;
    }
  }

  private setType(cur: Current, type: MetricType): void {
    cur.fam.type = type;
    cur.suffixes = suffixesOf(type, this.om);
    cur.member = '';
    // MetricFamily.name is the Prometheus text format's TYPE-line name: OpenMetrics
    // counters and infos take the suffix their samples carry.
    if (this.om) cur.fam.name = type === 'counter' ? `${cur.base}_total` : type === 'info' ? `${cur.base}_info` : cur.base;
  }

  // ---- families ----------------------------------------------------------------------

  /**
   * Opens a family. `prev`: the earlier family a sample belongs to, reported at once; any
   * other family is checked against earlier ones by name once its name is final (at its
   * first sample, or when it closes without samples).
   */
  private start(base: string, lineNo: number, line: string, prev: Seen | undefined): Current {
    const fam: MetricFamily = { name: base, type: 'unknown', help: '', unit: '', samples: [] };
    const seen: Seen = { base, name: base, type: 'unknown', help: '', unit: '', firstLine: lineNo };
    const cur: Current = {
      fam,
      base,
      suffixes: NO_SUFFIXES,
      typed: false,
      helped: false,
      united: false,
      seen,
      checked: false,
      line,
      lineNo,
      sampled: 0,
      member: '',
    };
    if (prev !== undefined) {
      fam.help = prev.help;
      fam.unit = prev.unit;
      this.setType(cur, prev.type);
      fam.name = prev.name;
      this.checkRepeat(cur, lineNo, line);
    }
    this.byBase.set(base, seen);
    this.cur = cur;
    return cur;
  }

  /** Reports a family whose name an earlier family had, then remembers the name. */
  private checkRepeat(cur: Current, lineNo: number, line: string): void {
    cur.checked = true;
    const name = cur.fam.name;
    const earlier = this.byName.get(name);
    if (earlier !== undefined) {
      cur.seen.firstLine = earlier.firstLine;
      this.report(
        lineNo,
        line,
        `family ${quote(name)} appears again (first at line ${earlier.firstLine}): the lines of a family must be contiguous; kept as a separate family`,
      );
    }
    this.byName.set(name, cur.seen);
  }

  private finish(): void {
    const cur = this.cur;
    if (cur === null) return;
    const { fam, seen } = cur;
    if (!cur.checked) this.checkRepeat(cur, cur.lineNo, cur.line);
    seen.name = fam.name;
    seen.type = fam.type;
    seen.help = fam.help;
    seen.unit = fam.unit;
    this.completed.push(fam);
    this.cur = null;
  }

  /** The earlier family a sample name belongs to, if any. */
  private lookupSeen(name: string): Seen | undefined {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    for (const suffix of ALL_SUFFIXES) {
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const s = this.byBase.get(name.slice(0, name.length - suffix.length));
        if (s !== undefined && suffixesOf(s.type, this.om).includes(suffix)) return s;
      }
    }
    return undefined;
  }

  private belongs(name: string, cur: Current): boolean {
    const base = cur.base;
    if (name === base || name === cur.member) return true;
    const suffixes = cur.suffixes;
    if (suffixes.length === 0 || name.length <= base.length || !name.startsWith(base)) return false;
    for (let i = 0; i < suffixes.length; i++) {
      const s = suffixes[i];
      if (name.length === base.length + s.length && name.endsWith(s)) {
        cur.member = name;
        return true;
      }
    }
    return false;
  }

  // ---- samples -----------------------------------------------------------------------

  private sampleLine(line: string, i: number, lineNo: number): void {
    const sample = this.parseSample(line, i);
    if (sample === undefined) return this.report(lineNo, line, this.err, this.errAt);
    const labels = sample.labels;
    if (this.note !== '') {
      this.report(lineNo, line, this.note, this.noteAt);
      this.note = '';
    }
    const name = sample.name;
    let cur = this.cur;
    if (cur === null || !this.belongs(name, cur)) {
      this.finish();
      const prev = this.lookupSeen(name);
      cur = this.start(prev !== undefined ? prev.base : name, lineNo, line, prev);
    }
    const fam = cur.fam;
    const type = fam.type;
    if ((type === 'histogram' || type === 'gaugehistogram') && name.length === cur.base.length + 7 && name.endsWith('_bucket')) {
      if (!this.checkBound(labels, 'le', 'histogram bucket', line, lineNo)) return;
    } else if (type === 'summary' && name === cur.base) {
      if (!this.checkBound(labels, 'quantile', 'summary quantile', line, lineNo)) return;
    }
    if (!this.om && type === 'counter' && cur.sampled === 0 && fam.name === cur.base && name === `${cur.base}_total`) {
      fam.name = name; // `# TYPE foo counter` over `foo_total` samples: the family is foo_total
    }
    if (!cur.checked) this.checkRepeat(cur, lineNo, line);
    fam.samples.push(sample);
    cur.sampled++;
    this.samples++;
    this.seriesKept = this.shareLabels && sample.labels === this.seriesLabels && sample.name === this.seriesName;
  }

  private checkBound(labels: Record<string, string>, label: 'le' | 'quantile', what: string, line: string, lineNo: number): boolean {
    if (!Object.hasOwn(labels, label)) {
      this.report(lineNo, line, `${what} without a "${label}" label: expected ${label}="<float>"; line skipped`);
      return false;
    }
    const v = parseFloatText(labels[label]);
    if (v === undefined || v === OUT_OF_RANGE || v !== v) {
      this.report(
        lineNo,
        line,
        `invalid "${label}" label value ${quote(labels[label])}: expected a float such as 0.5 or +Inf; line skipped`,
      );
      return false;
    }
    return true;
  }

  /** Reads `name{labels} value [timestamp] [# exemplar]` from `i`; sets err/errAt when it cannot. */
  private parseSample(line: string, i: number): MetricSample | undefined {
    const n = line.length;
    const series = this.seriesText;
    // (A bare name then a space may still have braces to come: `foo {a="b"} 1`. The slice
    // compares as memory, many times faster than startsWith.)
    if (series !== '' && line.slice(i, i + series.length) === series && isWs(line.charCodeAt(i + series.length))) {
      const after = skipWs(line, i + series.length);
      if (line.charCodeAt(after) !== LBRACE) return this.valueAndTime(line, after, this.seriesName, this.seriesLabels);
    }
    const seriesStart = i;
    const labels: Record<string, string> = {};
    let name: string | undefined;
    const c0 = line.charCodeAt(i);
    if (c0 === QUOTE) {
      const q = this.readQuoted(line, i);
      if (q === undefined) return this.failU("unterminated quoted metric name: no closing '\"'", i);
      if (q === '') return this.failU('empty metric name', i);
      name = q;
      i = this.pos;
    } else if (c0 !== LBRACE) {
      if (!isMetricNameStart(c0)) return this.failU(`expected a metric name or '{', found ${found(line, i)}`, i);
      const prev = this.prevName;
      if (line.startsWith(prev, i) && !isMetricNameChar(line.charCodeAt(i + prev.length))) {
        name = prev; // consecutive samples mostly share a name: reuse the string
        i += prev.length;
      } else {
        let j = i + 1;
        while (j < n && isMetricNameChar(line.charCodeAt(j))) j++;
        name = line.slice(i, j);
        this.prevName = name;
        i = j;
      }
    }
    if (i < n && !isWs(line.charCodeAt(i)) && line.charCodeAt(i) !== LBRACE) {
      return this.failU(
        `invalid character ${found(line, i)} in metric name: names outside [a-zA-Z_:][a-zA-Z0-9_:]* go in double quotes inside the braces, like {"my.metric"}`,
        i,
      );
    }
    i = skipWs(line, i);
    if (i < n && line.charCodeAt(i) === LBRACE) {
      this.quotedName = undefined;
      if (!this.parseLabels(line, i + 1, labels, true)) return undefined;
      if (this.quotedName !== undefined) {
        if (name !== undefined)
          return this.failU(`metric name given twice: ${quote(name)} before the braces and ${quote(this.quotedName)} inside`, i);
        name = this.quotedName;
      }
      i = this.pos;
    }
    if (name === undefined)
      return this.failU('metric name missing: put it before the braces or as a quoted string inside them, like {"my.metric",a="b"}', i);
    if (this.shareLabels) {
      this.seriesText = line.slice(seriesStart, i);
      this.seriesName = name;
      this.seriesLabels = labels;
    }
    return this.valueAndTime(line, i, name, labels);
  }

  /** The rest of a sample line after its name and labels: value, timestamp, exemplar. */
  private valueAndTime(line: string, i: number, name: string, labels: Record<string, string>): MetricSample | undefined {
    const n = line.length;
    i = skipWs(line, i);
    if (i >= n) return this.failU('missing value: expected a float after the metric name and labels', i);
    let j = i;
    while (j < n && !isWs(line.charCodeAt(j))) j++;
    const value = parseFloatRange(line, i, j);
    if (value === undefined)
      return this.failU(`invalid value ${quote(line.slice(i, j))}: expected a float such as 1, -2.5, 1e3, +Inf, -Inf or NaN`, i);
    if (value === OUT_OF_RANGE) return this.failU(`value ${quote(line.slice(i, j))} is out of the float64 range`, i);
    const sample: MetricSample = { name, labels, value };
    i = skipWs(line, j);
    if (i >= n) return sample;
    if (line.charCodeAt(i) !== HASH) {
      j = i;
      while (j < n && !isWs(line.charCodeAt(j))) j++;
      const ts = this.om ? parseSecondsTimestampRange(line, i, j) : parseIntegerTimestampRange(line, i, j);
      if (ts === undefined) {
        const expected = this.om ? 'a number of seconds such as 1520879607.789' : 'an integer number of milliseconds';
        return this.failU(`invalid timestamp ${quote(line.slice(i, j))}: expected ${expected}`, i);
      }
      if (ts === OUT_OF_RANGE)
        return this.failU(`timestamp ${quote(line.slice(i, j))} is out of range: its milliseconds do not fit an int64`, i);
      sample.timestampMs = ts;
      i = skipWs(line, j);
      if (i >= n) return sample;
      if (line.charCodeAt(i) !== HASH)
        return this.failU(`unexpected text after the timestamp: ${quote(tokenAt(line, i))}; expected the end of the line`, i);
    }
    // An exemplar: parsed so that a broken one is noticed, then dropped.
    const problem = this.parseExemplar(line, i);
    if (!this.om) {
      if (problem !== undefined) {
        const after = sample.timestampMs === undefined ? 'value' : 'timestamp';
        const expected = sample.timestampMs === undefined ? 'a timestamp or the end of the line' : 'the end of the line';
        return this.failU(`unexpected text after the ${after}: ${quote(tokenAt(line, i))}; expected ${expected}`, i);
      }
      this.note = 'exemplar in the Prometheus text format: exemplars are OpenMetrics only; exemplar ignored, sample kept';
      this.noteAt = i;
    } else if (problem !== undefined) {
      this.note = `malformed exemplar: ${problem}; exemplar ignored, sample kept`;
      this.noteAt = this.errAt;
    }
    return sample;
  }

  private failU(message: string, at: number): undefined {
    this.fail(message, at);
    return undefined;
  }

  /** `# {labels} value [timestamp]` from the `#`; a description of what is wrong, or undefined. */
  private parseExemplar(line: string, i: number): string | undefined {
    const n = line.length;
    let j = i + 1;
    if (j >= n || !isWs(line.charCodeAt(j))) {
      this.errAt = j;
      return `expected a space after "#", found ${found(line, j)}`;
    }
    j = skipWs(line, j);
    if (j >= n || line.charCodeAt(j) !== LBRACE) {
      this.errAt = j;
      return `expected '{' to start the exemplar's labels, found ${found(line, j)}`;
    }
    if (!this.parseLabels(line, j + 1, {}, false)) return this.err;
    j = skipWs(line, this.pos);
    let k = j;
    while (k < n && !isWs(line.charCodeAt(k))) k++;
    const valueText = line.slice(j, k);
    const v = parseFloatText(valueText);
    if (v === undefined || v === OUT_OF_RANGE) {
      this.errAt = j;
      return j >= n ? 'missing exemplar value' : `invalid exemplar value ${quote(valueText)}`;
    }
    j = skipWs(line, k);
    if (j < n) {
      k = j;
      while (k < n && !isWs(line.charCodeAt(k))) k++;
      const tsText = line.slice(j, k);
      const ts = parseSecondsTimestamp(tsText);
      if (ts === undefined || ts === OUT_OF_RANGE) {
        this.errAt = j;
        return `invalid exemplar timestamp ${quote(tsText)}`;
      }
      j = skipWs(line, k);
      if (j < n) {
        this.errAt = j;
        return `unexpected text after the exemplar: ${quote(tokenAt(line, j))}`;
      }
    }
    return undefined;
  }

  /**
   * The label set after `{` at `i`, up to and including `}`; sets `pos` after it. A quoted
   * string without `=` is the metric name (`quotedName`) when `allowName`.
   */
  private parseLabels(line: string, i: number, labels: Record<string, string>, allowName: boolean): boolean {
    const n = line.length;
    const names = this.prevLabelNames;
    const values = this.prevLabelValues;
    for (let slot = 0; ; slot++) {
      i = skipWs(line, i);
      if (i >= n) return this.fail("missing '}': the line ends inside the label set", i);
      let c = line.charCodeAt(i);
      if (c === RBRACE) {
        this.pos = i + 1;
        return true;
      }
      let lname: string;
      const nameAt = i;
      if (c === QUOTE) {
        const q = this.readQuoted(line, i);
        if (q === undefined) return this.fail("unterminated quoted name: no closing '\"'", i);
        i = skipWs(line, this.pos);
        c = i < n ? line.charCodeAt(i) : -1;
        if (c === COMMA || c === RBRACE) {
          if (!allowName) return this.fail(`expected '=' after label name ${quote(q)}, found ${found(line, i)}`, i);
          if (q === '') return this.fail('empty metric name', nameAt);
          if (this.quotedName !== undefined) return this.fail(`metric name given twice: ${quote(this.quotedName)} and ${quote(q)}`, nameAt);
          this.quotedName = q;
          if (c === COMMA) i++;
          continue;
        }
        if (q === '') return this.fail('empty label name', nameAt);
        lname = q;
      } else if (isLabelNameStart(c)) {
        let j: number;
        const prev = allowName ? names[slot] : undefined;
        if (prev !== undefined && line.startsWith(prev, i) && !isLabelNameChar(line.charCodeAt(i + prev.length))) {
          lname = prev;
          j = i + prev.length;
        } else {
          j = i + 1;
          while (j < n && isLabelNameChar(line.charCodeAt(j))) j++;
          lname = line.slice(i, j);
          if (allowName) names[slot] = lname;
        }
        i = skipWs(line, j);
        c = i < n ? line.charCodeAt(i) : -1;
        if (c !== EQUALS && i === j && i < n && c !== RBRACE && c !== COMMA && c !== QUOTE) {
          return this.fail(
            `invalid character ${found(line, i)} in label name: names outside [a-zA-Z_][a-zA-Z0-9_]* go in double quotes, like "my.label"="value"`,
            i,
          );
        }
      } else {
        return this.fail(`expected a label name or '}', found ${found(line, i)}`, i);
      }
      if (c !== EQUALS) return this.fail(`expected '=' after label name ${quote(lname)}, found ${found(line, i)}`, i);
      i = skipWs(line, i + 1);
      if (i >= n || line.charCodeAt(i) !== QUOTE)
        return this.fail(`expected '"' to start the value of label ${quote(lname)}, found ${found(line, i)}`, i);
      let value: string | undefined;
      const prevValue = allowName ? values[slot] : undefined;
      if (prevValue !== undefined && line.charCodeAt(i + 1 + prevValue.length) === QUOTE && line.startsWith(prevValue, i + 1)) {
        value = prevValue; // cached values hold no backslash or quote, so the text is the value
        this.pos = i + 2 + prevValue.length;
      } else {
        value = this.readLabelValue(line, i);
        if (value === undefined) return this.fail(`unterminated value of label ${quote(lname)}: no closing '"'`, i);
        if (allowName && this.pos - i - 2 === value.length) values[slot] = value;
      }
      if (lname === '__name__')
        return this.fail(
          'label name "__name__" is reserved: the metric name goes before the braces or as a quoted string inside them',
          nameAt,
        );
      if (Object.hasOwn(labels, lname)) return this.fail(`duplicate label name ${quote(lname)}`, nameAt);
      if (lname === '__proto__') Object.defineProperty(labels, lname, { value, enumerable: true, writable: true, configurable: true });
      else labels[lname] = value;
      i = skipWs(line, this.pos);
      if (i >= n) return this.fail("missing '}': the line ends inside the label set", i);
      c = line.charCodeAt(i);
      if (c === COMMA) i++;
      else if (c !== RBRACE) return this.fail(`expected ',' or '}' after the value of label ${quote(lname)}, found ${found(line, i)}`, i);
    }
  }

  /** `readQuoted` for label values, interning those without escapes. */
  private readLabelValue(line: string, i: number): string | undefined {
    const n = line.length;
    let h = 0;
    for (let j = i + 1; j < n; j++) {
      const c = line.charCodeAt(j);
      if (c === QUOTE) {
        this.pos = j + 1;
        const len = j - i - 1;
        const slot = (h ^ (len << 5)) & (INTERN_SIZE - 1);
        const known = this.interned[slot];
        if (known !== undefined && known.length === len && line.startsWith(known, i + 1)) return known;
        const value = line.slice(i + 1, j);
        this.interned[slot] = value;
        return value;
      }
      if (c === BACKSLASH) return this.readQuoted(line, i);
      h = (Math.imul(h, 31) + c) | 0;
    }
    return undefined;
  }

  /** The string in double quotes at `i` with `\\`, `\"` and `\n` resolved; `pos` after it. */
  private readQuoted(line: string, i: number): string | undefined {
    const n = line.length;
    let j = i + 1;
    let escaped = false;
    while (j < n) {
      const c = line.charCodeAt(j);
      if (c === QUOTE) {
        this.pos = j + 1;
        const raw = line.slice(i + 1, j);
        return escaped ? unescapeText(raw, true) : raw;
      }
      if (c === BACKSLASH) {
        escaped = true;
        j += 2;
      } else {
        j++;
      }
    }
    return undefined;
  }
}

/**
 * Parses a whole exposition. Tolerant: a malformed line is reported in `problems` and
 * skipped, everything else is kept; never throws on input. The format comes from
 * `options.format`, else from `options.contentType`, else from the text itself: OpenMetrics
 * when its last line is `# EOF`, the Prometheus text format otherwise.
 */
export function parseExposition(text: string, options: ParseOptions = {}): ParseResult {
  let opts = options;
  if (options.format === undefined && options.contentType === undefined) opts = { ...options, format: sniffFormat(text) };
  const parser = new ExpositionParser(opts);
  const families = parser.push(text);
  const result = parser.end();
  for (const f of result.families) families.push(f);
  result.families = families;
  return result;
}

/** OpenMetrics when the last line is `# EOF` (its mandatory end), else the Prometheus text format. */
export function sniffFormat(text: string): ExpositionFormat {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  if (end < 5 || text.slice(end - 5, end) !== '# EOF') return 'prometheus';
  return end === 5 || text.charCodeAt(end - 6) === 10 ? 'openmetrics' : 'prometheus';
}
