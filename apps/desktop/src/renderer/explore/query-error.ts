// Where a query error points. The hub's PromQL errors start with "line:column: "
// (e.g. "1:12: parse error: unexpected ..."), as Prometheus's do; the editor needs an
// offset into its text to mark it.

export interface QueryErrorPosition {
  line: number;
  column: number;
  /** Offset in the query text (0-based), clamped to it. */
  offset: number;
  /** The message without its position prefix. */
  detail: string;
}

export function queryErrorPosition(message: string, query: string): QueryErrorPosition | undefined {
  // The API may put a prefix before it ('invalid parameter "query": 1:7: ...').
  const m = /(?:^|: )(\d+):(\d+): ([\s\S]*)$/.exec(message);
  if (!m) return undefined;
  const line = Number(m[1]);
  const column = Number(m[2]);
  // Columns count from 1 within the line.
  const lines = query.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset = Math.min(query.length, offset + Math.max(0, column - 1));
  return { line, column, offset, detail: m[3] };
}
