// Prometheus rule files: `groups:` of alerting and recording rules, read and checked the
// way `promtool check rules` does (through a libs/config schema), every problem named with
// its file, line, group and rule and a hint at the fix. A file with any problem is refused
// whole: a manager keeps running the last good version of it.

import {
  childPlace,
  custom,
  entryOf,
  isMapping,
  list,
  mapOf,
  object,
  readYaml,
  transform,
  wholeNumber,
  type ConfigNode,
  type Place,
  type Schema,
} from '@metrics-hub/config';
import { parseExpr, PromqlError, type Expr } from '@metrics-hub/promql';
import { labelsProblem } from '@metrics-hub/wire';
import { promDuration, scalarText } from '../config-kinds.ts';

export interface RuleFile {
  file: string;
  groups: RuleGroup[];
}

export interface RuleGroup {
  name: string;
  file: string;
  /** 0 = the manager's default interval. */
  intervalMs: number;
  /** Evaluate as of this long ago (data that arrives late is then complete). */
  queryOffsetMs: number;
  /** Most alerts or series a rule may produce per evaluation; 0 = no limit. */
  limit: number;
  /** Added to every rule's labels (Prometheus 3 group labels). */
  labels: Record<string, string>;
  rules: Rule[];
}

export type Rule = AlertingRuleSpec | RecordingRuleSpec;

interface RuleBase {
  expr: string;
  parsed: Expr;
  labels: Record<string, string>;
  /** 1-based line of the rule in its file. */
  line: number;
}

export interface AlertingRuleSpec extends RuleBase {
  kind: 'alert';
  name: string;
  forMs: number;
  keepFiringForMs: number;
  annotations: Record<string, string>;
}

export interface RecordingRuleSpec extends RuleBase {
  kind: 'record';
  name: string;
}

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'RuleFileError';
  }
}

type TemplateCheck = (template: string) => string | undefined;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ONLY_ALERTS = 'only alerting rules have it: remove it, or make the rule an alerting rule (alert: <name>)';

/**
 * Parses and checks a rule file. `checkTemplate` validates annotation and label templates
 * (returns a problem or undefined); without it they are taken as they are.
 */
export function parseRuleFile(text: string, file: string, checkTemplate?: TemplateCheck): RuleFile {
  const read = readYaml(text, file, ruleFileSchema(file, checkTemplate));
  if (read.problems.length || !read.value) throw new RuleFileError(file, read.problems);
  return read.value;
}

function ruleFileSchema(file: string, checkTemplate: TemplateCheck | undefined): Schema<RuleFile> {
  // Labels of a group or recording rule become series labels as they are; an alerting
  // rule's are templates, checked by name here and expanded per alert.
  const seriesLabels = labelMap(
    (name, value) => (name.startsWith('__') ? 'names starting with __ are reserved' : labelsProblem({ __name__: 'x', [name]: value })),
    checkTemplate,
  );
  const alertLabels = labelMap(
    (name) =>
      name.startsWith('__')
        ? 'names starting with __ are reserved'
        : LABEL_NAME.test(name)
          ? undefined
          : 'invalid label name: use letters, digits and _, not starting with a digit',
    checkTemplate,
  );
  const annotations = labelMap(() => undefined, checkTemplate);
  const forHelp = 'how long the condition must hold before the alert fires';
  const alertFields = object(
    {
      alert: scalarText,
      expr: scalarText,
      for: { schema: promDuration, default: 0, help: forHelp },
      keep_firing_for: { schema: promDuration, default: 0, help: 'how long the alert keeps firing after the condition clears' },
      labels: { schema: alertLabels, default: {} },
      annotations: { schema: annotations, default: {} },
    },
    { expected: 'a mapping (alert:, expr:, for:, labels:, annotations:)' },
  );
  const recordFields = object(
    { record: scalarText, expr: scalarText, labels: { schema: seriesLabels, default: {} } },
    {
      expected: 'a mapping (record:, expr:, labels:)',
      notSupported: { for: ONLY_ALERTS, keep_firing_for: ONLY_ALERTS, annotations: ONLY_ALERTS },
    },
  );

  const rule = custom<Rule>((place, reading) => {
    if (!place.node.entries) {
      reading.invalid(place, 'must be a mapping (alert: or record:, expr:, ...)');
      return undefined;
    }
    const isAlert = entryOf(place.node, 'alert') !== undefined;
    if (isAlert === (entryOf(place.node, 'record') !== undefined)) {
      reading.report(
        childPlace(place, 'alert'),
        `${place.label}: needs exactly one of "alert:" (an alerting rule) or "record:" (a recording rule)`,
      );
      return undefined;
    }
    const v = isAlert ? alertFields.read(place, reading) : recordFields.read(place, reading);
    if (!v) return undefined;
    const kind = isAlert ? 'alert' : 'record';
    const name = ('alert' in v ? v.alert : v.record) ?? '';
    if (!name) reading.report(childPlace(place, kind), `${place.label}: the ${kind} name is empty`);
    else if (!isAlert && !METRIC_NAME.test(name))
      reading.report(
        childPlace(place, kind),
        `${place.label}: ${JSON.stringify(name)} is not a valid metric name: use letters, digits, _ and :`,
      );
    const parsed = promql(v.expr, childPlace(place, 'expr'), place, reading);
    if (!parsed) return undefined;
    const base = { name, expr: v.expr!, parsed, labels: v.labels, line: place.line ?? 1 };
    return 'alert' in v
      ? { kind: 'alert', ...base, forMs: v.for, keepFiringForMs: v.keep_firing_for, annotations: v.annotations }
      : { kind: 'record', ...base };
  });

  const groupNames = new Set<string>();
  const group = transform(
    object(
      {
        name: scalarText,
        interval: { schema: promDuration, default: 0, help: "how often the group's rules run (default: the hub's evaluation_interval)" },
        query_offset: { schema: promDuration, default: 0, help: 'how long ago the rules evaluate as of, so that late data is complete' },
        limit: { schema: wholeNumber, default: 0, help: 'most alerts or series a rule may produce per evaluation; 0 for no limit' },
        labels: { schema: seriesLabels, default: {} },
        rules: { schema: list(rule, { itemLabel: ruleLabel }), default: [] },
      },
      { expected: 'a mapping with name and rules' },
    ),
    (v, place, reading): RuleGroup => {
      const name = v.name ?? '';
      const namePlace = childPlace(place, 'name');
      if (!name) reading.report(namePlace, `${place.label}: has no name: every group needs "name:"`);
      else if (groupNames.has(name))
        reading.report(namePlace, `${place.label}: the name is used twice in this file: group names must be unique per file`);
      groupNames.add(name);
      return { name, file, intervalMs: v.interval, queryOffsetMs: v.query_offset, limit: v.limit, labels: v.labels, rules: v.rules };
    },
  );

  return transform(
    object({ groups: { schema: list(group, { itemLabel: groupLabel }), default: [] } }, { expected: 'a mapping with a "groups" list' }),
    (v) => ({ file, groups: v.groups }),
  );
}

/** A mapping of names to text values; `problem` checks each name, `checkTemplate` each value. */
function labelMap(problem: (name: string, value: string) => string | undefined, checkTemplate: TemplateCheck | undefined) {
  return transform(mapOf(scalarText, { expected: 'a mapping of names to values' }), (map, place, reading) => {
    for (const [name, value] of Object.entries(map)) {
      const p = problem(name, value);
      if (p) reading.report(childPlace(place, name), `${place.label}: label ${JSON.stringify(name)}: ${p}`);
      const t = checkTemplate?.(value);
      if (t) reading.report(childPlace(place, name), `${place.label}: template of ${JSON.stringify(name)}: ${t}`);
    }
    return map;
  });
}

/** The parsed `expr`, or undefined with the problem reported. */
function promql(
  expr: string | undefined,
  at: Place,
  rule: Place,
  reading: { report(place: Place, message: string): void },
): Expr | undefined {
  if (!expr) {
    reading.report(at, `${rule.label}: has no expr: give the PromQL expression to evaluate`);
    return undefined;
  }
  try {
    return parseExpr(expr);
  } catch (e) {
    reading.report(at, `${at.label}: ${e instanceof PromqlError ? e.message : (e as Error).message}`);
    return undefined;
  }
}

/** `group "node"`, or `group #2` for one without a name. */
function groupLabel(node: ConfigNode, index: number): string {
  const name = isMapping(node.value) ? scalarName(node.value.name) : '';
  return name ? `group ${JSON.stringify(name)}` : `group #${index + 1}`;
}

/** `group "node", rule #3 (alert HostDown)`. */
function ruleLabel(node: ConfigNode, index: number, rules: Place): string {
  const v = isMapping(node.value) ? node.value : {};
  const isAlert = Object.hasOwn(v, 'alert');
  const name = scalarName(isAlert ? v.alert : v.record);
  return `${rules.parent?.label ?? 'group'}, rule #${index + 1}${name ? ` (${isAlert ? 'alert' : 'record'} ${name})` : ''}`;
}

function scalarName(raw: unknown): string {
  return raw === null || raw === undefined || typeof raw === 'object' ? '' : String(raw);
}
