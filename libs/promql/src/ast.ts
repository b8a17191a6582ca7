// The PromQL syntax tree as a tagged union. Positions are character offsets into the query
// (for error messages and annotations, printed as line:column).

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface Position {
  start: number;
  end: number;
}

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  type: MatchType;
  name: string;
  value: string;
}

/**
 * A duration that may depend on the query (Prometheus 3 duration expressions:
 * `[5m * 2]`, `[step()]`, `offset min_of(1h, range())`), in seconds once resolved.
 */
export type Duration =
  | { kind: 'literal'; seconds: number }
  | { kind: 'step' }
  | { kind: 'range' }
  | { kind: 'neg'; of: Duration }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '%' | '^'; lhs: Duration; rhs: Duration }
  | { kind: 'min' | 'max'; a: Duration; b: Duration };

/** `@ <time>`, `@ start()`, `@ end()`. */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';

export interface VectorMatching {
  /** 'one-to-one', or the side that may have many series per match. */
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` otherwise. */
  on: boolean;
  labels: string[];
  /** Labels copied from the "one" side with group_left/group_right. */
  include: string[];
}

export interface NumberLiteral {
  type: 'number';
  value: number;
  pos: Position;
}

export interface StringLiteral {
  type: 'string';
  value: string;
  pos: Position;
}

export interface VectorSelector {
  type: 'vectorSelector';
  name: string | undefined;
  matchers: Matcher[];
  offset: Duration | undefined;
  at: AtModifier | undefined;
  pos: Position;
}

export interface MatrixSelector {
  type: 'matrixSelector';
  selector: VectorSelector;
  range: Duration;
  pos: Position;
}

export interface Subquery {
  type: 'subquery';
  expr: Expr;
  range: Duration;
  /** Undefined: the query's step (or the default resolution for instant queries). */
  step: Duration | undefined;
  offset: Duration | undefined;
  at: AtModifier | undefined;
  pos: Position;
}

export interface Call {
  type: 'call';
  name: string;
  args: Expr[];
  pos: Position;
}

export interface Aggregate {
  type: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param: Expr | undefined;
  grouping: string[];
  without: boolean;
  pos: Position;
}

export interface Binary {
  type: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Only between two vectors. */
  matching: VectorMatching | undefined;
  pos: Position;
}

export interface Unary {
  type: 'unary';
  op: '-' | '+';
  expr: Expr;
  pos: Position;
}

export interface Paren {
  type: 'paren';
  expr: Expr;
  pos: Position;
}

export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | Subquery | Call | Aggregate | Binary | Unary | Paren;
