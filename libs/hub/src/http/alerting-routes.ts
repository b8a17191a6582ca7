// Alerting endpoints of the hub (the notifier's state and the user's actions on it):
//
//   GET    /api/hub/v1/alerts                     alerts with status, silenced/inhibited/acked/snoozed, receivers
//   GET    /api/hub/v1/alert-groups               aggregation groups and their next flush
//   POST   /api/hub/v1/alerts/<fp>/ack            {"by"}: no more repeats until it resolves or changes
//   POST   /api/hub/v1/alerts/<fp>/snooze         {"for": "1h"} or {"until": <ms|RFC 3339>}, {"by"}
//   GET    /api/hub/v1/silences[?state=active]    POST {"matchers": [...], "endsAt"|"for", "createdBy", "comment"}
//   GET    /api/hub/v1/silences/<id>              DELETE: expire it
//   GET    /api/hub/v1/history?alertname=&fingerprint=&receiver=&kind=&from=&to=&limit=&match[]=
//   GET    /api/hub/v1/rules/problems             rule files that did not load, and why
//   POST   /api/hub/v1/rules/reload               re-read rule files and the notifier config now
//   GET    /api/hub/v1/alerting-config            the notifier config (routes, receivers): {file, text}
//   PUT    /api/hub/v1/alerting-config            {"text"}: checked (400 with the problems and lines), saved, loaded

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMatchers, type HistoryQuery } from '@metrics-hub/alerts';
import type {
  AckRequest,
  AlertAcknowledged,
  AlertGroupsResponse,
  AlertingConfig,
  AlertingConfigRequest,
  AlertingConfigSaved,
  AlertSnoozed,
  AlertsResponse,
  HistoryParams,
  HistoryResponse,
  HubError,
  RuleFileProblems,
  RulesReloaded,
  Silence,
  SilenceRequest,
  SilencesResponse,
  SnoozeRequest,
} from '@metrics-hub/hub-api';
import { parsePromDuration as parseDuration } from '@metrics-hub/promql';
import type { Alerting } from '../alerting/alerting.ts';
import { fail, json, only, readJson, type SearchParamsOf } from './json.ts';

export function createAlertingRoutes(d: {
  alerting: Alerting;
  now: () => number;
}): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { alerting } = d;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const route = url.pathname.startsWith('/api/hub/v1/') ? url.pathname.slice('/api/hub/v1/'.length) : undefined;
    if (route === undefined) return false;
    const now = d.now();
    try {
      if (route === 'alerts') return only(req, res, 'GET') && json<AlertsResponse>(res, 200, { alerts: alerting.notifier.alerts(now) });
      if (route === 'alert-groups')
        return only(req, res, 'GET') && json<AlertGroupsResponse>(res, 200, { groups: alerting.notifier.groups(now) });
      let m = /^alerts\/([0-9a-f]{16})\/(ack|snooze)$/.exec(route);
      if (m) {
        if (!only(req, res, 'POST')) return true;
        const body = await readJson<AckRequest & SnoozeRequest>(req, res);
        if (!body) return true;
        const by = typeof body.by === 'string' && body.by ? body.by : 'hub user';
        if (m[2] === 'ack') alerting.notifier.acknowledge(m[1], by, now);
        else {
          const until = body.for !== undefined ? now + parseDuration(String(body.for)) : body.until !== undefined ? toMs(body.until) : NaN;
          if (!Number.isFinite(until)) return fail(res, 400, 'give "for" (a duration like 1h) or "until" (ms or RFC 3339)');
          alerting.notifier.snooze(m[1], until, by, now);
        }
        return m[2] === 'ack'
          ? json<AlertAcknowledged>(res, 200, { fingerprint: m[1], acknowledged: true })
          : json<AlertSnoozed>(res, 200, { fingerprint: m[1], snoozed: true });
      }
      if (route === 'silences') {
        if (req.method === 'GET')
          return json<SilencesResponse>(res, 200, {
            silences: alerting.notifier.silences.list(now, { state: url.searchParams.get('state') ?? undefined } as never),
          });
        if (!only(req, res, 'POST')) return true;
        const body = await readJson<SilenceRequest>(req, res);
        if (!body) return true;
        const matchers = Array.isArray(body.matchers) ? body.matchers.map(String) : [];
        const endsAt = body.for !== undefined ? now + parseDuration(String(body.for)) : toMs(body.endsAt);
        const silence = alerting.notifier.silences.create(
          {
            matchers,
            startsAt: body.startsAt !== undefined ? toMs(body.startsAt) : undefined,
            endsAt,
            createdBy: String(body.createdBy ?? ''),
            comment: String(body.comment ?? ''),
          },
          now,
        );
        return json<Silence>(res, 201, silence);
      }
      m = /^silences\/([^/]+)$/.exec(route);
      if (m) {
        const id = decodeURIComponent(m[1]);
        if (req.method === 'DELETE') return json<Silence>(res, 200, alerting.notifier.silences.expire(id, now));
        if (!only(req, res, 'GET')) return true;
        const s = alerting.notifier.silences.get(id, now);
        return s ? json<Silence>(res, 200, s) : fail(res, 404, `no silence ${id}`);
      }
      if (route === 'history') {
        if (!only(req, res, 'GET')) return true;
        const p: SearchParamsOf<HistoryParams> = url.searchParams;
        const q: HistoryQuery = {
          alertname: p.get('alertname') ?? undefined,
          fingerprint: p.get('fingerprint') ?? undefined,
          receiver: p.get('receiver') ?? undefined,
          kind: (p.get('kind') ?? undefined) as HistoryQuery['kind'],
          from: p.has('from') ? toMs(p.get('from')) : undefined,
          to: p.has('to') ? toMs(p.get('to')) : undefined,
          limit: p.has('limit') ? Number(p.get('limit')) : undefined,
          labelMatchers: p.getAll('match[]').length ? parseMatchers(p.getAll('match[]').join(',')) : undefined,
        };
        return json<HistoryResponse>(res, 200, { events: alerting.notifier.history.search(q) });
      }
      if (route === 'alerting-config') {
        if (req.method === 'GET') return json<AlertingConfig>(res, 200, alerting.notifierConfigText());
        if (!only(req, res, 'PUT')) return true;
        const body = await readJson<AlertingConfigRequest>(req, res);
        if (!body) return true;
        if (typeof body.text !== 'string') return fail(res, 400, 'send {"text": "<the YAML>"}');
        const r = alerting.saveNotifierConfig(body.text);
        return r.ok
          ? json<AlertingConfigSaved>(res, 200, { saved: true, ...alerting.notifierConfigText() })
          : json<HubError>(res, 400, { error: 'the notifier config has problems; nothing was saved', problems: r.problems });
      }
      if (route === 'rules/problems')
        return only(req, res, 'GET') && json<RuleFileProblems>(res, 200, { files: alerting.rules.fileProblems() });
      if (route === 'rules/reload') {
        if (!only(req, res, 'POST')) return true;
        const rules = alerting.rules.reload(true);
        const notifier = alerting.reloadNotifierConfig(true);
        return json<RulesReloaded>(res, 200, { rules, notifier });
      }
    } catch (e) {
      // Bad input the alerting library names (unknown silence, bad matcher, resolved alert, ...).
      return fail(res, 400, (e as Error).message);
    }
    return false;
  };
}

function toMs(v: unknown): number {
  if (typeof v === 'number') return v;
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw new Error(`${JSON.stringify(v)} is not a time: give milliseconds since 1970 or RFC 3339`);
  return t;
}
