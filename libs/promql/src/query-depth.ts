// How deep a query's syntax tree can get, read from its text before it is parsed. The
// grammar's parser (lezer) gives up on deep trees with a misleading "unexpected ...": it
// force-reduces past 2,800 stack entries, and after 300 left-associative reductions over
// 2,000 characters with the same start, which a chain of operators makes two of per
// operator (so `a or b or ...` with long operands breaks at about 150 operators). The
// tree walks after it recurse once per level. A query whose tree could be deeper than
// MAX_QUERY_DEPTH is refused here instead, saying so and where.

import { PromqlError } from './errors.ts';

/** Deepest syntax tree a query may have: far more than a person writes, and within what the parser handles (see above). */
export const MAX_QUERY_DEPTH = 150;

const OPERATOR_WORDS = new Set(['and', 'or', 'unless', 'atan2', 'offset']);

interface Frame {
  /** Operators seen so far at this bracket level: a chain of n operators is n levels. */
  ops: number;
  /** Deepest closed bracket group inside this level. */
  childMax: number;
  /** Inside `{...}`, `=` and `!=` are matchers, not operators. */
  matchers: boolean;
}

/**
 * Throws a bad_data PromqlError when the syntax tree of `query` could be deeper than
 * `max`. The bound is an upper bound on the real depth (every operator at a level is
 * counted as nesting the ones after it), reported where the query first exceeds it.
 */
export function checkQueryDepth(query: string, max = MAX_QUERY_DEPTH): void {
  const stack: Frame[] = [{ ops: 0, childMax: 0, matchers: false }];
  // Sum over open levels of (operators + 1): the depth the tree has reached so far.
  let open = 1;
  const check = (at: number, end: number) => {
    const depth = open + stack[stack.length - 1].childMax;
    if (depth <= max) return;
    throw new PromqlError(
      'bad_data',
      `parse error: expression too deep: its syntax tree would be more than ${max} levels deep here (every operator, bracket and function call adds one): split it into shorter queries or recording rules`,
      query,
      { start: at, end },
    );
  };
  const operator = (at: number, end: number) => {
    const top = stack[stack.length - 1];
    if (top.matchers) return;
    top.ops++;
    open++;
    check(at, end);
  };
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' && c !== '`' ? 2 : 1;
      i = j;
    } else if (c === '#') {
      const j = query.indexOf('\n', i);
      i = j < 0 ? query.length : j;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push({ ops: 0, childMax: 0, matchers: c === '{' });
      open++;
      check(i, i + 1);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.length === 1) continue; // unbalanced: the parser says so
      const f = stack.pop()!;
      open -= f.ops + 1;
      const top = stack[stack.length - 1];
      top.childMax = Math.max(top.childMax, f.ops + 1 + f.childMax);
      check(i, i + 1);
    } else if (/[0-9.]/.test(c)) {
      // Numbers and durations (1e-3, 0x1F, 1h30m, 2.5) hold no operators.
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[a-zA-Z]+\d*)*)/.exec(query.slice(i, i + 64));
      if (m) i += m[0].length - 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(query.slice(i, i + 256))!;
      if (OPERATOR_WORDS.has(m[0].toLowerCase())) operator(i, i + m[0].length);
      i += m[0].length - 1;
    } else if ('+-*/%^@'.includes(c)) {
      operator(i, i + 1);
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = query.slice(i, i + 2);
      const long = two === '==' || two === '!=' || two === '>=' || two === '<=' || two === '=~' || two === '!~';
      operator(i, i + (long ? 2 : 1));
      if (long) i++;
    }
  }
}
