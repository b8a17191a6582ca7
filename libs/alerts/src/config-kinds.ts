// Value kinds the Prometheus-shaped files share (rule files, alerting.yml and its
// receivers), for libs/config schemas: durations as Prometheus and Alertmanager parse them,
// and text as Go's YAML decoder reads it into a string field.

import { kind, type Schema } from '@metrics-hub/config';
import { parsePromDuration } from '@metrics-hub/promql';

/** Go's time.Duration holds at most this many milliseconds (int64 nanoseconds): longer is "out of range" there. */
const MAX_DURATION_MS = 9_223_372_036_854;

/** A Prometheus duration (`30s`, `1h30m`, `0`) in milliseconds, or undefined. Not trimmed: Prometheus does not trim either. */
export function promDurationMs(text: string): number | undefined {
  try {
    const ms = parsePromDuration(text);
    return Number.isSafeInteger(ms) && ms <= MAX_DURATION_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** `group_wait: 30s`, `for: 5m`: text (or the number 0) in Prometheus's duration syntax. */
export const promDuration: Schema<number> = kind<number>((raw) => {
  const ms = typeof raw === 'string' || typeof raw === 'number' ? promDurationMs(String(raw)) : undefined;
  return ms === undefined ? { error: 'must be a duration like 30s, 5m or 1h30m' } : { value: ms };
});

/** Any scalar as text (a label value `1` or `true` is the text "1" or "true"; empty is ""). */
export const scalarText: Schema<string> = kind<string>((raw) =>
  raw !== null && typeof raw === 'object' ? { error: 'must be text' } : { value: raw === null || raw === undefined ? '' : String(raw) },
);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why `name` is not a label name, or undefined. */
export function labelNameProblem(name: string): string | undefined {
  return LABEL_NAME.test(name)
    ? undefined
    : `${JSON.stringify(name)} is not a valid label name: use letters, digits and _, not starting with a digit`;
}
