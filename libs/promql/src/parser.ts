// PromQL text -> typed syntax tree, with the Prometheus project's own grammar
// (@prometheus-io/lezer-promql) and Prometheus's type checks. The grammar never throws:
// a syntax error shows up as an error node, which is reported with its line and column.

import { parser as lezer } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Duration,
  Expr,
  Matcher,
  MatchType,
  Position,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast.ts';
import { unquotePrometheus } from '@metrics-hub/go-format';
import { compileAnchoredRegex, compileMatcher, MatcherError } from '@metrics-hub/wire';
import { FUNCTIONS } from './function-signatures.ts';
import { PromqlError, lineColumn } from './errors.ts';
import { checkQueryDepth } from './query-depth.ts';

export function parseExpr(query: string): Expr {
  if (query.trim() === '') throw new PromqlError('bad_data', 'parse error: no expression found in input', query, { start: 0, end: 0 });
  checkQueryDepth(query);
  const tree = parseTree(withoutTrailingDots(query));
  const syntaxError = firstError(tree.topNode);
  if (syntaxError) throw syntaxErrorAt(query, syntaxError);
  const exprs = childNodes(tree.topNode).filter((n) => n.name !== 'LineComment');
  if (exprs.length !== 1)
    throw new PromqlError('bad_data', 'parse error: unexpected input after the expression', query, pos(exprs[1] ?? tree.topNode));
  const builder = new Builder(query);
  const expr = builder.expr(exprs[0]);
  checkTypes(expr, query);
  return expr;
}

const strict = lezer.configure({ strict: true });

/**
 * The grammar's tree. Its error recovery costs about 50 µs a character on garbage (a 1 MB
 * query would hold the hub for a minute) and only the first error is reported: so a
 * strict parse finds where the query breaks, and recovery runs on the text up to there
 * (plus a little, so the tokens at the break are the same) to tell what went wrong.
 */
function parseTree(text: string): Tree {
  try {
    return strict.parse(text);
  } catch (e) {
    const at = /^No parse at (\d+)/.exec((e as Error).message);
    if (!at) throw e;
    return lezer.parse(text.slice(0, Number(at[1]) + 256));
  }
}

/**
 * Prometheus accepts `2.` and `1./6.`; the lezer grammar does not. A trailing dot after
 * digits (outside strings and comments) becomes a blank, which keeps every offset.
 */
function withoutTrailingDots(query: string): string {
  let out = '';
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' && c !== '`' ? 2 : 1;
      out += query.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '#') {
      const j = query.indexOf('\n', i);
      const end = j < 0 ? query.length : j;
      out += query.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === '.' && /[0-9]/.test(query[i - 1] ?? '') && !/[0-9eE]/.test(query[i + 1] ?? '')) {
      let k = i - 1;
      while (k >= 0 && /[0-9]/.test(query[k])) k--;
      if (k < 0 || !/[a-zA-Z_:.]/.test(query[k])) {
        out += ' ';
        continue;
      }
    }
    out += c;
  }
  return out;
}

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  const cursor = node.cursor();
  do {
    if (cursor.type.isError) return cursor.node;
  } while (cursor.next());
  return undefined;
}

function syntaxErrorAt(query: string, node: SyntaxNode): PromqlError {
  const at = node.from;
  // The grammar knows every function by name: `foo(` for an unknown foo fails at the paren.
  const call = identifierBefore(query, at);
  if (call && query[at] === '(' && !['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool'].includes(call.name)) {
    return new PromqlError('bad_data', `parse error: unknown function with name ${JSON.stringify(call.name)}`, query, {
      start: call.start,
      end: at,
    });
  }
  const rest = query.slice(at).trimStart();
  const what = rest === '' ? 'unexpected end of input' : `unexpected ${JSON.stringify(rest.split(/\s+/)[0].slice(0, 20))}`;
  const expected = expectedAt(query.slice(0, at));
  return new PromqlError('bad_data', `parse error: ${what}${expected ? `, expected ${expected}` : ''}`, query, {
    start: at,
    end: Math.max(at, node.to),
  });
}

/**
 * The identifier that ends (blanks aside) just before `at`. Scanned by hand: the regex
 * /([a-zA-Z_]\w*)\s*$/ retries at every start and takes quadratic time on a long name.
 */
function identifierBefore(query: string, at: number): { name: string; start: number } | undefined {
  let end = at;
  while (end > 0 && /\s/.test(query[end - 1])) end--;
  let start = end;
  while (start > 0 && /[a-zA-Z0-9_]/.test(query[start - 1])) start--;
  while (start < end && /[0-9]/.test(query[start])) start++;
  return start < end ? { name: query.slice(start, end), start } : undefined;
}

/** What would have continued the query at the point it broke off (brackets, operands). */
function expectedAt(before: string): string | undefined {
  const open: string[] = [];
  const closing: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  let quote: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c in closing) open.push(closing[c]);
    else if ((c === ')' || c === '}' || c === ']') && open[open.length - 1] === c) open.pop();
  }
  if (quote) return `the closing ${quote}`;
  // The hints below look at the last token or two: a bounded tail keeps them linear.
  const trimmed = before.trimEnd().slice(-1024);
  if (/[{,]\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)$/.test(trimmed)) return 'a quoted label value';
  if (/([-+*/%^<>]|==|!=|\b(and|or|unless|bool))$/.test(trimmed)) return 'an expression after the operator';
  if (open.length) return JSON.stringify(open[open.length - 1]);
  return undefined;
}

function childNodes(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function pos(node: SyntaxNode): Position {
  return { start: node.from, end: node.to };
}

const AGGREGATE_OPS = new Set<string>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
]);
const BINARY_OPS: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};
const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

class Builder {
  constructor(private readonly query: string) {}

  private text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  private fail(message: string, node: SyntaxNode): PromqlError {
    return new PromqlError('bad_data', message, this.query, pos(node));
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'NumberDurationLiteral':
        return {
          type: 'number',
          value: parseNumber(this.text(node), () => this.fail(`parse error: bad number ${JSON.stringify(this.text(node))}`, node)),
          pos: pos(node),
        };
      case 'StringLiteral':
        return { type: 'string', value: this.unquote(node), pos: pos(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.modified(node);
      case 'ParenExpr':
        return { type: 'paren', expr: this.expr(this.only(node)), pos: pos(node) };
      case 'UnaryExpr': {
        const [op, operand] = childNodes(node);
        return { type: 'unary', op: this.text(op) === '-' ? '-' : '+', expr: this.expr(operand), pos: pos(node) };
      }
      case 'BinaryExpr':
        return this.binary(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'FunctionCall':
        return this.call(node);
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        throw this.fail(
          `parse error: the experimental ${node.name === 'AnchoredExpr' ? 'anchored' : 'smoothed'} modifier is not supported`,
          node,
        );
      default:
        throw this.fail(`parse error: unexpected ${node.name}`, node);
    }
  }

  private only(node: SyntaxNode): SyntaxNode {
    const kids = childNodes(node).filter((n) => n.name !== 'LineComment');
    if (kids.length !== 1) throw this.fail('parse error: expected one expression', node);
    return kids[0];
  }

  private unquote(node: SyntaxNode): string {
    try {
      return unquoteString(this.text(node));
    } catch (e) {
      throw this.fail(`parse error: ${(e as Error).message}`, node);
    }
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name: string | undefined;
    const matchers: Matcher[] = [];
    for (const child of childNodes(node)) {
      if (child.name === 'Identifier' || child.name === 'MetricName') {
        name = this.text(child);
      } else if (child.name === 'LabelMatchers') {
        for (const m of childNodes(child)) matchers.push(this.matcher(m));
      }
    }
    const named = matchers.filter((m) => m.name === '__name__');
    if (name !== undefined) {
      if (named.length)
        throw this.fail(
          `parse error: metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(named[0].value)}`,
          node,
        );
      matchers.unshift({ type: '=', name: '__name__', value: name });
    } else if (named.length === 1 && named[0].type === '=') {
      name = named[0].value;
    }
    // A selector that accepts every series would read the whole store.
    if (!matchers.some((m) => !matchesEmpty(m)))
      throw this.fail('parse error: vector selector must contain at least one non-empty matcher', node);
    return { type: 'vectorSelector', name, matchers, offset: undefined, at: undefined, pos: pos(node) };
  }

  private matcher(node: SyntaxNode): Matcher {
    const kids = childNodes(node);
    if (node.name === 'QuotedLabelName') {
      // `{"metric.name"}` names the metric.
      return { type: '=', name: '__name__', value: this.unquote(kids[0]) };
    }
    const [label, op, value] = kids;
    const name = label.name === 'QuotedLabelName' ? this.unquote(childNodes(label)[0]) : this.text(label);
    const type = MATCH_OPS[childNodes(op)[0]?.name ?? ''];
    if (!type) throw this.fail(`parse error: unknown match operator ${this.text(op)}`, op);
    const m: Matcher = { type, name, value: this.unquote(value) };
    if (type === '=~' || type === '!~') {
      try {
        compileAnchoredRegex(m.value);
      } catch (e) {
        // Point at the offending character when the literal has no escapes before it.
        const offset = e instanceof MatcherError ? e.patternOffset : undefined;
        const raw = this.text(value).slice(1, -1);
        const start = offset !== undefined && raw === m.value ? value.from + 1 + offset : value.from;
        throw new PromqlError('bad_data', `parse error: ${(e as Error).message}`, this.query, { start, end: value.to });
      }
    }
    return m;
  }

  private matrixSelector(node: SyntaxNode): Expr {
    const [inner, range] = childNodes(node);
    const selector = this.expr(inner);
    if (selector.type !== 'vectorSelector') throw this.fail('parse error: ranges only allowed for vector selectors', node);
    if (selector.offset || selector.at) throw this.fail('parse error: no offset or @ modifiers allowed before range', node);
    return { type: 'matrixSelector', selector, range: this.duration(range), pos: pos(node) };
  }

  private subquery(node: SyntaxNode): Expr {
    const kids = childNodes(node);
    const durations = kids.filter((k) => k.name === 'DurationExpr');
    return {
      type: 'subquery',
      expr: this.expr(kids[0]),
      range: this.duration(durations[0]),
      step: durations[1] ? this.duration(durations[1]) : undefined,
      offset: undefined,
      at: undefined,
      pos: pos(node),
    };
  }

  /** `offset` and `@` attach to the selector or subquery they follow. */
  private modified(node: SyntaxNode): Expr {
    const kids = childNodes(node);
    const target = this.expr(kids[0]);
    // A postfix modifier binds to the rightmost operand, as in Prometheus's grammar:
    // `-x @ 100` is `-(x @ 100)`, `a offset 1m or b offset 2m` is `(a offset 1m) or (b offset 2m)`.
    let operand = target;
    while (operand.type === 'unary' || operand.type === 'binary') operand = operand.type === 'unary' ? operand.expr : operand.rhs;
    const base = operand.type === 'matrixSelector' ? operand.selector : operand;
    if (base.type !== 'vectorSelector' && base.type !== 'subquery') {
      const what = node.name === 'OffsetExpr' ? 'offset' : '@';
      throw this.fail(
        `parse error: ${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`,
        node,
      );
    }
    if (node.name === 'OffsetExpr') {
      if (base.offset) throw this.fail('parse error: offset may not be set multiple times', node);
      base.offset = this.duration(kids[kids.length - 1]);
    } else {
      if (base.at) throw this.fail('parse error: @ <timestamp> may not be set multiple times', node);
      base.at = this.at(kids.slice(2), node);
    }
    operand.pos = { start: operand.pos.start, end: node.to };
    return target;
  }

  private at(kids: SyntaxNode[], node: SyntaxNode): AtModifier {
    const k = kids[0];
    if (!k) throw this.fail('parse error: missing time after @', node);
    if (k.name === 'AtModifierPreprocessors') return { kind: childNodes(k)[0].name === 'AtStart' ? 'start' : 'end' };
    let sign = 1;
    let n = k;
    if (k.name === 'UnaryOp' || this.text(k) === '-' || this.text(k) === '+') {
      sign = this.text(k) === '-' ? -1 : 1;
      n = kids[1];
    }
    const seconds = sign * parseNumber(this.text(n), () => this.fail(`parse error: bad @ time ${JSON.stringify(this.text(n))}`, n));
    if (!Number.isFinite(seconds)) throw this.fail(`parse error: timestamp out of bounds for @ modifier: ${seconds}`, node);
    return { kind: 'time', ms: Math.round(seconds * 1000) };
  }

  duration(node: SyntaxNode): Duration {
    const kids = childNodes(node);
    switch (node.name) {
      case 'NumberDurationLiteralInDurationContext':
      case 'NumberDurationLiteral':
        return {
          kind: 'literal',
          seconds: parseNumber(this.text(node), () => this.fail(`parse error: bad duration ${JSON.stringify(this.text(node))}`, node)),
        };
      case 'DurationStep':
        return { kind: 'step' };
      case 'DurationRange':
        return { kind: 'range' };
      case 'DurationExpr':
      case 'OffsetDurationExpr': {
        if (kids.length === 1) return this.duration(kids[0]);
        const head = kids[0];
        if (head.name === 'DurationMinOf' || head.name === 'DurationMaxOf') {
          return { kind: head.name === 'DurationMinOf' ? 'min' : 'max', a: this.duration(kids[1]), b: this.duration(kids[2]) };
        }
        if (head.name === 'UnaryOp' || ((this.text(head) === '-' || this.text(head) === '+') && kids.length === 2)) {
          const of = this.duration(kids[1]);
          return this.text(head) === '-' ? { kind: 'neg', of } : of;
        }
        if (kids.length === 3) {
          const op = this.text(kids[1]) as '+' | '-' | '*' | '/' | '%' | '^';
          return { kind: 'binary', op, lhs: this.duration(kids[0]), rhs: this.duration(kids[2]) };
        }
        if (kids.length === 2 && kids[0].name === 'DurationExpr') return this.duration(kids[0]);
        throw this.fail(`parse error: unexpected duration ${JSON.stringify(this.text(node))}`, node);
      }
      case 'ParenExpr':
        return this.duration(this.only(node));
      default:
        if (node.name === 'Step') return { kind: 'step' };
        if (node.name === 'Range') return { kind: 'range' };
        throw this.fail(`parse error: unexpected ${JSON.stringify(this.text(node))} in a duration`, node);
    }
  }

  private binary(node: SyntaxNode): Expr {
    const kids = childNodes(node).filter((n) => n.name !== 'LineComment');
    const lhs = this.expr(kids[0]);
    const rhs = this.expr(kids[kids.length - 1]);
    const opNode = kids[1];
    const op = BINARY_OPS[opNode.name];
    if (!op) throw this.fail(`parse error: unknown operator ${this.text(opNode)}`, opNode);
    let returnBool = false;
    let matching: VectorMatching | undefined;
    for (const k of kids.slice(2, -1)) {
      if (k.name === 'BoolModifier') returnBool = true;
      else if (k.name === 'MatchingModifierClause') matching = this.matching(k, op);
      else if (k.name === 'FillModifier' || k.name === 'FillClause')
        throw this.fail('parse error: the experimental fill modifiers are not supported', k);
    }
    return { type: 'binary', op, lhs, rhs, returnBool, matching, pos: pos(node) };
  }

  private matching(node: SyntaxNode, op: BinaryOp): VectorMatching {
    const kids = childNodes(node);
    const m: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === 'On' || k.name === 'Ignoring') {
        m.on = k.name === 'On';
        if (kids[i + 1]?.name === 'GroupingLabels') m.labels = this.labels(kids[++i]);
      } else if (k.name === 'GroupLeft' || k.name === 'GroupRight') {
        m.card = k.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
        if (kids[i + 1]?.name === 'GroupingLabels') m.include = this.labels(kids[++i]);
      }
    }
    if (op === 'and' || op === 'or' || op === 'unless') {
      if (m.card !== 'one-to-one') throw this.fail(`parse error: no grouping allowed for "${op}" operation`, node);
      m.card = 'many-to-many';
    }
    if (m.on) {
      for (const l of m.include) {
        if (m.labels.includes(l)) throw this.fail(`parse error: label "${l}" must not occur in ON and GROUP clause at once`, node);
      }
    }
    return m;
  }

  private labels(node: SyntaxNode): string[] {
    return childNodes(node).map((n) =>
      n.name === 'QuotedLabelName' ? this.unquote(childNodes(n)[0]) : n.name === 'StringLiteral' ? this.unquote(n) : this.text(n),
    );
  }

  private aggregate(node: SyntaxNode): Expr {
    const kids = childNodes(node);
    const op = this.text(kids.find((k) => k.name === 'AggregateOp')!).toLowerCase() as AggregateOp;
    if (!AGGREGATE_OPS.has(op)) throw this.fail(`parse error: unknown aggregation ${op}`, node);
    const modifier = kids.find((k) => k.name === 'AggregateModifier');
    const body = kids.find((k) => k.name === 'FunctionCallBody')!;
    const args = childNodes(body).filter((n) => n.name !== 'LineComment');
    const takesParam =
      op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values' || op === 'limitk' || op === 'limit_ratio';
    const want = takesParam ? 2 : 1;
    if (args.length !== want)
      throw this.fail(
        `parse error: wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
        node,
      );
    let grouping: string[] = [];
    let without = false;
    if (modifier) {
      const m = childNodes(modifier);
      without = m[0].name === 'Without';
      grouping = m[1] ? this.labels(m[1]) : [];
    }
    return {
      type: 'aggregate',
      op,
      param: takesParam ? this.expr(args[0]) : undefined,
      expr: this.expr(args[args.length - 1]),
      grouping,
      without,
      pos: pos(node),
    };
  }

  private call(node: SyntaxNode): Expr {
    const kids = childNodes(node);
    const name = this.text(kids[0]);
    if (!(name in FUNCTIONS)) throw this.fail(`parse error: unknown function with name ${JSON.stringify(name)}`, kids[0]);
    const body = kids[1];
    const args = body
      ? childNodes(body)
          .filter((n) => n.name !== 'LineComment')
          .map((a) => this.expr(a))
      : [];
    return { type: 'call', name, args, pos: pos(node) };
  }
}

function matchesEmpty(m: Matcher): boolean {
  return compileMatcher(m).matchesEmpty;
}

const DURATION_UNITS: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** A number literal: decimal, hex, Inf/NaN, or a duration like `1h30m` (in seconds). */
export function parseNumber(text: string, fail: () => Error): number {
  let t = text.replace(/\s+/g, '');
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    sign = t[0] === '-' ? -1 : 1;
    t = t.slice(1);
  }
  const lower = t.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) return sign * parseInt(t, 16);
  if (/^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t)) return sign * Number(t);
  const parts = t.match(/(\d+)(ms|y|w|d|h|m|s)/g);
  if (parts && parts.join('') === t) {
    let seconds = 0;
    for (const p of parts) {
      const [, n, unit] = /(\d+)(ms|y|w|d|h|m|s)/.exec(p)!;
      seconds += Number(n) * DURATION_UNITS[unit];
    }
    return sign * seconds;
  }
  throw fail();
}

/** A PromQL string literal's value (Prometheus reads them with util/strutil.Unquote). */
export function unquoteString(text: string): string {
  try {
    return unquotePrometheus(text);
  } catch {
    throw new Error(`invalid string literal ${text}: check its quotes and escape sequences`);
  }
}

// ---------------------------------------------------------------- type checks

export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
    case 'aggregate':
      return 'vector';
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'call':
      return FUNCTIONS[e.name].returns;
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

const TYPE_NAMES: Record<ValueType, string> = { scalar: 'scalar', vector: 'instant vector', matrix: 'range vector', string: 'string' };

function checkTypes(e: Expr, query: string): void {
  const fail = (message: string, at: Expr) => new PromqlError('bad_data', message, query, at.pos);
  const expect = (want: ValueType, got: Expr, context: string) => {
    const t = typeOf(got);
    if (t !== want) throw fail(`parse error: expected type ${TYPE_NAMES[want]} in ${context}, got ${TYPE_NAMES[t]}`, got);
  };
  switch (e.type) {
    case 'number':
    case 'string':
    case 'vectorSelector':
    case 'matrixSelector':
      return;
    case 'paren':
      checkTypes(e.expr, query);
      return;
    case 'unary': {
      checkTypes(e.expr, query);
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector')
        throw fail(`parse error: unary expression only allowed on expressions of type scalar or instant vector, got ${TYPE_NAMES[t]}`, e);
      return;
    }
    case 'subquery':
      checkTypes(e.expr, query);
      if (typeOf(e.expr) !== 'vector')
        throw fail(`parse error: subquery is only allowed on instant vector, got ${TYPE_NAMES[typeOf(e.expr)]} instead`, e);
      return;
    case 'aggregate':
      checkTypes(e.expr, query);
      expect('vector', e.expr, 'aggregation expression');
      if (e.param) {
        checkTypes(e.param, query);
        expect(e.op === 'count_values' ? 'string' : 'scalar', e.param, 'aggregation parameter');
      }
      return;
    case 'call': {
      const sig = FUNCTIONS[e.name];
      const min = sig.args.length - (sig.variadic ? 1 : 0) - (sig.variadic ? 0 : sig.optional);
      const max = sig.variadic ? Infinity : sig.args.length;
      const minArgs = sig.variadic ? sig.args.length - sig.optional : min;
      if (e.args.length < minArgs || e.args.length > max) {
        const expected = max === Infinity ? `at least ${minArgs}` : minArgs === max ? `${max}` : `${minArgs} to ${max}`;
        throw fail(`parse error: expected ${expected} argument(s) in call to ${JSON.stringify(e.name)}, got ${e.args.length}`, e);
      }
      e.args.forEach((arg, i) => {
        checkTypes(arg, query);
        const want = sig.args[Math.min(i, sig.args.length - 1)];
        expect(want, arg, `call to function ${JSON.stringify(e.name)}`);
      });
      return;
    }
    case 'binary': {
      checkTypes(e.lhs, query);
      checkTypes(e.rhs, query);
      const l = typeOf(e.lhs);
      const r = typeOf(e.rhs);
      const comparison = e.op === '==' || e.op === '!=' || e.op === '>' || e.op === '<' || e.op === '>=' || e.op === '<=';
      const setOp = e.op === 'and' || e.op === 'or' || e.op === 'unless';
      if (e.returnBool && !comparison) throw fail('parse error: bool modifier can only be used on comparison operators', e);
      if ((l !== 'scalar' && l !== 'vector') || (r !== 'scalar' && r !== 'vector')) {
        throw fail('parse error: binary expression must contain only scalar and instant vector types', e);
      }
      if (comparison && l === 'scalar' && r === 'scalar' && !e.returnBool)
        throw fail('parse error: comparisons between scalars must use BOOL modifier', e);
      if (setOp && (l === 'scalar' || r === 'scalar'))
        throw fail(`parse error: set operator "${e.op}" not allowed in binary scalar expression`, e);
      if (e.matching && (l !== 'vector' || r !== 'vector')) {
        if (e.matching.card !== 'many-to-many' || e.matching.labels.length)
          throw fail('parse error: vector matching only allowed between instant vectors', e);
      }
      if (l === 'vector' && r === 'vector' && !e.matching)
        e.matching = { card: setOp ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
      return;
    }
  }
}

export { lineColumn };
