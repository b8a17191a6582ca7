// Go's text/template: parse once, execute many times, with Go's semantics and error texts.
// The engine knows only Go's builtins; callers (Prometheus's and Alertmanager's function
// sets in @metrics-hub/alerts) pass their functions in ParseOptions.funcs or to execute,
// declaring arity with `signature` and checking argument types with the expect* helpers.

export { TemplateError, ArgTypeError, type TemplatePhase } from './errors.ts';
export { parseTemplate, Template, DEFAULT_MAX_DEPTH, type ExecuteOptions, type ParseOptions } from './template.ts';
export type { FuncContext, MissingKey } from './exec.ts';
export { signature, expectString, expectStrings, wrongType, type TemplateFunction } from './signature.ts';
