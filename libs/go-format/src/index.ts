// Go's formatting, byte for byte, for everything that must print what Prometheus and
// Alertmanager print: strconv, fmt, encoding/json, time and the escapers. Values follow
// the model in values.ts (number is float64, bigint is int, ...).

export { formatFloat, type FloatFormat } from './format-float.ts';
export { canBackquote, isPrintable, quote, quoteRune } from './quote.ts';
export { NumberSyntaxError, parseGoFloat, parseGoInt, unquote, unquotePrometheus, unquoteRune } from './parse.ts';
export { printArg } from './print-arg.ts';
export { sprint, sprintf, sprintln } from './sprintf.ts';
export { goJson, goJsonString, marshalJSON, sortedKeys } from './json.ts';
export { jsonLabels, jsonPointTime, jsonPointValue } from './prometheus-json.ts';
export { htmlEscape, jsEscape, queryEscape, queryUnescape } from './escape.ts';
export { GoDuration, GoTime } from './time.ts';
export { RFC3339, UTC, type Zone } from './time-layout.ts';
export { utf8Bytes, utf8Decode, utf8Length } from './utf8.ts';
export {
  anyMap,
  compareStrings,
  findMethod,
  goTypeName,
  kindOf,
  mapLookup,
  mapSize,
  mapZero,
  sortedEntries,
  stringMap,
  structField,
  type Kind,
} from './values.ts';
