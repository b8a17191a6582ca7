// The filters of /api/v1/rules as Prometheus reads them (type, rule_name[], rule_group[],
// file[], match[], exclude_alerts, group_limit, group_next_token), checked here so that
// every backend gets the same errors; Grafana's alert list sends most of them.

import { quote } from '@metrics-hub/go-format';
import { compileMatcher, type LabelMatcher } from '@metrics-hub/wire';
import { ApiError, invalidParam } from './api-error.ts';
import type { Form } from './form.ts';
import { parseMatchers } from './selectors.ts';

export interface RulesFilter {
  type?: 'alert' | 'record';
  ruleNames: readonly string[];
  groupNames: readonly string[];
  files: readonly string[];
  /** `match[]`: whether a rule's configured labels satisfy any of the selectors. */
  ruleLabels?: (labels: Record<string, string>) => boolean;
  excludeAlerts: boolean;
  groupLimit?: number;
  groupNextToken?: string;
}

export function parseRulesFilter(form: Form): RulesFilter {
  const type = form.get('type');
  if (type && type !== 'alert' && type !== 'record')
    throw new ApiError('bad_data', `unsupported type ${quote(type)}: use type=alert or type=record`);
  const excludeAlerts = parseBool(form.get('exclude_alerts'), 'exclude_alerts');
  const limitText = form.get('group_limit');
  let groupLimit: number | undefined;
  if (limitText) {
    groupLimit = Number(limitText);
    if (!Number.isInteger(groupLimit) || groupLimit <= 0)
      throw new ApiError('bad_data', `group_limit needs to be greater than 0 (got ${quote(limitText)})`);
  }
  const token = form.get('group_next_token');
  if (token && groupLimit === undefined)
    throw new ApiError('bad_data', 'group_next_token was given without group_limit: send both, as the previous page was asked for');
  const selectors = form.all('match[]');
  return {
    type: type === 'alert' || type === 'record' ? type : undefined,
    ruleNames: form.all('rule_name[]'),
    groupNames: form.all('rule_group[]'),
    files: form.all('file[]'),
    ruleLabels: selectors.length ? labelsPredicate(parseMatchers(selectors)) : undefined,
    excludeAlerts,
    groupLimit,
    groupNextToken: token || undefined,
  };
}

function labelsPredicate(sets: LabelMatcher[][]): (labels: Record<string, string>) => boolean {
  const compiled = sets.map((set) => set.map(compileMatcher));
  return (labels) => compiled.some((set) => set.every((m) => m.matches(labels[m.name] ?? '')));
}

/** Go's strconv.ParseBool, which Prometheus uses for flags in the query string. */
function parseBool(text: string, param: string): boolean {
  if (text === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw invalidParam(param, `strconv.ParseBool: parsing ${quote(text)}: invalid syntax`);
}
