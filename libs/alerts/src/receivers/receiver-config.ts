// One receiver entry (an item of webhook_configs, slack_configs, ...) read with a libs/config
// schema, so every mistake names its field the way alerting.yml's own do: a wrong type, a
// missing value, or a key Alertmanager's loader would also reject as unknown (a typo such as
// `send_resolve` must not be silently ignored). The kinds receivers share live here.

import {
  childPlace,
  custom,
  kind,
  missingText,
  readValue,
  text,
  type FieldSpec,
  type Present,
  type Reading,
  type Schema,
} from '@metrics-hub/config';
import { promDurationMs } from '../config-kinds.ts';
import { ReceiverConfigError } from './errors.ts';

/** Reads `raw` by `schema`; throws a ReceiverConfigError naming the first problem's field and saying every problem. */
export function readReceiverConfig<T>(kindName: string, raw: unknown, schema: Schema<T>): T {
  // The whole entry is never shown: a Slack or webhook URL given in its place holds a token.
  const read = readValue(raw, schema, { label: '', secret: true });
  const [first] = read.problems;
  if (first) throw new ReceiverConfigError(kindName, first.field, read.problems.map((p) => p.message).join('; '));
  return read.value as T;
}

/** An absolute http:// or https:// URL (its value never shown: it may hold a token). */
export const httpUrl = kind<string>((raw) => {
  if (typeof raw !== 'string') return { error: 'must be an http:// or https:// URL' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'is not a URL' };
  }
  return url.protocol === 'http:' || url.protocol === 'https:'
    ? { value: raw }
    : { error: `must be an http:// or https:// URL, not ${url.protocol}` };
});

/** A duration longer than zero (a timeout of 0 would never fire), in milliseconds. */
export const positiveDuration = kind<number>((raw) => {
  const ms = typeof raw === 'string' || typeof raw === 'number' ? promDurationMs(String(raw)) : undefined;
  if (ms === undefined) return { error: 'must be a duration like 30s, 5m or 1h30m' };
  return ms > 0 ? { value: ms } : { error: 'must be longer than 0s' };
});

/** A required text field that may not be blank either. */
export function requiredText<T = string>(help?: string, schema: Schema<T> = text as Schema<T>): FieldSpec<T> & { required: true } {
  const nonBlank = custom<T>((place, reading) => {
    if (typeof place.node.value === 'string' && place.node.value.trim() === '') {
      reading.report(place, missingText(place.label, { help }));
      return undefined;
    }
    return schema.read(place, reading);
  });
  return { schema: nonBlank, required: true, help };
}

/**
 * Of two keys that say the same thing two ways (`url` and `url_file`), one may be set;
 * with `required`, one must be.
 */
export function eitherKey(place: Present, reading: Reading, a: string, b: string, required?: string): void {
  const hasA = childPlace(place, a).node?.value != null;
  const hasB = childPlace(place, b).node?.value != null;
  if (hasA && hasB) {
    const at = childPlace(place, b);
    reading.report(at, `${at.label} is set together with ${a}: set either ${a} or ${b}, not both`);
  } else if (!hasA && !hasB && required !== undefined) {
    const at = childPlace(place, a);
    reading.report(at, `${at.label} is required: ${required} (or ${b})`);
  }
}

/** Keys Alertmanager has that metrics-hub receivers do not implement: said so, rather than "unknown key". */
export function notImplemented(keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, 'remove it (metrics-hub receivers do not implement it)']));
}
