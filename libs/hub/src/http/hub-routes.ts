// The hub's own HTTP endpoints, beside the Prometheus API: the fleet, agent tokens, hub
// status, live events, and /metrics.
//
//   GET    /api/hub/v1/status                 version, broker, ingest and store figures
//   GET    /api/hub/v1/fleet                  every agent and its state
//   POST   /api/hub/v1/agents                 {"agentId"}: issue a token (shown once) and
//                                             the agent config / install command carrying it
//   DELETE /api/hub/v1/agents/<id>/token      revoke it and drop the agent's connection
//   DELETE /api/hub/v1/agents/<id>            forget the agent (its data stays)
//   GET    /api/hub/v1/events                 server-sent events: fleet, ingest
//   GET    /api/hub/v1/settings               addresses and retention: current and saved for the next start
//   PUT    /api/hub/v1/settings               {"broker.listen"?, "http.listen"?, "store.retention"?}: checked, saved
//   GET    /metrics                           the hub's own metrics, Prometheus text format

import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeExposition } from '@metrics-hub/expfmt';
import type {
  AgentRemoved,
  FleetResponse,
  HubError,
  HubSettings,
  HubStatus,
  IssuedToken,
  IssueTokenRequest,
  SettingsChanges,
  SettingsSaved,
  TokenRevoked,
} from '@metrics-hub/hub-api';
import { agentIdProblem } from '@metrics-hub/wire';
import type { FleetRegistry } from '../fleet/registry.ts';
import type { AgentTokens } from '../tokens.ts';
import type { EventStream } from './event-stream.ts';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { fail, json, only, readJson } from './json.ts';

export interface HubRoutesDeps {
  fleet: FleetRegistry;
  tokens: AgentTokens;
  events: EventStream;
  status: () => HubStatus;
  metrics: () => MetricFamily[];
  /** How agents reach this hub's broker, for the config handed out with a token. */
  agentBrokerUrl: () => string;
  topicPrefix: string;
  /** Ends an agent's live connection (embedded broker only). */
  disconnect: (agentId: string) => void;
  /** Settings the app may change (applied at the next start). */
  settings: { get: () => HubSettings; save: (changes: SettingsChanges) => SettingsSaved };
}

export function createHubRoutes(d: HubRoutesDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = url.pathname;
    if (path === '/metrics') {
      if (!only(req, res, 'GET')) return true;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(writeExposition(d.metrics()));
      return true;
    }
    if (!path.startsWith('/api/hub/v1/')) return false;
    const route = path.slice('/api/hub/v1/'.length);
    if (route === 'status') {
      if (only(req, res, 'GET')) json<HubStatus>(res, 200, d.status());
      return true;
    }
    if (route === 'settings') {
      if (req.method === 'GET') return json<HubSettings>(res, 200, d.settings.get());
      if (!only(req, res, 'PUT')) return true;
      const body = await readJson<SettingsChanges>(req, res);
      if (!body) return true;
      try {
        json<SettingsSaved>(res, 200, d.settings.save(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v ?? '')]))));
      } catch (e) {
        const problems = (e as { problems?: string[] }).problems ?? [(e as Error).message];
        json<HubError>(res, 400, { error: 'not saved: the settings have problems', problems });
      }
      return true;
    }
    if (route === 'fleet') {
      if (only(req, res, 'GET')) json<FleetResponse>(res, 200, { agents: d.fleet.list(), tokens: d.tokens.list() });
      return true;
    }
    if (route === 'events') {
      if (only(req, res, 'GET')) d.events.attach(res, [{ event: 'fleet', data: { agents: d.fleet.list() } }]);
      return true;
    }
    if (route === 'agents') {
      if (!only(req, res, 'POST')) return true;
      const body = await readJson<IssueTokenRequest>(req, res);
      if (body === undefined) return true;
      const agentId = typeof body.agentId === 'string' ? body.agentId : '';
      const problem = agentIdProblem(agentId);
      if (problem) return fail(res, 400, `${problem}: send {"agentId": "<id>"}`);
      const token = d.tokens.issue(agentId);
      const brokerUrl = d.agentBrokerUrl();
      const config = [
        'agent:',
        `  id: ${agentId}`,
        'hub:',
        `  url: ${brokerUrl}`,
        `  topic_prefix: ${d.topicPrefix}`,
        `  password: ${token}`,
        '',
      ].join('\n');
      json<IssuedToken>(res, 201, {
        agentId,
        token,
        brokerUrl,
        config,
        installCommand: `sudo bash install-agent.sh install --hub ${brokerUrl} --token ${token} --id ${agentId}`,
        note: 'The token is shown only now; issuing again replaces it.',
      });
      return true;
    }
    const m = /^agents\/([^/]+)(\/token)?$/.exec(route);
    if (m) {
      if (!only(req, res, 'DELETE')) return true;
      const agentId = decodeURIComponent(m[1]);
      if (m[2]) {
        const revoked = d.tokens.revoke(agentId);
        d.disconnect(agentId);
        if (!revoked) return fail(res, 404, `agent "${agentId}" has no active token`);
        json<TokenRevoked>(res, 200, { agentId, revoked: true });
      } else {
        if (!d.fleet.remove(agentId)) return fail(res, 404, `agent "${agentId}" is not in the fleet`);
        json<AgentRemoved>(res, 200, { agentId, removed: true });
      }
      return true;
    }
    fail(res, 404, `no endpoint ${path}: see /api/hub/v1/status, fleet, agents, events`);
    return true;
  };
}
