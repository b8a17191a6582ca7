// Recursive descent over the lexer's tokens, following Go's text/template/parse: the
// template's own tree plus one tree per {{define}} and {{block}}, variables checked as they
// are used, {{else if}} and {{else with}} chains, break/continue only inside range.
// Errors carry the position of the token at fault and, where one helps, a hint.

import {
  isEmptyTree,
  nodeString,
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type EndNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type Source,
  type TemplateNode,
  type VariableNode,
} from './ast.ts';
import { TemplateError, closest, lineColumn } from './errors.ts';
import { describeToken, lex, type Token, type TokenType } from './lexer.ts';
import { parseGoFloat, parseGoInt, unquote, unquoteRune } from './literals.ts';

export interface ParsedTree {
  readonly name: string;
  readonly root: ListNode;
  readonly src: Source;
}

export interface ParseSettings {
  /** Function names to check calls against, as Go does at parse time; unchecked when absent. */
  functions?: ReadonlySet<string> | undefined;
  /** Variables the main template may use without declaring them ($labels in alert templates). */
  variables?: readonly string[] | undefined;
}

/** Where a control structure opened, for the hint when its {{end}} is missing. */
interface Opener {
  keyword: string;
  pos: number;
}

const OPERAND_START = new Set<TokenType>([
  'bool',
  'charConstant',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

/** Parses `text` as template `name`; the result maps each template name (main and defined) to its tree. */
export function parseTrees(text: string, name: string, settings: ParseSettings = {}): Map<string, ParsedTree> {
  return new Parser(text, name, settings).parse();
}

/** Prometheus's alert-template variables and the fields they stand for. */
const ALERT_VARIABLE_FIELDS: Record<string, string> = {
  $labels: '.Labels',
  $value: '.Value',
  $externalLabels: '.ExternalLabels',
  $externalURL: '.ExternalURL',
};

function isEnd(n: Node | EndNode): n is EndNode {
  return n.type === 'end' || n.type === 'else';
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly src: Source;
  private readonly trees = new Map<string, ParsedTree>();

  constructor(
    text: string,
    private readonly name: string,
    private readonly settings: ParseSettings,
  ) {
    this.tokens = lex(text);
    this.src = { name, text };
  }

  parse(): Map<string, ParsedTree> {
    this.vars = ['$', ...(this.settings.variables ?? [])];
    const root: ListNode = { type: 'list', pos: 0, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.i;
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition(delim);
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (isEnd(n)) {
        this.fail(
          n.pos,
          `unexpected ${nodeString(n)}`,
          `there is no {{if}}, {{range}}, {{with}} or {{define}} open for this {{${n.type}}}`,
        );
      }
      root.nodes.push(n);
    }
    this.add(this.name, root, 0);
    return this.trees;
  }

  // --- errors ---

  private fail(pos: number, detail: string, hint?: string): never {
    const { line, column } = lineColumn(this.src.text, pos);
    throw new TemplateError({ phase: 'parse', templateName: this.name, line, column, detail, hint });
  }

  private unexpected(t: Token, context: string): never {
    this.fail(
      t.pos,
      `unexpected ${describeToken(t)} in ${context}`,
      t.type === 'define' ? '{{define}} is allowed only at the top level, outside other actions' : undefined,
    );
  }

  // --- token stream ---

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.type === 'error') this.fail(t.pos, t.val, t.hint);
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Token {
    const t = this.tokens[this.i];
    if (t.type === 'error') this.fail(t.pos, t.val, t.hint);
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  /** Skips spaces, then peeks. */
  private peekNonSpace(): Token {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  // --- templates ---

  /** Go's rule: a second non-empty definition of a name in one text is an error; an empty one never replaces. */
  private add(name: string, root: ListNode, pos: number): void {
    const existing = this.trees.get(name);
    if (!existing || isEmptyTree(existing.root)) {
      this.trees.set(name, { name, root, src: this.src });
    } else if (!isEmptyTree(root)) {
      this.fail(pos, `multiple definition of template ${JSON.stringify(name)}`, 'give one of the definitions another name');
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, context);
    return this.unquote(t);
  }

  private unquote(t: Token): string {
    try {
      return unquote(t.val);
    } catch {
      return this.fail(t.pos, 'invalid syntax', 'check the escapes in the string: \\n \\t \\\\ \\" \\xHH \\uHHHH are allowed');
    }
  }

  /** A body of its own: fresh variables ($ only) and no enclosing range. */
  private separateBody<T>(parse: () => T): T {
    const vars = this.vars;
    const rangeDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return parse();
    } finally {
      this.vars = vars;
      this.rangeDepth = rangeDepth;
    }
  }

  private parseDefinition(delim: Token): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect('rightDelim', context);
    this.separateBody(() => {
      const [body, end] = this.itemList({ keyword: 'define', pos: delim.pos });
      if (end.type !== 'end') this.fail(end.pos, `unexpected ${nodeString(end)} in ${context}`);
      this.add(name, body, delim.pos);
    });
  }

  /** Nodes up to the {{end}} or {{else}} that closes them. */
  private itemList(opener: Opener): [ListNode, EndNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isEnd(n)) return [list, n];
      list.nodes.push(n);
    }
    return this.fail(opener.pos, 'unexpected EOF', `the {{${opener.keyword}}} here has no {{end}}`);
  }

  private textOrAction(): Node | EndNode {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return this.action(t);
    return this.unexpected(t, 'input');
  }

  private action(delim: Token): Node | EndNode {
    const t = this.nextNonSpace();
    const opener = { keyword: t.val, pos: delim.pos };
    switch (t.type) {
      case 'block':
        return this.blockControl(opener);
      case 'break':
      case 'continue':
        return this.loopControl(t);
      case 'else':
        return this.elseControl();
      case 'end':
        this.expect('rightDelim', 'end');
        return { type: 'end', pos: t.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.branchControl(t.type, opener);
      case 'template':
        return this.templateControl(t);
    }
    this.backup();
    const pos = this.peek().pos;
    // Variables declared here live until the {{end}} of the enclosing structure.
    return { type: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(t: Token): Node {
    const word = t.type as 'break' | 'continue';
    const after = this.nextNonSpace();
    if (after.type !== 'rightDelim') this.unexpected(after, `{{${word}}}`);
    if (this.rangeDepth === 0) this.fail(t.pos, `{{${word}}} outside {{range}}`, `{{${word}}} works only inside {{range}} ... {{end}}`);
    return { type: word, pos: t.pos };
  }

  private elseControl(): EndNode {
    const peek = this.peekNonSpace();
    // {{else if ...}} and {{else with ...}} leave the keyword for the enclosing structure.
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos };
    const t = this.expect('rightDelim', 'else');
    return { type: 'else', pos: t.pos };
  }

  private branchControl(type: 'if' | 'range' | 'with', opener: Opener): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(type, 'rightDelim');
      if (type === 'range') this.rangeDepth++;
      const [list, next] = this.itemList(opener);
      if (type === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // {{if a}}x{{else if b}}y{{end}} is {{if a}}x{{else}}{{if b}}y{{end}}{{end}}: the inner
        // structure's {{end}} closes both.
        const chained = this.peek().type;
        if ((type === 'if' && chained === 'if') || (type === 'with' && chained === 'with')) {
          const t = this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branchControl(chained, { keyword: `else ${t.val}`, pos: t.pos })] };
        } else {
          const [list2, end] = this.itemList({ keyword: 'else', pos: next.pos });
          if (end.type !== 'end') this.fail(end.pos, `expected end; found ${nodeString(end)}`, `{{${type}}} takes one {{else}}`);
          elseList = list2;
        }
      }
      return { type, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateControl(t: Token): TemplateNode {
    const context = 'template clause';
    const name = this.templateName(this.nextNonSpace(), context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: t.pos, name, pipe };
  }

  /** {{block "name" pipeline}}body{{end}}: defines "name" and executes it in place. */
  private blockControl(opener: Opener): TemplateNode {
    const context = 'block clause';
    const nameToken = this.nextNonSpace();
    const name = this.templateName(nameToken, context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.separateBody(() => {
      const [body, end] = this.itemList(opener);
      if (end.type !== 'end') this.fail(end.pos, `unexpected ${nodeString(end)} in ${context}`);
      this.add(name, body, opener.pos);
    });
    return { type: 'template', pos: nameToken.pos, name, pipe };
  }

  // --- pipelines ---

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const pipe: PipeNode = { type: 'pipe', pos: this.peekNonSpace().pos, decl: [], isAssign: false, cmds: [] };
    for (;;) {
      const save = this.i;
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.next();
      const after = this.peekNonSpace();
      if (after.type === 'assign' || after.type === 'declare') {
        this.next();
        pipe.isAssign = after.type === 'assign';
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        break;
      }
      if (after.type === 'char' && after.val === ',') {
        this.next();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.fail(after.pos, 'range can only initialize variables', 'write {{range $index, $element := pipeline}}');
        }
        this.fail(after.pos, `too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t);
        return pipe;
      }
      if (!OPERAND_START.has(t.type)) this.unexpected(t, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, end: Token): void {
    if (pipe.cmds.length === 0) {
      this.fail(
        end.pos,
        `missing value for ${context}`,
        context === 'command' ? 'an action needs something to print, e.g. {{ .Labels.job }}' : undefined,
      );
    }
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0].type;
      if (first === 'bool' || first === 'dot' || first === 'nil' || first === 'number' || first === 'string') {
        this.fail(c.pos, `non executable command in pipeline stage ${i + 2}`, 'only a function or method can receive a piped value');
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail(cmd.pos, 'empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
      case 'variable':
        return { ...node, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.fail(node.pos, `unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default:
        return { type: 'chain', pos: node.pos, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier': {
        const known = this.settings.functions;
        if (known && !known.has(t.val)) {
          const near = closest(t.val, known);
          this.fail(t.pos, `function ${JSON.stringify(t.val)} not defined`, near ? `did you mean ${JSON.stringify(near)}?` : undefined);
        }
        return { type: 'identifier', pos: t.pos, ident: t.val };
      }
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable':
        return this.useVar(t);
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'number':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: t.pos, quoted: t.val, text: this.unquote(t) };
    }
    this.backup();
    return undefined;
  }

  private useVar(t: Token): VariableNode {
    if (!this.vars.includes(t.val)) {
      const near = closest(
        t.val,
        this.vars.filter((v) => v !== '$'),
      );
      const field = ALERT_VARIABLE_FIELDS[t.val];
      const hint = near
        ? `did you mean ${near}?`
        : field
          ? `${t.val} exists only in alert rule templates; elsewhere use ${field}`
          : `declare it first: {{ ${t.val} := ... }}`;
      this.fail(t.pos, `undefined variable ${JSON.stringify(t.val)}`, hint);
    }
    return { type: 'variable', pos: t.pos, ident: [t.val] };
  }

  /** Go's NumberNode: the integer and float readings the literal has. */
  private number(t: Token): NumberNode {
    const node: NumberNode = { type: 'number', pos: t.pos, text: t.val, int: undefined, float: undefined };
    if (t.type === 'charConstant') {
      try {
        node.int = BigInt(unquoteRune(t.val));
      } catch (e) {
        this.fail(t.pos, (e as Error).message);
      }
      node.float = Number(node.int);
      return node;
    }
    if (t.val.endsWith('i') && !/^[+-]?0[xX]/.test(t.val)) this.fail(t.pos, `complex numbers are not supported: ${t.val}`);
    node.int = parseGoInt(t.val);
    if (node.int !== undefined) {
      node.float = Number(node.int);
      return node;
    }
    let f: number;
    try {
      f = parseGoFloat(t.val);
    } catch {
      return this.fail(t.pos, `illegal number syntax: ${JSON.stringify(t.val)}`);
    }
    // A float reading of something written like an integer means the integer overflowed.
    if (!/[.eEpP]/.test(t.val) || /^[+-]?0[xX][^pP]*$/.test(t.val)) {
      return this.fail(t.pos, `integer overflow: ${JSON.stringify(t.val)}`, 'integers in templates must fit in 64 bits');
    }
    node.float = f;
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) node.int = BigInt(f);
    return node;
  }
}
