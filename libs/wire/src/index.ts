export { STALE_NAN, isStaleNaN } from './stale-nan.ts';
export { ChunkFormatError, type ChunkErrorCode } from './errors.ts';
export {
  encodeChunk,
  encodeChunkOnTimeline,
  decodeChunk,
  chunkHeader,
  type ChunkEncoding,
  type DecodedChunk,
  type ChunkHeader,
  type TimelineLookup,
} from './chunk.ts';
export { encodeTimeline, decodeTimeline, timelineChecksum, type Timeline, type TimelineRef } from './timeline.ts';
export { encodeColumns, decodeColumns, columnsHeader, type DecodedColumns } from './columns-chunk.ts';
export {
  LabelError,
  LABEL_LIMITS,
  METRIC_NAME_LABEL,
  canonicalLabels,
  formatLabels,
  labelsKey,
  labelsProblem,
  validateLabels,
  type Labels,
} from './labels.ts';
export { compileMatcher, compileAnchoredRegex, MatcherError, type CompiledMatcher, type LabelMatcher, type MatchType } from './matchers.ts';
export { compileSearchRegex, RegexSyntaxError, type AnchoredRegex, type RegexMatch, type SearchRegex } from './regex.ts';
export * from './rollup-columns.ts';
export {
  BATCH_LIMITS,
  BATCH_VERSION,
  BatchFormatError,
  batchRange,
  batchSamples,
  decodeBatch,
  encodeBatch,
  mergeBatches,
  type Batch,
  type BatchSeries,
} from './batch.ts';
export { crc32c } from './crc32c.ts';
export { shardOf, type ShardKey, type ShardSpec } from './shard.ts';
export {
  agentIdProblem,
  DEFAULT_TOPIC_PREFIX,
  decodeRefusedNotice,
  decodeStoredAck,
  encodeRefusedNotice,
  encodeStoredAck,
  parseAgentTopic,
  topics,
  type RefusalReason,
  type RefusedNotice,
} from './topics.ts';
export { parseBrokerUrl, type BrokerAddress } from './broker-url.ts';
