// The semantic pass over a notifier config, from YAML or built in code: what only the whole
// config shows (a route naming a receiver that does not exist, the root route catching
// everything, grouping and intervals that make sense, matchers that compile).

import { checkMatcher, MatcherSyntaxError } from './matchers.ts';
import { INTEGRATION_KINDS, ROUTE_DEFAULTS, type NotifierConfig, type RouteConfig } from './config-model.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION_HELP = 'must be a duration like 30s, 5m, 4h or 1h30m';

/**
 * The semantic checks, on a config from YAML or built in code: receivers named once and
 * referenced ones defined, the root route catching everything, grouping and intervals that
 * make sense, matchers that compile. `file` stands in where a part carries no `at`.
 */
export function checkNotifierConfig(config: NotifierConfig, file = 'config'): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const r of config.receivers) {
    const here = r.at ?? file;
    if (!r.name) problems.push(`${here}: a receiver needs a name: add name: <text>`);
    else if (names.has(r.name))
      problems.push(`${here}: receiver "${r.name}" is defined twice (also at ${names.get(r.name)}): give each receiver its own name`);
    else names.set(r.name, here);
    for (const i of r.integrations) {
      if (!(INTEGRATION_KINDS as readonly string[]).includes(i.kind))
        problems.push(
          `${i.at ?? here}: receiver "${r.name}" has an integration of kind "${i.kind}": use one of ${INTEGRATION_KINDS.join(', ')}`,
        );
    }
  }
  const known = [...names.keys()];
  const root = config.route;
  const rootAt = root.at?.route ?? file;
  if (!root.receiver)
    problems.push(
      `${rootAt}: the root route needs a receiver: add receiver: <one of ${known.join(', ') || 'the receivers (none defined yet)'}>`,
    );
  if (root.matchers.length)
    problems.push(
      `${root.at?.matchers ?? root.at?.match ?? root.at?.match_re ?? rootAt}: the root route must not have matchers (it catches every alert): move them to a route under routes`,
    );
  if (root.continue) problems.push(`${root.at?.continue ?? rootAt}: the root route cannot have continue: remove it`);

  const walk = (r: RouteConfig, inherited: { groupInterval: number; repeatInterval: number }) => {
    const at = (key: string) => r.at?.[key] ?? r.at?.route ?? file;
    if (r.receiver !== undefined && !names.has(r.receiver)) {
      problems.push(
        `${at('receiver')}: route receiver "${r.receiver}" is not defined: add a receiver with that name under receivers, or use one of ${known.join(', ') || '(none defined)'}`,
      );
    }
    if (r.groupBy) {
      if (r.groupBy.includes('...') && r.groupBy.length > 1)
        problems.push(
          `${at('group_by')}: group_by '...' means every label and cannot be combined with other names: write group_by: ['...'] alone`,
        );
      const seen = new Set<string>();
      for (const n of r.groupBy) {
        if (n !== '...' && !LABEL_NAME.test(n))
          problems.push(`${at('group_by')}: group_by has ${JSON.stringify(n)}, which is not a label name: use letters, digits and _`);
        if (seen.has(n)) problems.push(`${at('group_by')}: group_by lists "${n}" twice: list it once`);
        seen.add(n);
      }
    }
    for (const [key, value] of [
      ['group_wait', r.groupWait],
      ['group_interval', r.groupInterval],
      ['repeat_interval', r.repeatInterval],
    ] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) problems.push(`${at(key)}: ${key} ${DURATION_HELP}`);
    }
    const groupInterval = r.groupInterval ?? inherited.groupInterval;
    const repeatInterval = r.repeatInterval ?? inherited.repeatInterval;
    if (r.groupInterval === 0) problems.push(`${at('group_interval')}: group_interval cannot be zero: use e.g. 5m`);
    if (r.repeatInterval === 0) problems.push(`${at('repeat_interval')}: repeat_interval cannot be zero: use e.g. 4h`);
    for (const m of r.matchers) {
      try {
        checkMatcher(m);
      } catch (e) {
        if (!(e instanceof MatcherSyntaxError)) throw e;
        problems.push(`${at('matchers')}: ${e.message}`);
      }
    }
    for (const child of r.routes) walk(child, { groupInterval, repeatInterval });
  };
  walk(root, ROUTE_DEFAULTS);

  for (const rule of config.inhibitRules) {
    for (const n of rule.equal)
      if (!LABEL_NAME.test(n))
        problems.push(
          `${rule.at ?? file}: inhibit rule equal has ${JSON.stringify(n)}, which is not a label name: use letters, digits and _`,
        );
    for (const m of [...rule.sourceMatchers, ...rule.targetMatchers]) {
      try {
        checkMatcher(m);
      } catch (e) {
        if (!(e instanceof MatcherSyntaxError)) throw e;
        problems.push(`${rule.at ?? file}: ${e.message}`);
      }
    }
  }
  return problems;
}
