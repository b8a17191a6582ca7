// /series, /labels, /label/<name>/values and /metadata: what Grafana's metric browser and
// query builder ask for. Several match[] are a union; answers are sorted (series as
// Prometheus's labels.Compare orders them) so that a limit cuts them deterministically.

import { labelsKey, type LabelMatcher, type Labels } from '@metrics-hub/wire';
import { ApiError } from './api-error.ts';
import { TRUNCATED_WARNING, type EndpointRequest, type EndpointResult } from './endpoint.ts';
import { jsonString, labelsJson } from './format.ts';
import { limitParam, MAX_TIME_MS, MIN_TIME_MS, optionalTimeParam, parseGoInt } from './params.ts';
import { labelNameFromPath, parseMatchers } from './selectors.ts';

// The store answers in milliseconds that must stay exact; Prometheus's open-range bounds do not.
const clampTime = (ms: number) => Math.min(Math.max(ms, Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);

export function series(req: EndpointRequest): EndpointResult {
  const { form, backend } = req;
  if (form.all('match[]').length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const limit = limitParam(form);
  const start = optionalTimeParam(form, 'start', MIN_TIME_MS);
  const end = optionalTimeParam(form, 'end', MAX_TIME_MS);
  const sets = parseMatchers(form.all('match[]'));
  // Without a range the index answers alone; with one, only series with data in it count.
  const open = start === MIN_TIME_MS && end === MAX_TIME_MS;
  const found = new Map<string, Labels>();
  for (const matchers of sets) {
    const labelSets = open ? backend.series(matchers) : backend.series(matchers, clampTime(start), clampTime(end));
    for (const labels of labelSets) found.set(labelsKey(labels), labels);
  }
  const sorted = sortLabelSets([...found.values()]);
  const kept = limit > 0 && sorted.length > limit ? sorted.slice(0, limit) : sorted;
  return { dataJson: `[${kept.map(labelsJson).join(',')}]`, warnings: kept.length < sorted.length ? [TRUNCATED_WARNING] : [] };
}

/** Label names; start and end are checked but do not narrow the answer (see README). */
export function labelNames(req: EndpointRequest): EndpointResult {
  const { backend } = req;
  const { limit, sets } = listParams(req);
  const names = sets.length === 0 ? backend.labelNames() : union(sets.map((m) => backend.labelNames(m)));
  return stringList(names, limit);
}

export function labelValues(req: EndpointRequest): EndpointResult {
  const { backend } = req;
  const name = labelNameFromPath(req.params[0]);
  const { limit, sets } = listParams(req);
  const values = sets.length === 0 ? backend.labelValues(name) : union(sets.map((m) => backend.labelValues(name, m)));
  return stringList(values, limit);
}

/** One entry per metric family (the store keeps one), in Prometheus's map-of-lists shape. */
export function metadata(req: EndpointRequest): EndpointResult {
  const { form, backend } = req;
  const limit = numberParam(form.get('limit'), 'limit must be a number');
  // Checked only: with one entry per family, no limit per metric can cut anything.
  numberParam(form.get('limit_per_metric'), 'limit_per_metric must be a number');
  const metric = form.get('metric');
  const all = backend.metadata(metric === '' ? undefined : metric);
  const parts: string[] = [];
  for (const name of [...all.keys()].sort()) {
    // Prometheus's loops: a limit of 0 returns nothing; limit_per_metric 0 means no limit.
    if (limit >= 0 && parts.length >= limit) break;
    const m = all.get(name)!;
    parts.push(`${jsonString(name)}:[{"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}]`);
  }
  return { dataJson: `{${parts.join(',')}}` };
}

function listParams(req: EndpointRequest): { limit: number; sets: LabelMatcher[][] } {
  const { form } = req;
  const limit = limitParam(form);
  optionalTimeParam(form, 'start', MIN_TIME_MS);
  optionalTimeParam(form, 'end', MAX_TIME_MS);
  return { limit, sets: parseMatchers(form.all('match[]')) };
}

function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

function stringList(items: readonly string[], limit: number): EndpointResult {
  const sorted = [...items].sort();
  const kept = limit > 0 && sorted.length > limit ? sorted.slice(0, limit) : sorted;
  return { dataJson: `[${kept.map(jsonString).join(',')}]`, warnings: kept.length < sorted.length ? [TRUNCATED_WARNING] : [] };
}

/** metadata's limits: -1 (none) when absent, an error text when not an integer. */
function numberParam(text: string, error: string): number {
  if (text === '') return -1;
  const n = parseGoInt(text);
  if (typeof n === 'string') throw new ApiError('bad_data', error);
  return n;
}

/** In the order of Prometheus's labels.Compare: name by name, then value, then the shorter set first. */
export function sortLabelSets(sets: Labels[]): Labels[] {
  const keyed = sets.map((labels) => ({ labels, names: Object.keys(labels).sort() }));
  keyed.sort((a, b) => {
    const n = Math.min(a.names.length, b.names.length);
    for (let i = 0; i < n; i++) {
      const an = a.names[i];
      const bn = b.names[i];
      if (an !== bn) return an < bn ? -1 : 1;
      const av = a.labels[an];
      const bv = b.labels[bn];
      if (av !== bv) return av < bv ? -1 : 1;
    }
    return a.names.length - b.names.length;
  });
  return keyed.map((k) => k.labels);
}
