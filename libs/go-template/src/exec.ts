// Walks a parsed template over data the way Go's text/template executes it: pipelines
// feed each command's result to the next as its last argument, variables live until the
// {{end}} of the structure that declared them, {{template}} starts afresh with only $,
// fields resolve to methods first, then struct fields or map keys. Errors name the
// template being executed and quote the node at fault, as Go's do.

import {
  nodeString,
  type AnyNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type IdentifierNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type Source,
  type TemplateNode,
  type VariableNode,
} from './ast.ts';
import { findMethod, goTypeName, kindOf, mapLookup, mapZero, printArg, sortedEntries, structField } from '@metrics-hub/go-format';
import { BUILTINS, truth } from './builtins.ts';
import { ArgTypeError, TemplateError, closest, lineColumn } from './errors.ts';
import type { ParsedTree } from './parser.ts';
import { arityOf, type TemplateFunction } from './signature.ts';

/**
 * What a missing map key yields (Go's "missingkey" option): 'default' nil (printed as
 * "<no value>"), 'zero' the zero value of the map's element type ("" for label maps),
 * 'error' an error. Prometheus and Alertmanager both use 'zero'.
 */
export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecSettings {
  readonly templates: ReadonlyMap<string, ParsedTree>;
  /** Functions by name; they take precedence over the builtins, as in Go. */
  readonly funcs: ReadonlyMap<string, TemplateFunction>;
  readonly missingKey: MissingKey;
  /** Variables the main template starts with besides $ (the alert preamble's $labels, ...). */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Nesting of {{template}} calls allowed before giving up. */
  readonly maxDepth: number;
}

/** What template functions see as `this`: the data the execution started with. */
export interface FuncContext {
  readonly data: unknown;
  readonly templateName: string;
}

/** Marks "no value piped in" (Go's missingVal), distinct from a piped nil. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

const BREAK = { signal: 'break' };
const CONTINUE = { signal: 'continue' };

interface Variable {
  name: string;
  value: unknown;
}

/** Executes template `name` with `data` as dot; returns the output. */
export function execute(name: string, data: unknown, settings: ExecSettings): string {
  const tree = settings.templates.get(name);
  if (!tree) {
    const detail = `no template ${JSON.stringify(name)} associated with template`;
    throw new TemplateError({ phase: 'execute', templateName: name, line: 0, column: 0, detail, message: `template: ${detail}` });
  }
  const state = new State(settings, tree, data);
  try {
    state.walk(data, tree.root);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) state.fail('template nesting too deep for the JavaScript stack');
    throw e;
  }
  return state.out;
}

class State {
  out = '';
  private vars: Variable[];
  private node: AnyNode | undefined;
  private tmplName: string;
  private src: Source;
  private depth = 0;
  private readonly ctx: FuncContext;

  constructor(
    private readonly s: ExecSettings,
    tree: ParsedTree,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }, ...Object.entries(s.variables).map(([name, value]) => ({ name, value }))];
    this.tmplName = tree.name;
    this.src = tree.src;
    this.ctx = { data, templateName: tree.name };
  }

  fail(detail: string, hint?: string): never {
    const n = this.node;
    if (!n) {
      throw new TemplateError({
        phase: 'execute',
        templateName: this.src.name,
        line: 0,
        column: 0,
        detail,
        hint,
        message: `template: ${this.tmplName}: ${detail}`,
      });
    }
    const { line, column } = lineColumn(this.src.text, n.pos);
    const chars = [...nodeString(n)];
    const context = chars.length > 20 ? `${chars.slice(0, 20).join('')}...` : chars.join('');
    throw new TemplateError({
      phase: 'execute',
      templateName: this.src.name,
      line,
      column,
      detail,
      hint,
      message: `template: ${this.src.name}:${line}:${column}: executing ${JSON.stringify(this.tmplName)} at <${context}>: ${detail}`,
    });
  }

  // --- statements ---

  walk(dot: unknown, node: Node): void {
    this.node = node;
    switch (node.type) {
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(node, dot);
      case 'range':
        return this.walkRange(node, dot);
      case 'template':
        return this.walkTemplate(node, dot);
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private walkIfOrWith(node: BranchNode, dot: unknown): void {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, node.pipe);
      if (truth(value)) this.walk(node.type === 'with' ? value : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(r: BranchNode, dot: unknown): void {
    this.node = r;
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, r.pipe);
      const bodyMark = this.vars.length;
      const { decl, isAssign } = r.pipe;
      const oneIteration = (index: unknown, elem: unknown) => {
        // The pipeline pushed one variable per declaration; with two, the first gets the index.
        if (decl.length > 0) {
          if (isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (isAssign) this.setVar(decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = bodyMark;
        }
      };
      let ran = false;
      switch (kindOf(value)) {
        case 'slice':
          (value as unknown[]).forEach((elem, i) => {
            ran = true;
            oneIteration(BigInt(i), elem);
          });
          break;
        case 'map':
          for (const [k, v] of sortedEntries(value as object)) {
            ran = true;
            oneIteration(k, v);
          }
          break;
        case 'int':
          this.node = r;
          if (decl.length > 1) this.fail(`can't use ${printArg(value, 'v')} to iterate over more than one variable`);
          for (let i = 0n; i < (value as bigint); i++) {
            ran = true;
            oneIteration(undefined, i);
          }
          break;
        case 'nil':
          break;
        default:
          this.node = r;
          this.fail(`range can't iterate over ${printArg(value, 'v')}`);
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(t: TemplateNode, dot: unknown): void {
    this.node = t;
    const tree = this.s.templates.get(t.name);
    if (!tree) {
      const near = closest(t.name, this.s.templates.keys());
      this.fail(
        `template ${JSON.stringify(t.name)} not defined`,
        near ? `did you mean ${JSON.stringify(near)}?` : `define it with {{define ${JSON.stringify(t.name)}}}...{{end}}`,
      );
    }
    if (this.depth >= this.s.maxDepth) this.fail(`exceeded maximum template depth (${this.s.maxDepth})`);
    // The pipeline's variables stay in the caller's scope; the callee sees none of them.
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = { vars: this.vars, tmplName: this.tmplName, src: this.src };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = t.name;
    this.src = tree.src;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.tmplName;
      this.src = saved.src;
    }
  }

  private printValue(node: Node, value: unknown): void {
    this.node = node;
    if (value === undefined || value === null) {
      this.out += '<no value>';
      return;
    }
    if (typeof value === 'function') this.fail(`can't print ${nodeString(node)} of type func`);
    this.out += printArg(value, 'v');
  }

  // --- variables ---

  private lookupVar(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i];
    return this.fail(`undefined variable: ${name}`, `declare it with {{ ${name} := ... }} before assigning to it`);
  }

  private setVar(name: string, value: unknown): void {
    this.lookupVar(name).value = value;
  }

  // --- expressions ---

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const args = cmd.args;
    const first = args[0];
    switch (first.type) {
      case 'field':
        this.node = first;
        return this.evalFieldChain(dot, dot, first, first.ident, args, final);
      case 'chain':
        return this.evalChain(dot, first, args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, args, final);
      case 'pipe':
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, args, final);
    }
    this.node = first;
    this.notAFunction(args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.fail('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  /** A number literal with no type to convert to: float64 when written like one, else int. */
  private idealConstant(n: NumberNode): unknown {
    this.node = n;
    const t = n.text;
    const hexInt = t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t);
    if (n.float !== undefined && !hexInt && t[0] !== "'" && /[.eEpP]/.test(t)) return n.float;
    if (n.int !== undefined) return n.int;
    return this.fail(`${t} overflows int`);
  }

  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.node = n;
    switch (n.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING);
      case 'variable':
        return this.evalVariable(dot, n, [], MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
      case 'identifier':
        return this.evalFunction(dot, n, n, [n], MISSING);
      case 'chain':
        return this.evalChain(dot, n, [], MISSING);
      case 'bool':
        return n.value;
      case 'string':
        return n.text;
      case 'number':
        return this.idealConstant(n);
    }
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: AnyNode, args: ArgNode[], final: Final): unknown {
    this.node = node;
    const name = node.ident;
    const fn = this.s.funcs.get(name) ?? BUILTINS.get(name);
    if (!fn) {
      const near = closest(name, [...this.s.funcs.keys(), ...BUILTINS.keys()]);
      this.fail(`${JSON.stringify(name)} is not a defined function`, near ? `did you mean ${JSON.stringify(near)}?` : undefined);
    }
    const builtin = !this.s.funcs.has(name);
    return this.evalCall(dot, fn, builtin, cmd, name, args, final, this.ctx);
  }

  private evalCall(
    dot: unknown,
    fn: TemplateFunction,
    builtin: boolean,
    node: AnyNode,
    name: string,
    args: ArgNode[],
    final: Final,
    self: unknown,
  ): unknown {
    const argNodes = args.slice(1);
    const count = argNodes.length + (final === MISSING ? 0 : 1);
    const arity = arityOf(fn);
    if (arity && (arity.variadic ? count < arity.params : count !== arity.params)) {
      this.fail(`wrong number of args for ${name}: want ${arity.variadic ? 'at least ' : ''}${arity.params} got ${count}`);
    }
    if (builtin && (name === 'and' || name === 'or')) {
      // Evaluated lazily: the first argument that decides the result is the result.
      let value: unknown;
      for (const a of argNodes) {
        value = this.evalArg(dot, a);
        if (truth(value) === (name === 'or')) return value;
      }
      return final === MISSING ? value : final;
    }
    const values = argNodes.map((a) => this.evalArg(dot, a));
    if (final !== MISSING) values.push(final);
    try {
      return (fn as (...a: unknown[]) => unknown).apply(self, values);
    } catch (e) {
      this.node = node;
      if (e instanceof TemplateError || (e instanceof RangeError && /call stack/i.test(e.message))) throw e;
      if (e instanceof ArgTypeError) this.fail(e.message);
      const message = e instanceof Error ? e.message : String(e);
      const hint = /incompatible types for comparison/.test(message)
        ? 'an int and a float64 never compare: write the number with a decimal point (e.g. 10.0) when comparing it with $value'
        : undefined;
      return this.fail(`error calling ${name}: ${message}`, hint);
    }
  }

  private evalVariable(dot: unknown, v: VariableNode, args: ArgNode[], final: Final): unknown {
    this.node = v;
    const value = this.lookupVar(v.ident[0]).value;
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalChain(dot: unknown, chain: ChainNode, args: ArgNode[], final: Final): unknown {
    this.node = chain;
    if (chain.node.type === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.field, args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: AnyNode, ident: string[], args: ArgNode[], final: Final): unknown {
    for (let i = 0; i < ident.length - 1; i++) receiver = this.evalField(dot, ident[i], node, [], MISSING, receiver);
    return this.evalField(dot, ident[ident.length - 1], node, args, final, receiver);
  }

  private evalField(dot: unknown, name: string, node: AnyNode, args: ArgNode[], final: Final, receiver: unknown): unknown {
    this.node = node;
    const kind = kindOf(receiver);
    if (kind === 'nil') {
      if (this.s.missingKey === 'error') this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    const method = findMethod(receiver, name);
    if (method) return this.evalCall(dot, method, false, node, name, args, final, receiver);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (kind === 'struct') {
      const { found, value } = structField(receiver as object, name);
      if (found) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return value;
      }
    } else if (kind === 'map') {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      const { found, value } = mapLookup(receiver as object, name);
      if (found) return value;
      if (this.s.missingKey === 'zero') return mapZero(receiver as object);
      if (this.s.missingKey === 'error') this.fail(`map has no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    let hint: string | undefined;
    if (kind === 'struct' || kind === 'slice') {
      const near = closest(name, memberNames(receiver as object));
      if (near) hint = `did you mean .${near}?`;
    }
    return this.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`, hint);
  }
}

/** Fields and methods of a struct-like value, for "did you mean" hints. */
function memberNames(v: object): string[] {
  const names = new Set(Object.keys(v));
  for (
    let p = Object.getPrototypeOf(v);
    p && p !== Object.prototype && p !== Array.prototype && p !== Map.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor') names.add(k);
  }
  return [...names];
}
