// Label sets as Prometheus defines them: a metric name in `__name__` plus label pairs.
// Names follow Prometheus's classic character set so that every exporter, rule and
// dashboard written for Prometheus keeps working; values are any well-formed UTF-8 text.

export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME_LABEL = '__name__';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Limits that keep one hostile series from bloating the index. */
export const LABEL_LIMITS = {
  maxLabels: 64,
  maxNameLength: 256,
  maxValueLength: 4096,
} as const;

export class LabelError extends Error {
  readonly code = 'invalid_labels';
  constructor(
    message: string,
    readonly labels: Labels,
  ) {
    super(message);
    this.name = 'LabelError';
  }
}

/** Why `labels` is not a valid series identity, or undefined when it is. */
export function labelsProblem(labels: Labels): string | undefined {
  const name = labels[METRIC_NAME_LABEL];
  if (name === undefined || name === '') return 'the metric name (__name__) is missing';
  if (!METRIC_NAME.test(name)) {
    return `metric name ${JSON.stringify(name)} is invalid: use letters, digits, '_' and ':', not starting with a digit`;
  }
  let count = 0;
  for (const key in labels) {
    count++;
    const value = labels[key];
    if (key.length > LABEL_LIMITS.maxNameLength)
      return `label name ${JSON.stringify(key.slice(0, 40))}... is longer than ${LABEL_LIMITS.maxNameLength} characters`;
    if (!LABEL_NAME.test(key)) {
      return `label name ${JSON.stringify(key)} is invalid: use letters, digits and '_', not starting with a digit`;
    }
    if (typeof value !== 'string') return `label ${key} has a non-string value`;
    if (value.length > LABEL_LIMITS.maxValueLength) return `label ${key} has a value longer than ${LABEL_LIMITS.maxValueLength} characters`;
    if (!isWellFormedUtf16(value)) return `label ${key} has a value that is not valid UTF-8 text`;
  }
  if (count > LABEL_LIMITS.maxLabels) return `series has ${count} labels, more than the limit of ${LABEL_LIMITS.maxLabels}`;
  return undefined;
}

export function validateLabels(labels: Labels): void {
  const problem = labelsProblem(labels);
  if (problem) throw new LabelError(`${problem} in ${formatLabels(labels)}`, labels);
}

/**
 * A stable identity for a label set: names sorted, empty values dropped (Prometheus treats
 * an empty value as an absent label), joined by separators that cannot occur in names.
 */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) {
    const value = labels[name];
    if (value === '') continue;
    key += `${name}\u0000${value}\u0001`;
  }
  return key;
}

/** The label set with empty values dropped and names sorted (the stored canonical form). */
export function canonicalLabels(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    if (labels[name] !== '') out[name] = labels[name];
  }
  return out;
}

/** `name{a="b", c="d"}` like Prometheus prints series. */
export function formatLabels(labels: Labels): string {
  const name = labels[METRIC_NAME_LABEL] ?? '';
  const pairs = Object.keys(labels)
    .filter((k) => k !== METRIC_NAME_LABEL)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

function isWellFormedUtf16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}
