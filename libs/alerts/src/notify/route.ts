// The routing tree, built from the config with every setting inherited: an alert enters at
// the root and descends into the first child whose matchers accept it (and on to later
// siblings only while the matched child says `continue`); the deepest matching routes are
// where it lands. Each route's `id` is unique (it carries the child's position) and keys
// the notifier's state; its `key` is Alertmanager's route key, which goes into the
// `groupKey` receivers see.

import type { Labels } from '../model.ts';
import { ROUTE_DEFAULTS, type RouteConfig } from './config.ts';
import { compileMatchers, formatLabelSet, formatMatchers, matchesAll, sortMatchers, type CompiledMatcher } from './matchers.ts';

export interface Route {
  readonly id: string;
  readonly key: string;
  readonly receiver: string;
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly matchers: readonly CompiledMatcher[];
  readonly continue: boolean;
  readonly routes: readonly Route[];
}

/** The tree with inherited settings; assumes a config that passed checkNotifierConfig. */
export function buildRouteTree(config: RouteConfig): Route {
  const build = (c: RouteConfig, parent: Route | undefined, index: number): Route => {
    const matchersText = formatMatchers(sortMatchers(c.matchers));
    const groupBy = c.groupBy?.length ? c.groupBy : undefined;
    const routes: Route[] = [];
    const route: Route = {
      id: parent ? `${parent.id}/${matchersText}/${index}` : matchersText,
      key: parent ? `${parent.key}/${matchersText}` : matchersText,
      receiver: c.receiver ?? parent?.receiver ?? '',
      groupBy: groupBy ? groupBy.filter((n) => n !== '...') : (parent?.groupBy ?? []),
      groupByAll: groupBy ? groupBy.includes('...') : (parent?.groupByAll ?? false),
      groupWait: c.groupWait ?? parent?.groupWait ?? ROUTE_DEFAULTS.groupWait,
      groupInterval: c.groupInterval ?? parent?.groupInterval ?? ROUTE_DEFAULTS.groupInterval,
      repeatInterval: c.repeatInterval ?? parent?.repeatInterval ?? ROUTE_DEFAULTS.repeatInterval,
      matchers: compileMatchers(c.matchers),
      continue: c.continue,
      routes,
    };
    c.routes.forEach((child, i) => routes.push(build(child, route, i)));
    return route;
  };
  return build(config, undefined, 0);
}

/** The routes an alert with `labels` lands on, in tree order (Alertmanager's Route.Match). */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matched = matchRoutes(child, labels);
    all.push(...matched);
    if (matched.length && !child.continue) break;
  }
  return all.length ? all : [route];
}

/** Every route of the tree by id. */
export function routesById(root: Route): Map<string, Route> {
  const out = new Map<string, Route>();
  const walk = (r: Route) => {
    out.set(r.id, r);
    r.routes.forEach(walk);
  };
  walk(root);
  return out;
}

/** The labels that name an alert's group on `route`: the group_by labels it has, or all of them. */
export function groupLabels(route: Route, labels: Labels): Record<string, string> {
  if (route.groupByAll) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.groupBy) if (labels[name] !== undefined) out[name] = labels[name];
  return out;
}

/** The group's identity for the notifier's own state: unique per route, unlike the groupKey. */
export function groupId(route: Route, labels: Record<string, string>): string {
  return `${route.id}:${formatLabelSet(labels)}`;
}

/** Alertmanager's groupKey, e.g. `{}/{severity="critical"}:{alertname="HostDown"}`. */
export function groupKey(route: Route, labels: Record<string, string>): string {
  return `${route.key}:${formatLabelSet(labels)}`;
}
