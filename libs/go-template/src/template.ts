// A parsed template and the templates it can call, as Go's *template.Template: parse once,
// execute many times with different data. A library of definitions ({{define}} files, as
// Alertmanager loads them) can be shared by many templates without being parsed again.

import { isEmptyTree } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { execute, type MissingKey } from './exec.ts';
import { parseTrees, type ParsedTree } from './parser.ts';
import type { TemplateFunction } from './signature.ts';

export interface ParseOptions {
  /**
   * Functions the template may call. When given, calls to any other function fail at parse
   * time, as in Go; these are also the functions execute() uses by default.
   */
  funcs?: Readonly<Record<string, TemplateFunction>> | undefined;
  /** Definitions from other templates this one may call with {{template}}; its own override them. */
  library?: Template | undefined;
  /** Variables the template may use without declaring them (Prometheus's $labels and $value). */
  variables?: readonly string[] | undefined;
  /**
   * Hints for variables used without being declared, by name, when no declared name is
   * close enough to suggest ("$labels" -> "use .Labels outside alert rules").
   */
  variableHints?: Readonly<Record<string, string>> | undefined;
}

export interface ExecuteOptions {
  /** What a missing map key yields; 'zero' (as in Prometheus and Alertmanager) unless set. */
  missingKey?: MissingKey | undefined;
  /** Values of the variables declared with ParseOptions.variables, by name ("$labels"). */
  variables?: Readonly<Record<string, unknown>> | undefined;
  /** Limit on nested {{template}} calls; DEFAULT_MAX_DEPTH unless set. */
  maxDepth?: number | undefined;
}

/**
 * Go allows 100000 nested {{template}} calls; the JavaScript stack holds about 800 here,
 * so the limit is lower (deeper nesting fails with a TemplateError either way).
 */
export const DEFAULT_MAX_DEPTH = 500;

export class Template {
  /** @internal Use parseTemplate. */
  constructor(
    readonly name: string,
    private readonly trees: ReadonlyMap<string, ParsedTree>,
    private readonly funcs: Readonly<Record<string, TemplateFunction>>,
  ) {}

  /** Names of every template this one can execute or call (its own first). */
  get templateNames(): string[] {
    return [...this.trees.keys()].sort((a, b) => (a === this.name ? -1 : b === this.name ? 1 : a < b ? -1 : a > b ? 1 : 0));
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Renders this template with `data` as dot. Throws TemplateError. */
  execute(data: unknown, funcs?: Readonly<Record<string, TemplateFunction>>, options: ExecuteOptions = {}): string {
    return this.run(this.name, data, funcs, options, options.variables ?? {});
  }

  /** Renders one of the templates this one knows (a {{define}}), like Go's ExecuteTemplate. */
  executeTemplate(name: string, data: unknown, funcs?: Readonly<Record<string, TemplateFunction>>, options: ExecuteOptions = {}): string {
    return this.run(name, data, funcs, options, name === this.name ? (options.variables ?? {}) : {});
  }

  private run(
    name: string,
    data: unknown,
    funcs: Readonly<Record<string, TemplateFunction>> | undefined,
    options: ExecuteOptions,
    variables: Readonly<Record<string, unknown>>,
  ): string {
    return execute(name, data, {
      templates: this.trees,
      funcs: new Map(Object.entries(funcs ? { ...this.funcs, ...funcs } : this.funcs)),
      missingKey: options.missingKey ?? 'zero',
      variables,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    });
  }

  /** @internal For parseTemplate's library option. */
  definitions(): ReadonlyMap<string, ParsedTree> {
    return this.trees;
  }

  /** @internal */
  functions(): Readonly<Record<string, TemplateFunction>> {
    return this.funcs;
  }
}

/**
 * Parses Go template text. Throws TemplateError (with line and column) on a syntax error,
 * an undeclared variable, or a call to an unknown function when `options.funcs` is given.
 */
export function parseTemplate(text: string, name = 'template', options: ParseOptions = {}): Template {
  const library = options.library;
  const funcs = { ...library?.functions(), ...options.funcs };
  const functions = options.funcs ? new Set([...BUILTINS.keys(), ...Object.keys(funcs)]) : undefined;
  const own = parseTrees(text, name, { functions, variables: options.variables, variableHints: options.variableHints });
  const trees = new Map(library?.definitions());
  for (const [n, tree] of own) {
    // As Go's AddParseTree: an empty definition does not replace one with content.
    const old = trees.get(n);
    if (old && isEmptyTree(tree.root) && !isEmptyTree(old.root)) continue;
    trees.set(n, tree);
  }
  return new Template(name, trees, funcs);
}
