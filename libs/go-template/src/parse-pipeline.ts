// Pipelines and their operands, as Go's text/template/parse reads them: variable
// declarations, commands joined by '|', fields, chains, constants and function names
// (checked against the known set when there is one), plus the token stream and the error
// reporting that parser.ts's control structures share.

import { parseGoFloat, parseGoInt, unquote, unquoteRune } from '@metrics-hub/go-format';
import { nodeString, type ArgNode, type CommandNode, type NumberNode, type PipeNode, type Source, type VariableNode } from './ast.ts';
import { TemplateError, closest, lineColumn } from './errors.ts';
import { describeToken, lex, type Token, type TokenType } from './lexer.ts';

export interface ParseSettings {
  /** Function names to check calls against, as Go does at parse time; unchecked when absent. */
  functions?: ReadonlySet<string> | undefined;
  /** Variables the main template may use without declaring them ($labels in alert templates). */
  variables?: readonly string[] | undefined;
  /** What to suggest when one of these variables is used undeclared and no declared name is close. */
  variableHints?: Readonly<Record<string, string>> | undefined;
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

export abstract class PipelineParser {
  protected readonly tokens: Token[];
  protected i = 0;
  protected vars: string[] = ['$'];
  protected readonly src: Source;

  constructor(
    text: string,
    protected readonly name: string,
    protected readonly settings: ParseSettings,
  ) {
    this.tokens = lex(text);
    this.src = { name, text };
  }

  // --- errors ---

  protected fail(pos: number, detail: string, hint?: string): never {
    const { line, column } = lineColumn(this.src.text, pos);
    throw new TemplateError({ phase: 'parse', templateName: this.name, line, column, detail, hint });
  }

  protected unexpected(t: Token, context: string): never {
    this.fail(
      t.pos,
      `unexpected ${describeToken(t)} in ${context}`,
      t.type === 'define' ? '{{define}} is allowed only at the top level, outside other actions' : undefined,
    );
  }

  // --- token stream ---

  protected next(): Token {
    const t = this.tokens[this.i];
    if (t.type === 'error') this.fail(t.pos, t.val, t.hint);
    if (t.type !== 'eof') this.i++;
    return t;
  }

  protected backup(): void {
    this.i--;
  }

  protected peek(): Token {
    const t = this.tokens[this.i];
    if (t.type === 'error') this.fail(t.pos, t.val, t.hint);
    return t;
  }

  protected nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  /** Skips spaces, then peeks. */
  protected peekNonSpace(): Token {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }

  protected expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  protected unquote(t: Token): string {
    try {
      return unquote(t.val);
    } catch {
      return this.fail(t.pos, 'invalid syntax', 'check the escapes in the string: \\n \\t \\\\ \\" \\xHH \\uHHHH are allowed');
    }
  }

  // --- pipelines ---

  protected pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
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
      const hints = this.settings.variableHints;
      const known = hints && Object.hasOwn(hints, t.val) ? hints[t.val] : undefined;
      const hint = near ? `did you mean ${near}?` : (known ?? `declare it first: {{ ${t.val} := ... }}`);
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
