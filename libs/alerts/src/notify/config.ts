// The notifier's config in Alertmanager's YAML shape (a subset: route tree, receivers,
// inhibit rules; no time intervals) plus the product's own settings. Reading happens in two
// passes, as in libs/config: the YAML pass reports every structural mistake (unknown key,
// wrong type, bad duration, bad matcher) at the line it is on; the semantic pass
// (`checkNotifierConfig`, also run for configs built in code) reports what only the whole
// config shows (a route naming a receiver that does not exist). All problems come at once,
// each as "file:line: what is wrong: how to fix it".

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { tryParsePromDuration as parseDuration } from '@metrics-hub/promql';
import { checkMatcher, MatcherSyntaxError, parseMatchers, type LabelMatcher } from './matchers.ts';

/** A route as written; unset settings are inherited from the parent (root: Alertmanager's defaults). */
export interface RouteConfig {
  receiver?: string;
  /** Label names to group by; `['...']` groups by all labels (one group per alert). */
  groupBy?: string[];
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: RouteConfig[];
  /** "file:line" of the route and of its keys (`route`, `receiver`, `group_by`, ...), for messages. */
  at?: Record<string, string>;
}

/** One entry of a receiver's `<kind>_configs`: kept as written for the caller's factory. */
export interface IntegrationConfig {
  kind: string;
  config: Record<string, unknown>;
  /** `send_resolved` (default true for every kind, see README). */
  sendResolved: boolean;
  at?: string;
}

export interface ReceiverConfig {
  name: string;
  integrations: IntegrationConfig[];
  at?: string;
}

export interface InhibitRuleConfig {
  sourceMatchers: LabelMatcher[];
  targetMatchers: LabelMatcher[];
  equal: string[];
  at?: string;
}

export interface NotifierConfig {
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibitRules: InhibitRuleConfig[];
  /**
   * Send the resolution of an alert a receiver was told is firing even when the alert is
   * muted (silenced, inhibited, snoozed) by the time it resolves; default true.
   */
  notifyResolvedAfterSilence: boolean;
  /** Alertmanager's `global` section, kept for the receivers' factory (SMTP host, Slack URL, ...). */
  global: Record<string, unknown>;
  /** Template files, for the template engine. */
  templates: string[];
}

export type ConfigResult = { ok: true; config: NotifierConfig } | { ok: false; problems: string[] };

export class NotifierConfigError extends Error {
  readonly code = 'invalid_notifier_config';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'NotifierConfigError';
  }
}

export const ROUTE_DEFAULTS = { groupWait: 30_000, groupInterval: 5 * 60_000, repeatInterval: 4 * 3_600_000 } as const;

export const INTEGRATION_KINDS = ['webhook', 'email', 'slack', 'desktop'] as const;
// Alertmanager's other receivers: named so that a config written for Alertmanager gets a
// clear "not supported" rather than "unknown key".
const OTHER_AM_KINDS = [
  'pagerduty',
  'opsgenie',
  'wechat',
  'pushover',
  'victorops',
  'sns',
  'telegram',
  'webex',
  'discord',
  'msteams',
  'msteamsv2',
  'jira',
  'rocketchat',
  'incidentio',
];

const TOP_KEYS = ['global', 'templates', 'route', 'receivers', 'inhibit_rules', 'notify_resolved_after_silence'];
const ROUTE_KEYS = [
  'receiver',
  'group_by',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'matchers',
  'match',
  'match_re',
  'continue',
  'routes',
];
const INHIBIT_KEYS = ['source_matchers', 'target_matchers', 'source_match', 'source_match_re', 'target_match', 'target_match_re', 'equal'];
const NOT_SUPPORTED: Record<string, string> = {
  time_intervals: 'time intervals are not supported: remove the section',
  mute_time_intervals: 'time intervals are not supported: remove the key (use silences for planned quiet times)',
  active_time_intervals: 'time intervals are not supported: remove the key (use silences for planned quiet times)',
};
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION_HELP = 'must be a duration like 30s, 5m, 4h or 1h30m';

type Path = (string | number)[];

/** Parses and checks an Alertmanager-style YAML config; every problem names `file` and the line. */
export function parseNotifierConfig(text: string, file: string): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lines.linePos(offset).line}`);
  if (doc.errors.length)
    return { ok: false, problems: doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}: fix the YAML syntax`) };
  let root: unknown;
  try {
    root = doc.toJS() ?? {};
  } catch (e) {
    return { ok: false, problems: [`${file}: ${(e as Error).message}: fix the YAML`] };
  }
  const reader = new Reader((path) => at(locate(doc, path)));
  const config = reader.config(root);
  const problems = [...reader.problems, ...(config ? checkNotifierConfig(config, file) : [])];
  return problems.length || !config ? { ok: false, problems } : { ok: true, config };
}

/** The offset of the key (or list item) at `path`, or of the deepest part of it that exists. */
function locate(doc: Document, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as { range?: number[] } | null)?.range?.[0];
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
      if (!pair) break;
      offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      node = node.items[step];
      offset = (node as { range?: number[] }).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

/** The YAML pass: plain data in, typed config out, structural problems collected on the way. */
class Reader {
  readonly problems: string[] = [];
  constructor(readonly where: (path: Path) => string) {}

  problem(path: Path, message: string): void {
    this.problems.push(`${this.where(path)}: ${message}`);
  }

  config(root: unknown): NotifierConfig | undefined {
    const top = this.mapping(root, [], 'the config', 'a mapping with route, receivers and inhibit_rules');
    if (!top) return undefined;
    this.keys(top, [], 'the config', TOP_KEYS);
    const receivers = this.list(top.receivers, ['receivers'], 'receivers').flatMap((r, i) => this.receiver(r, ['receivers', i]) ?? []);
    if (top.route === undefined) {
      this.problem([], 'there is no route: add `route:` with at least `receiver: <name>`');
      return undefined;
    }
    const route = this.route(top.route, ['route']);
    const inhibitRules = this.list(top.inhibit_rules, ['inhibit_rules'], 'inhibit_rules').flatMap(
      (r, i) => this.inhibitRule(r, ['inhibit_rules', i]) ?? [],
    );
    const global = top.global === undefined ? {} : (this.mapping(top.global, ['global'], 'global', 'a mapping of settings') ?? {});
    const templates = this.list(top.templates, ['templates'], 'templates').flatMap((t, i) => {
      if (typeof t === 'string') return [t];
      this.problem(['templates', i], 'a template entry must be a file path or glob');
      return [];
    });
    let notifyResolvedAfterSilence = true;
    if (top.notify_resolved_after_silence !== undefined) {
      if (typeof top.notify_resolved_after_silence === 'boolean') notifyResolvedAfterSilence = top.notify_resolved_after_silence;
      else this.problem(['notify_resolved_after_silence'], 'notify_resolved_after_silence must be true or false');
    }
    if (!route) return undefined;
    return { route, receivers, inhibitRules, notifyResolvedAfterSilence, global, templates };
  }

  route(raw: unknown, path: Path): RouteConfig | undefined {
    const m = this.mapping(raw, path, 'a route', 'a mapping with receiver, group_by, matchers, routes, ...');
    if (!m) return undefined;
    this.keys(m, path, 'a route', ROUTE_KEYS);
    const at: Record<string, string> = { route: this.where(path) };
    for (const k of Object.keys(m)) at[k] = this.where([...path, k]);
    const route: RouteConfig = { matchers: [], continue: false, routes: [], at };
    if (m.receiver !== undefined) {
      if (typeof m.receiver === 'string' && m.receiver !== '') route.receiver = m.receiver;
      else this.problem([...path, 'receiver'], 'receiver must be the name of one of the receivers');
    }
    if (m.group_by !== undefined) {
      const names = this.list(m.group_by, [...path, 'group_by'], 'group_by');
      if (names.every((n) => typeof n === 'string')) route.groupBy = names as string[];
      else this.problem([...path, 'group_by'], "group_by must be a list of label names, or ['...'] to group by all labels");
    }
    for (const [key, field] of [
      ['group_wait', 'groupWait'],
      ['group_interval', 'groupInterval'],
      ['repeat_interval', 'repeatInterval'],
    ] as const) {
      if (m[key] === undefined) continue;
      const ms = typeof m[key] === 'string' || m[key] === 0 ? parseDuration(String(m[key])) : undefined;
      if (ms === undefined) this.problem([...path, key], `${key} ${DURATION_HELP} (got ${JSON.stringify(m[key])})`);
      else route[field] = ms;
    }
    route.matchers = this.matchers(m, path, { list: 'matchers', equal: 'match', regex: 'match_re' });
    if (m.continue !== undefined) {
      if (typeof m.continue === 'boolean') route.continue = m.continue;
      else this.problem([...path, 'continue'], 'continue must be true or false');
    }
    route.routes = this.list(m.routes, [...path, 'routes'], 'routes').flatMap((r, i) => this.route(r, [...path, 'routes', i]) ?? []);
    return route;
  }

  receiver(raw: unknown, path: Path): ReceiverConfig | undefined {
    const m = this.mapping(raw, path, 'a receiver', 'a mapping with name and webhook_configs, email_configs, ...');
    if (!m) return undefined;
    if (typeof m.name !== 'string' || m.name === '') {
      this.problem(m.name === undefined ? path : [...path, 'name'], 'a receiver needs a name: add name: <text>');
      return undefined;
    }
    const integrations: IntegrationConfig[] = [];
    for (const key of Object.keys(m)) {
      if (key === 'name') continue;
      const kind = key.endsWith('_configs') ? key.slice(0, -'_configs'.length) : undefined;
      if (!kind || !(INTEGRATION_KINDS as readonly string[]).includes(kind)) {
        const why = kind && OTHER_AM_KINDS.includes(kind) ? `${key} is not supported here` : `unknown key "${key}" in receiver "${m.name}"`;
        this.problem([...path, key], `${why}: use ${INTEGRATION_KINDS.map((k) => `${k}_configs`).join(', ')}`);
        continue;
      }
      this.list(m[key], [...path, key], key).forEach((c, i) => {
        const cp = [...path, key, i];
        const config = this.mapping(c, cp, `an entry of ${key}`, "a mapping of that receiver kind's settings");
        if (!config) return;
        if (config.send_resolved !== undefined && typeof config.send_resolved !== 'boolean') {
          this.problem([...cp, 'send_resolved'], 'send_resolved must be true or false');
          return;
        }
        integrations.push({ kind, config, sendResolved: config.send_resolved !== false, at: this.where(cp) });
      });
    }
    return { name: m.name, integrations, at: this.where([...path, 'name']) };
  }

  inhibitRule(raw: unknown, path: Path): InhibitRuleConfig | undefined {
    const m = this.mapping(raw, path, 'an inhibit rule', 'a mapping with source_matchers, target_matchers and equal');
    if (!m) return undefined;
    this.keys(m, path, 'an inhibit rule', INHIBIT_KEYS);
    const equal = this.list(m.equal, [...path, 'equal'], 'equal').map(String);
    return {
      sourceMatchers: this.matchers(m, path, { list: 'source_matchers', equal: 'source_match', regex: 'source_match_re' }),
      targetMatchers: this.matchers(m, path, { list: 'target_matchers', equal: 'target_match', regex: 'target_match_re' }),
      equal,
      at: this.where(path),
    };
  }

  /** The new string form and the legacy `match` / `match_re` maps, combined as Alertmanager does. */
  matchers(m: Record<string, unknown>, path: Path, keys: { list: string; equal: string; regex: string }): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    this.list(m[keys.list], [...path, keys.list], keys.list).forEach((text, i) => {
      if (typeof text !== 'string')
        return this.problem([...path, keys.list, i], `${keys.list} entries must be text like severity=~"critical|warning"`);
      try {
        out.push(...parseMatchers(text));
      } catch (e) {
        if (!(e instanceof MatcherSyntaxError)) throw e;
        this.problem([...path, keys.list, i], e.message);
      }
    });
    for (const [key, type] of [
      [keys.equal, '='],
      [keys.regex, '=~'],
    ] as const) {
      if (m[key] === undefined) continue;
      const map = this.mapping(m[key], [...path, key], key, 'a mapping of label names to values');
      for (const [name, value] of Object.entries(map ?? {})) {
        if (!LABEL_NAME.test(name)) {
          this.problem([...path, key, name], `${JSON.stringify(name)} is not a valid label name: use letters, digits and _`);
          continue;
        }
        try {
          out.push(checkMatcher({ type, name, value: String(value) }));
        } catch (e) {
          if (!(e instanceof MatcherSyntaxError)) throw e;
          this.problem([...path, key, name], e.message);
        }
      }
    }
    return out;
  }

  mapping(raw: unknown, path: Path, what: string, expected: string): Record<string, unknown> | undefined {
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
    this.problem(path, `${what} must be ${expected}`);
    return undefined;
  }

  list(raw: unknown, path: Path, what: string): unknown[] {
    if (raw === undefined || raw === null) return [];
    if (Array.isArray(raw)) return raw;
    this.problem(path, `${what} must be a list (entries starting with "- ", or [a, b])`);
    return [];
  }

  keys(m: Record<string, unknown>, path: Path, what: string, known: string[]): void {
    for (const key of Object.keys(m)) {
      if (known.includes(key)) continue;
      this.problem([...path, key], NOT_SUPPORTED[key] ?? `unknown key "${key}" in ${what}: known keys are ${known.join(', ')}`);
    }
  }
}

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
