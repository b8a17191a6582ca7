export { createPrometheusApi, type PrometheusApiHandler } from './handler.ts';
export type { ApiBackend, ApiOptions, BuildInfo, MetricMetadataEntry } from './backend.ts';
export { ApiError, invalidParam, toApiError, type ApiErrorType } from './api-error.ts';
export { Form, readForm, parseUrlEncoded, DEFAULT_MAX_BODY_BYTES } from './form.ts';
export { sendJson, sendSuccess, sendError, acceptsGzip, type SendOptions } from './responses.ts';
export { parseTime, parseDuration, MIN_TIME_MS, MAX_TIME_MS } from './params.ts';
export { parseMatchers, unescapeLabelName } from './selectors.ts';
export { parseRulesFilter, type RulesFilter } from './rules-filter.ts';
export { formatPointTime, formatPointValue, formatScalarValue, queryDataJson, successJson, errorJson } from './format.ts';
export {
  instantJob,
  rangeJob,
  runQueryJob,
  queryJobPieces,
  jobEngine,
  jobLimits,
  type AnswerPieces,
  type QueryJob,
  type RangeEvaluator,
} from './query-job.ts';
export { encodeSuccess, encodeSuccessPieces, encodeError, sendEncoded } from './encoded-answer.ts';
export type { AnswerEncoding, EncodedAnswer, EndpointData } from './endpoint.ts';
