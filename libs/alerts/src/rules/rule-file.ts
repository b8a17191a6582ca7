// Prometheus rule files: `groups:` of alerting and recording rules, read and checked the
// way `promtool check rules` does, every problem named with its file, line, group and
// rule and a hint at the fix. A file with any problem is refused whole: a manager keeps
// running the last good version of it.

import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { parseExpr, parsePromDuration, PromqlError, type Expr } from '@metrics-hub/promql';
import { labelsProblem } from '@metrics-hub/wire';

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

const GROUP_KEYS = new Set(['name', 'interval', 'query_offset', 'limit', 'labels', 'rules']);
const ALERT_KEYS = new Set(['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const RECORD_KEYS = new Set(['record', 'expr', 'labels']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Parses and checks a rule file. `checkTemplate` validates annotation and label templates
 * (returns a problem or undefined); without it they are taken as they are.
 */
export function parseRuleFile(text: string, file: string, checkTemplate?: (template: string) => string | undefined): RuleFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? lines.linePos(range[0]).line : 1;
  };
  const problems: string[] = [];
  for (const e of doc.errors) problems.push(`${file}:${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}: fix the YAML syntax`);
  if (problems.length) throw new RuleFileError(file, problems);
  const root = doc.contents;
  if (root === null || (isMap(root) && root.items.length === 0)) return { file, groups: [] };
  if (!isMap(root)) throw new RuleFileError(file, [`${file}:${lineOf(root)}: a rule file is a mapping with a "groups" list`]);
  for (const item of root.items) {
    const key = String((item.key as { value?: unknown })?.value);
    if (key !== 'groups') problems.push(`${file}:${lineOf(item.key)}: unknown key "${key}": a rule file has only "groups"`);
  }
  const groupsNode = root.get('groups', true);
  if (groupsNode !== undefined && !isSeq(groupsNode))
    problems.push(`${file}:${lineOf(groupsNode)}: "groups" must be a list of groups (- name: ..., rules: [...])`);
  const groups: RuleGroup[] = [];
  const groupNames = new Set<string>();
  for (const [gi, groupNode] of (isSeq(groupsNode) ? groupsNode.items : []).entries()) {
    const gline = lineOf(groupNode);
    if (!isMap(groupNode)) {
      problems.push(`${file}:${gline}: group #${gi + 1} must be a mapping with name and rules`);
      continue;
    }
    const g = groupNode.toJSON() as Record<string, unknown>;
    const name = typeof g.name === 'string' ? g.name : '';
    const where = (node: unknown) => `${file}:${lineOf(node ?? groupNode)}: group ${name ? JSON.stringify(name) : `#${gi + 1}`}`;
    for (const item of groupNode.items) {
      const key = String((item.key as { value?: unknown })?.value);
      if (!GROUP_KEYS.has(key)) problems.push(`${where(item.key)}: unknown key "${key}": a group has ${[...GROUP_KEYS].join(', ')}`);
    }
    if (!name) problems.push(`${where(groupNode.get('name', true))}: has no name: every group needs "name:"`);
    else if (groupNames.has(name))
      problems.push(`${where(groupNode.get('name', true))}: the name is used twice in this file: group names must be unique per file`);
    groupNames.add(name);
    const duration = (key: string, raw: unknown, label: string): number => {
      if (raw === undefined || raw === null) return 0;
      try {
        return parsePromDuration(String(raw));
      } catch (e) {
        problems.push(`${label}: ${key}: ${(e as Error).message}`);
        return 0;
      }
    };
    const labelMap = (raw: unknown, label: string, templated: boolean): Record<string, string> => {
      if (raw === undefined || raw === null) return {};
      if (typeof raw !== 'object' || Array.isArray(raw)) {
        problems.push(`${label}: must be a mapping of names to values`);
        return {};
      }
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        const value = v === null || v === undefined ? '' : String(v);
        if (templated === false || k.startsWith('__')) {
          const p = labelsProblem({ [k]: value });
          if (p || k.startsWith('__')) problems.push(`${label}: label ${JSON.stringify(k)}: ${p ?? 'names starting with __ are reserved'}`);
        } else if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
          problems.push(`${label}: invalid label name ${JSON.stringify(k)}: use letters, digits and _, not starting with a digit`);
        if (checkTemplate) {
          const p = checkTemplate(value);
          if (p) problems.push(`${label}: template of ${JSON.stringify(k)}: ${p}`);
        }
        out[k] = value;
      }
      return out;
    };
    const group: RuleGroup = {
      name,
      file,
      intervalMs: duration('interval', g.interval, where(groupNode.get('interval', true))),
      queryOffsetMs: duration('query_offset', g.query_offset, where(groupNode.get('query_offset', true))),
      limit: wholeNumber(g.limit ?? 0, () => problems.push(`${where(groupNode.get('limit', true))}: limit must be a whole number`)),
      labels: labelMap(g.labels, `${where(groupNode.get('labels', true))}: labels`, false),
      rules: [],
    };
    const rulesNode = groupNode.get('rules', true);
    if (rulesNode !== undefined && !isSeq(rulesNode)) problems.push(`${where(rulesNode)}: rules must be a list`);
    for (const [ri, ruleNode] of (isSeq(rulesNode) ? rulesNode.items : []).entries()) {
      const rline = lineOf(ruleNode);
      if (!isMap(ruleNode)) {
        problems.push(
          `${file}:${rline}: group ${JSON.stringify(name)}, rule #${ri + 1}: must be a mapping (alert: or record:, expr:, ...)`,
        );
        continue;
      }
      const r = ruleNode.toJSON() as Record<string, unknown>;
      const isAlert = r.alert !== undefined;
      const ruleName = String(r.alert ?? r.record ?? '');
      const at = (key: string) =>
        `${file}:${lineOf(ruleNode.get(key, true) ?? ruleNode)}: group ${JSON.stringify(name)}, rule #${ri + 1}${ruleName ? ` (${isAlert ? 'alert' : 'record'} ${ruleName})` : ''}`;
      if ((r.alert === undefined) === (r.record === undefined)) {
        problems.push(`${at('alert')}: needs exactly one of "alert:" (an alerting rule) or "record:" (a recording rule)`);
        continue;
      }
      const allowed = isAlert ? ALERT_KEYS : RECORD_KEYS;
      for (const item of ruleNode.items) {
        const key = String((item.key as { value?: unknown })?.value);
        if (!allowed.has(key))
          problems.push(
            `${at(key)}: unknown key "${key}"${isAlert ? '' : ALERT_KEYS.has(key) ? ' (only alerting rules have it)' : ''}: use ${[...allowed].join(', ')}`,
          );
      }
      if (!ruleName) problems.push(`${at(isAlert ? 'alert' : 'record')}: the ${isAlert ? 'alert' : 'record'} name is empty`);
      else if (!isAlert && !METRIC_NAME.test(ruleName))
        problems.push(`${at('record')}: ${JSON.stringify(ruleName)} is not a valid metric name: use letters, digits, _ and :`);
      const expr = typeof r.expr === 'string' || typeof r.expr === 'number' ? String(r.expr) : '';
      let parsed: Expr | undefined;
      if (!expr) problems.push(`${at('expr')}: has no expr: give the PromQL expression to evaluate`);
      else {
        try {
          parsed = parseExpr(expr);
        } catch (e) {
          problems.push(`${at('expr')}: expr: ${e instanceof PromqlError ? e.message : (e as Error).message}`);
        }
      }
      const labels = labelMap(r.labels, `${at('labels')}: labels`, isAlert);
      if (!parsed) continue;
      if (isAlert) {
        group.rules.push({
          kind: 'alert',
          name: ruleName,
          expr,
          parsed,
          labels,
          line: rline,
          forMs: duration('for', r.for, at('for')),
          keepFiringForMs: duration('keep_firing_for', r.keep_firing_for, at('keep_firing_for')),
          annotations: labelMapLoose(r.annotations, `${at('annotations')}: annotations`, problems, checkTemplate),
        });
      } else {
        group.rules.push({ kind: 'record', name: ruleName, expr, parsed, labels, line: rline });
      }
    }
    groups.push(group);
  }
  if (problems.length) throw new RuleFileError(file, problems);
  return { file, groups };
}

/** Annotations: any names, values are templates. */
function labelMapLoose(
  raw: unknown,
  label: string,
  problems: string[],
  checkTemplate?: (t: string) => string | undefined,
): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${label}: must be a mapping of names to texts`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const value = v === null || v === undefined ? '' : String(v);
    if (checkTemplate) {
      const p = checkTemplate(value);
      if (p) problems.push(`${label}: template of ${JSON.stringify(k)}: ${p}`);
    }
    out[k] = value;
  }
  return out;
}

/** `value` when it is a whole number of at least 0; otherwise reports and gives 0. */
function wholeNumber(value: unknown, report: () => void): number {
  if (Number.isInteger(value) && Number(value) >= 0) return Number(value);
  report();
  return 0;
}
