// alerting.yml as a libs/config schema: every key the file may have, what it holds, and how
// it becomes a NotifierConfig. Receivers' own settings are kept as written for the
// receivers' factory (createIntegration reads them with schemas of its own); Alertmanager's
// other receiver kinds and time intervals are named as not supported rather than unknown.

import {
  anything,
  bool,
  childPlace,
  custom,
  isMapping,
  kind,
  lazy,
  list,
  mapOf,
  object,
  readField,
  text,
  transform,
  type Schema,
} from '@metrics-hub/config';
import { labelNameProblem, promDuration, scalarText } from '../config-kinds.ts';
import { INTEGRATION_KINDS, type IntegrationConfig, type NotifierConfig, type ReceiverConfig, type RouteConfig } from './config-model.ts';
import { checkMatcher, MatcherSyntaxError, parseMatchers, type LabelMatcher } from './matchers.ts';

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
const USE_KINDS = `use ${INTEGRATION_KINDS.map((k) => `${k}_configs`).join(', ')}`;
const USE_SILENCES = 'remove it (time intervals are not supported; use silences for planned quiet times)';

/** `severity=~"critical|page"`: one matcher string (it may hold several, comma-separated). */
const matcherText: Schema<LabelMatcher[]> = custom((place, reading) => {
  const raw = place.node.value;
  if (typeof raw !== 'string') {
    reading.invalid(place, 'must be text like severity=~"critical|warning"');
    return undefined;
  }
  try {
    return parseMatchers(raw);
  } catch (e) {
    if (!(e instanceof MatcherSyntaxError)) throw e;
    reading.report(place, `${place.label}: ${e.message}`);
    return undefined;
  }
});
const matcherList = transform(list(matcherText), (lists) => lists.flat());

/** Legacy `match:` (values) and `match_re:` (regexes): label names to what they must be. */
function matchMap(type: '=' | '=~'): Schema<LabelMatcher[]> {
  const map = mapOf(scalarText, { expected: 'a mapping of label names to values', keyProblem: labelNameProblem });
  return transform(map, (values, place, reading) =>
    Object.entries(values).flatMap(([name, value]) => {
      try {
        return [checkMatcher({ type, name, value })];
      } catch (e) {
        if (!(e instanceof MatcherSyntaxError)) throw e;
        const at = childPlace(place, name);
        reading.report(at, `${at.label}: ${e.message}`);
        return [];
      }
    }),
  );
}

const receiverName = kind<string>((raw) =>
  typeof raw === 'string' && raw !== '' ? { value: raw } : { error: 'must be the name of one of the receivers' },
);

const routeFields = object(
  {
    receiver: receiverName,
    group_by: { schema: list(text), help: "label names, or ['...'] to group by all labels" },
    group_wait: { schema: promDuration, help: 'how long a new group waits for more alerts before its first notification' },
    group_interval: { schema: promDuration, help: 'how long a group waits before it notifies about alerts new to it' },
    repeat_interval: { schema: promDuration, help: 'how long before a notification that is still true is sent again' },
    matchers: matcherList,
    match: matchMap('='),
    match_re: matchMap('=~'),
    continue: bool,
    routes: lazy(() => list(route)),
  },
  {
    expected: 'a mapping with receiver, group_by, matchers, routes, ...',
    notSupported: { mute_time_intervals: USE_SILENCES, active_time_intervals: USE_SILENCES },
  },
);

/** A route as written; unset settings stay unset (they are inherited, see route.ts). */
const route: Schema<RouteConfig> = transform(routeFields, (v, place, reading) => {
  const at: Record<string, string> = { route: reading.where(place) };
  for (const e of place.node.entries ?? []) at[e.key] = reading.where(childPlace(place, e.key));
  const r: RouteConfig = {
    matchers: [...(v.matchers ?? []), ...(v.match ?? []), ...(v.match_re ?? [])],
    continue: v.continue ?? false,
    routes: v.routes ?? [],
    at,
  };
  if (v.receiver !== undefined) r.receiver = v.receiver;
  if (v.group_by !== undefined) r.groupBy = v.group_by;
  if (v.group_wait !== undefined) r.groupWait = v.group_wait;
  if (v.group_interval !== undefined) r.groupInterval = v.group_interval;
  if (v.repeat_interval !== undefined) r.repeatInterval = v.repeat_interval;
  return r;
});

/** One entry of `<kind>_configs`: a mapping kept as written; only send_resolved is read here. */
function integration(kindName: string): Schema<IntegrationConfig> {
  return custom((place, reading) => {
    const config = place.node.value;
    if (!isMapping(config)) {
      reading.invalid(place, "must be a mapping of that receiver kind's settings");
      return undefined;
    }
    const before = reading.problems.length;
    const sendResolved = readField(place, 'send_resolved', { schema: bool, help: 'whether resolved alerts are sent too' }, reading);
    if (reading.problems.length > before) return undefined;
    return { kind: kindName, config, sendResolved: sendResolved !== false, at: reading.where(place) };
  });
}

const receiverFields = object(
  {
    name: anything,
    webhook_configs: list(integration('webhook')),
    email_configs: list(integration('email')),
    slack_configs: list(integration('slack')),
    desktop_configs: list(integration('desktop')),
  },
  {
    expected: 'a mapping with name and webhook_configs, email_configs, ...',
    notSupported: Object.fromEntries(OTHER_AM_KINDS.map((k) => [`${k}_configs`, USE_KINDS])),
  },
);

const receiver: Schema<ReceiverConfig> = transform(receiverFields, (v, place, reading) => {
  const namePlace = childPlace(place, 'name');
  if (typeof v.name !== 'string' || v.name === '') {
    reading.report(namePlace, 'a receiver needs a name: add name: <text>');
    return undefined;
  }
  // In the order written, as the receiver's integrations are numbered.
  const integrations = (place.node.entries ?? []).flatMap((e) =>
    Object.hasOwn(v, e.key) && e.key !== 'name' ? ((v as Record<string, IntegrationConfig[] | undefined>)[e.key] ?? []) : [],
  );
  return { name: v.name, integrations, at: reading.where(namePlace) };
});

const inhibitRule = transform(
  object(
    {
      source_matchers: matcherList,
      target_matchers: matcherList,
      source_match: matchMap('='),
      source_match_re: matchMap('=~'),
      target_match: matchMap('='),
      target_match_re: matchMap('=~'),
      equal: { schema: list(scalarText), help: 'label names whose values the source and target alerts must share' },
    },
    { expected: 'a mapping with source_matchers, target_matchers and equal' },
  ),
  (v, place, reading) => ({
    sourceMatchers: [...(v.source_matchers ?? []), ...(v.source_match ?? []), ...(v.source_match_re ?? [])],
    targetMatchers: [...(v.target_matchers ?? []), ...(v.target_match ?? []), ...(v.target_match_re ?? [])],
    equal: v.equal ?? [],
    at: reading.where(place),
  }),
);

const topFields = object(
  {
    // Read first: a route's receiver is checked against them.
    receivers: {
      schema: list(receiver, {
        itemLabel: (node) => {
          const name = isMapping(node.value) ? node.value.name : undefined;
          return typeof name === 'string' && name !== '' ? `receiver ${JSON.stringify(name)}` : undefined;
        },
      }),
      default: [],
    },
    route,
    inhibit_rules: { schema: list(inhibitRule), default: [] },
    global: {
      schema: kind<Record<string, unknown>>((raw) => (isMapping(raw) ? { value: raw } : { error: 'must be a mapping of settings' })),
      default: {},
    },
    templates: {
      schema: list(kind<string>((raw) => (typeof raw === 'string' ? { value: raw } : { error: 'must be a file path or glob' }))),
      default: [],
    },
    notify_resolved_after_silence: {
      schema: bool,
      default: true,
      help: 'whether an alert that was notified as firing has its resolution sent even when it is muted by then',
    },
  },
  {
    expected: 'a mapping with route, receivers and inhibit_rules',
    notSupported: { time_intervals: 'remove the section (use silences for planned quiet times)' },
  },
);

/** The whole file; undefined when there is no usable route. */
export const notifierConfigSchema: Schema<NotifierConfig> = transform(topFields, (v, place, reading) => {
  if (!v.route) {
    if (childPlace(place, 'route').node?.value == null)
      reading.report(place, 'there is no route: add `route:` with at least `receiver: <name>`');
    return undefined;
  }
  return {
    route: v.route,
    receivers: v.receivers,
    inhibitRules: v.inhibit_rules,
    notifyResolvedAfterSilence: v.notify_resolved_after_silence,
    global: v.global,
    templates: v.templates,
  };
});
