// encoding/json as Go writes it: strings with <, >, & and the two line separators escaped
// (JavaScript leaves them as they are), map keys sorted by bytes, floats in Go's notation
// (1e+21 becomes 1e21, small exponents lose their leading zero), NaN and infinities refused.

import { formatFloat } from './format-float.ts';
import { compareStrings, kindOf, sortedEntries, structFields } from './values.ts';

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c and so on, as Go's encoder writes them. */
function goHtmlSafeJson(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as Go's encoding/json writes it. */
export function goJsonString(s: string): string {
  return goHtmlSafeJson(JSON.stringify(s));
}

/**
 * JSON as Go's json.Encoder writes it: object keys in the order given (Go writes struct
 * fields in declaration order; callers sort map keys themselves with `sortedKeys`),
 * <, > and & escaped as \u003c, \u003e, \u0026, and a trailing newline.
 */
export function goJson(value: unknown): string {
  return `${goHtmlSafeJson(JSON.stringify(value))}\n`;
}

/** A copy with keys in byte order, as Go marshals a map[string]string. */
export function sortedKeys(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort(compareStrings)) out[k] = map[k];
  return out;
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  const exp = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  let s = formatFloat(f, exp ? 'e' : 'f', -1);
  // Go writes e-07 as e-7.
  if (exp) s = s.replace(/e([+-])0(\d)$/, 'e$1$2');
  return s;
}

/** json.Marshal of a Go value (see values.ts): what Alertmanager's toJson gives templates. */
export function marshalJSON(v: unknown, depth = 0): string {
  if (depth > 100) throw new Error('json: unsupported value: encountered a cycle');
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return marshalJSON((v as { toJSON(): unknown }).toJSON(), depth + 1);
  }
  switch (kindOf(v)) {
    case 'nil':
      return 'null';
    case 'bool':
      return String(v);
    case 'int':
      return (v as bigint).toString();
    case 'float':
      return jsonFloat(v as number);
    case 'string':
      return goJsonString(v as string);
    case 'slice':
      return `[${(v as unknown[]).map((x) => marshalJSON(x, depth + 1)).join(',')}]`;
    case 'map':
      return `{${sortedEntries(v as object)
        .map(([k, x]) => `${goJsonString(String(k))}:${marshalJSON(x, depth + 1)}`)
        .join(',')}}`;
    case 'struct':
      return `{${structFields(v as object)
        .map(([k, x]) => `${goJsonString(k)}:${marshalJSON(x, depth + 1)}`)
        .join(',')}}`;
    default:
      throw new Error('json: unsupported type: func');
  }
}
