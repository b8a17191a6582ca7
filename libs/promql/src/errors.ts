// Query errors as Prometheus reports them: a kind that maps to the HTTP API's errorType,
// and for parse and type errors the line and column in the query.

import type { Position } from './ast.ts';

export type PromqlErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'too_many_samples';

export class PromqlError extends Error {
  /** Line and column (1-based) where the problem starts, when it has a place in the query. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    readonly type: PromqlErrorType,
    readonly detail: string,
    query?: string,
    readonly position?: Position,
  ) {
    const where = query !== undefined && position ? lineColumn(query, position.start) : undefined;
    super(where ? `${where.line}:${where.column}: ${detail}` : detail);
    this.name = 'PromqlError';
    this.line = where?.line;
    this.column = where?.column;
  }
}

export function lineColumn(query: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < query.length; i++) {
    if (query[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
