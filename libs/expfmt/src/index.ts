export * from './model.ts';
export { type ExpositionFormat, CONTENT_TYPES, formatFromContentType } from './format.ts';
export {
  type ParseOptions,
  type ParseProblem,
  type ParseResult,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_PROBLEMS,
  ExpositionParser,
  parseExposition,
  sniffFormat,
} from './parser.ts';
export { writeExposition } from './writer.ts';
export { formatFloat, formatSeconds } from './numbers.ts';
