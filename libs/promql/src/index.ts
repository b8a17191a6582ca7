export {
  Engine,
  DEFAULT_LIMITS,
  type QueryData,
  type QueryResult,
  type RangeQueryResult,
  type RangeSeries,
} from './engine.ts';
export { newQueryStats, type QueryStats } from './query-stats.ts';
export type { EngineLimits, QueryOptions, SampleCounter } from './eval-context.ts';
export { planShards, type ShardPlan } from './shard-plan.ts';
export { shardAnswerBuffers, type ShardAnswer, type ShardPart } from './shard-parts.ts';
export { PromqlError, type PromqlErrorType } from './errors.ts';
export { parseExpr, typeOf } from './parser.ts';
export {
  MemoryQueryable,
  type Queryable,
  type QueryableSeries,
  type SampleBlock,
  type SelectHints,
  type BucketHints,
  type BucketSelection,
} from './queryable.ts';
export type * from './ast.ts';
export { parsePromDuration, tryParsePromDuration, formatPromDuration } from './duration.ts';
