// `match[]` selectors and label names in paths, read as Prometheus reads them: each
// match[] is one series selector (the PromQL parser's, so line:column errors and
// Prometheus 3's quoted UTF-8 names come for free), several are a union.

import { quote as goQuote } from '@metrics-hub/go-format';
import { parseExpr, PromqlError } from '@metrics-hub/promql';
import type { LabelMatcher } from '@metrics-hub/wire';
import { ApiError, invalidParam } from './api-error.ts';

/**
 * Each selector's matchers. A selector must be a plain series selector: no functions,
 * operators, ranges, offsets or `@`. An error names the parameter and the place.
 */
export function parseMatchers(selectors: readonly string[], param = 'match[]'): LabelMatcher[][] {
  return selectors.map((text) => {
    let expr;
    try {
      expr = parseExpr(text);
    } catch (e) {
      if (e instanceof PromqlError) throw invalidParam(param, e.message);
      throw e;
    }
    if (expr.type !== 'vectorSelector' || expr.offset || expr.at) {
      const shown = new PromqlError(
        'bad_data',
        'parse error: expected a series selector such as up{job="node"}, not an expression',
        text,
        expr.pos,
      );
      throw invalidParam(param, shown.message);
    }
    return expr.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value }));
  });
}

/**
 * model.UnescapeName with the value-encoding scheme: `U__` + the name with `_` doubled
 * and other characters outside [a-zA-Z0-9:] as `_<hex code point>_`. A name that is not a
 * valid escape stays as it is, as in Prometheus.
 */
export function unescapeLabelName(name: string): string {
  if (!name.startsWith('U__')) return name;
  const escaped = name.slice(3);
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] !== '_') {
      out += escaped[i];
      continue;
    }
    i++;
    if (i >= escaped.length) return name;
    if (escaped[i] === '_') {
      out += '_';
      continue;
    }
    const close = escaped.indexOf('_', i);
    const hex = close < 0 ? '' : escaped.slice(i, close);
    if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return name;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return name;
    out += String.fromCodePoint(code);
    i = close;
  }
  return out;
}

/** The `<name>` of /api/v1/label/<name>/values: percent-decoded, unescaped, non-empty. */
export function labelNameFromPath(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new ApiError('bad_data', `invalid label name: ${goQuote(segment)}`);
  }
  const name = unescapeLabelName(decoded);
  if (name === '') throw new ApiError('bad_data', 'invalid label name: ""');
  return name;
}
