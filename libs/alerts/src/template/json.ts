// encoding/json's Marshal for template values (Alertmanager's toJson): map keys sorted,
// <, > and & escaped as \u003c..., floats as Go writes them (1e+21 becomes 1e21, small
// exponents lose their leading zero), NaN and infinities refused.

import { goJsonString as jsonString } from '@metrics-hub/promql';
import { formatFloat } from './format.ts';
import { kindOf, sortedEntries, structFields } from './values.ts';

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  const exp = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  let s = formatFloat(f, exp ? 'e' : 'f', -1);
  // Go writes e-07 as e-7.
  if (exp) s = s.replace(/e([+-])0(\d)$/, 'e$1$2');
  return s;
}

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
      return jsonString(v as string);
    case 'slice':
      return `[${(v as unknown[]).map((x) => marshalJSON(x, depth + 1)).join(',')}]`;
    case 'map':
      return `{${sortedEntries(v as object)
        .map(([k, x]) => `${jsonString(String(k))}:${marshalJSON(x, depth + 1)}`)
        .join(',')}}`;
    case 'struct':
      return `{${structFields(v as object)
        .map(([k, x]) => `${jsonString(k)}:${marshalJSON(x, depth + 1)}`)
        .join(',')}}`;
    default:
      throw new Error('json: unsupported type: func');
  }
}
