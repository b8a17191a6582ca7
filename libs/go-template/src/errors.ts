// What goes wrong in a template, where, and what to do about it. Messages keep the shape
// Go's text/template gives them ("template: NAME:LINE:COL: ..."), so that people who know
// Prometheus's and Alertmanager's errors recognise them, plus a hint where one helps.

export type TemplatePhase = 'parse' | 'execute';

export interface TemplateErrorInit {
  phase: TemplatePhase;
  /** The template whose text holds the problem (Go's ParseName). */
  templateName: string;
  line: number;
  column: number;
  /** The problem alone, without location or hint. */
  detail: string;
  hint?: string | undefined;
  /** The full message; built from the other parts when absent. */
  message?: string;
}

export class TemplateError extends Error {
  readonly phase: TemplatePhase;
  readonly templateName: string;
  /** 1-based line of the problem in the template text. */
  readonly line: number;
  /** 1-based column (in characters) of the problem in its line. */
  readonly column: number;
  readonly detail: string;
  readonly hint: string | undefined;

  constructor(init: TemplateErrorInit) {
    const base = init.message ?? `template: ${init.templateName}:${init.line}:${init.column}: ${init.detail}`;
    super(init.hint ? `${base} (${init.hint})` : base);
    this.name = 'TemplateError';
    this.phase = init.phase;
    this.templateName = init.templateName;
    this.line = init.line;
    this.column = init.column;
    this.detail = init.detail;
    this.hint = init.hint;
  }
}

/**
 * Thrown by template functions for an argument of the wrong type: the executor reports it
 * as Go does ("wrong type for value; ..."), not as a failure inside the function.
 */
export class ArgTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgTypeError';
  }
}

/** 1-based line and column (counted in code points) of a UTF-16 offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (const _ of text.slice(lineStart, offset)) column++;
  return { line, column };
}

/** The candidate nearest to `name` by edit distance, when it is close enough to be a typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
