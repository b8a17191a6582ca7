export { Engine, DEFAULT_LIMITS, type QueryData, type QueryResult } from './engine.ts';
export type { EngineLimits } from './eval-context.ts';
export { PromqlError, type PromqlErrorType } from './errors.ts';
export { parseExpr, typeOf } from './parser.ts';
// Go's number and string formatting, for callers that must print values as Prometheus does.
export { formatShortestF, goHtmlSafeJson, goJsonString, quote as goQuote } from './functions/go-format.ts';
export {
  MemoryQueryable,
  type Queryable,
  type QueryableSeries,
  type SampleBlock,
  type SelectHints,
  type BucketSelection,
} from './queryable.ts';
export type * from './ast.ts';
export { parsePromDuration, tryParsePromDuration, formatPromDuration } from './duration.ts';
