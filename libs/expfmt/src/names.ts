// Names and strings: the legacy name character sets (names outside them are quoted),
// escaping for label values, quoted names and HELP text.

/** `[a-zA-Z_:]`: may start a metric name. */
export function isMetricNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

/** `[a-zA-Z0-9_:]`: may continue a metric name. */
export function isMetricNameChar(c: number): boolean {
  return isMetricNameStart(c) || (c >= 48 && c <= 57);
}

/** `[a-zA-Z_]`: may start a label name. */
export function isLabelNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** `[a-zA-Z0-9_]`: may continue a label name. */
export function isLabelNameChar(c: number): boolean {
  return isLabelNameStart(c) || (c >= 48 && c <= 57);
}

/** Whether a metric name can be written without quotes (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function isLegacyMetricName(s: string): boolean {
  if (s.length === 0 || !isMetricNameStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isMetricNameChar(s.charCodeAt(i))) return false;
  return true;
}

/** Whether a label name can be written without quotes (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function isLegacyLabelName(s: string): boolean {
  if (s.length === 0 || !isLabelNameStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isLabelNameChar(s.charCodeAt(i))) return false;
  return true;
}

/** Escapes `\`, `"` and line feed: label values, quoted names, OpenMetrics HELP. */
export function escapeQuoted(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34 || c === 10) {
      out += s.slice(from, i) + (c === 92 ? '\\\\' : c === 34 ? '\\"' : '\\n');
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Escapes `\` and line feed: HELP text of the Prometheus text format. */
export function escapeHelp(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 10) {
      out += s.slice(from, i) + (c === 92 ? '\\\\' : '\\n');
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * Resolves `\\`, `\n` and (when `quotes`) `\"` in `s`. Any other backslash stays as it
 * is, as Prometheus and the OpenMetrics grammar read it (`\a` is `\` then `a`).
 */
export function unescapeText(s: string, quotes: boolean): string {
  let i = s.indexOf('\\');
  if (i < 0) return s;
  let out = '';
  let from = 0;
  while (i >= 0 && i + 1 < s.length) {
    const c = s.charCodeAt(i + 1);
    if (c === 92 || c === 110 || (quotes && c === 34)) {
      out += s.slice(from, i) + (c === 92 ? '\\' : c === 110 ? '\n' : '"');
      from = i + 2;
      i = s.indexOf('\\', from);
    } else {
      i = s.indexOf('\\', i + 1);
    }
  }
  return out + s.slice(from);
}

/** `"x"` as a JSON-ish quoted string for messages, with control characters visible. */
export function quote(s: string): string {
  return JSON.stringify(s);
}
