// Every call the views make, typed, over whichever transport hosts the renderer.

import type { HubTransport } from '../../common/transport.ts';
import type {
  AlertView,
  ArchiveStatus,
  IncidentImport,
  Dashboard,
  MatrixColumnsData,
  FleetAgent,
  HistoryEvent,
  HubStatus,
  IssuedToken,
  Labels,
  OpenedIncident,
  PromResponse,
  QueryData,
  RuleGroupView,
  Silence,
  TokenInfo,
} from './types.ts';

export class HubApi {
  constructor(readonly transport: HubTransport) {}

  private get<T>(path: string): Promise<T> {
    return this.transport.request<T>('GET', path);
  }

  // Prometheus API
  async query(expr: string, timeMs?: number): Promise<PromResponse<QueryData>> {
    const p = new URLSearchParams({ query: expr, ...(timeMs !== undefined ? { time: String(timeMs / 1000) } : {}) });
    return this.get(`/api/v1/query?${p}`);
  }

  async queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<PromResponse<QueryData>> {
    const p = new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
    return this.get(`/api/v1/query_range?${p}`);
  }

  /** A range query on its step grid (the hub's `format=columns`): what charts draw, parsed fast. */
  async queryRangeColumns(expr: string, startMs: number, endMs: number, stepMs: number): Promise<PromResponse<MatrixColumnsData>> {
    const p = new URLSearchParams({
      query: expr,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(stepMs / 1000),
      format: 'columns',
    });
    return this.get(`/api/v1/query_range?${p}`);
  }

  async labelValues(name: string, match?: string): Promise<string[]> {
    const p = match ? `?${new URLSearchParams({ 'match[]': match })}` : '';
    return (await this.get<PromResponse<string[]>>(`/api/v1/label/${encodeURIComponent(name)}/values${p}`)).data;
  }

  async rules(): Promise<RuleGroupView[]> {
    return (await this.get<PromResponse<{ groups: RuleGroupView[] }>>('/api/v1/rules')).data.groups;
  }

  /** Prometheus's runtime info: the hub fills in the raw-sample retention. */
  async runtimeInfo(): Promise<{ storageRetention?: string; startTime?: string }> {
    return (await this.get<PromResponse<{ storageRetention?: string; startTime?: string }>>('/api/v1/status/runtimeinfo')).data;
  }

  // The hub
  status(): Promise<HubStatus> {
    return this.get('/api/hub/v1/status');
  }

  fleet(): Promise<{ agents: FleetAgent[]; tokens: TokenInfo[] }> {
    return this.get('/api/hub/v1/fleet');
  }

  issueToken(agentId: string): Promise<IssuedToken> {
    return this.transport.request('POST', '/api/hub/v1/agents', { agentId });
  }

  revokeToken(agentId: string): Promise<unknown> {
    return this.transport.request('DELETE', `/api/hub/v1/agents/${encodeURIComponent(agentId)}/token`);
  }

  async alerts(): Promise<AlertView[]> {
    return (await this.get<{ alerts: AlertView[] }>('/api/hub/v1/alerts')).alerts;
  }

  acknowledge(fingerprint: string, by = 'desktop user'): Promise<unknown> {
    return this.transport.request('POST', `/api/hub/v1/alerts/${fingerprint}/ack`, { by });
  }

  snooze(fingerprint: string, duration: string, by = 'desktop user'): Promise<unknown> {
    return this.transport.request('POST', `/api/hub/v1/alerts/${fingerprint}/snooze`, { for: duration, by });
  }

  async silences(): Promise<Silence[]> {
    return (await this.get<{ silences: Silence[] }>('/api/hub/v1/silences')).silences;
  }

  createSilence(s: { matchers: string[]; for: string; createdBy: string; comment: string }): Promise<Silence> {
    return this.transport.request('POST', '/api/hub/v1/silences', s);
  }

  expireSilence(id: string): Promise<unknown> {
    return this.transport.request('DELETE', `/api/hub/v1/silences/${encodeURIComponent(id)}`);
  }

  async history(q: { alertname?: string; fingerprint?: string; limit?: number } = {}): Promise<HistoryEvent[]> {
    const p = new URLSearchParams(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return (await this.get<{ events: HistoryEvent[] }>(`/api/hub/v1/history?${p}`)).events;
  }

  /** Addresses and retention: current, and saved for the next start. */
  settings(): Promise<{
    keys: string[];
    current: Record<string, string>;
    saved: Record<string, string>;
    file: string;
    configFile: string;
  }> {
    return this.get('/api/hub/v1/settings');
  }

  /** Saves them for the next start; problems come back as HubRequestError with `body.problems`. */
  saveSettings(changes: Record<string, string>): Promise<{ restartRequired: boolean; saved: Record<string, string> }> {
    return this.transport.request('PUT', '/api/hub/v1/settings', changes);
  }

  /** Whole-hub snapshots kept in the data folder. */
  snapshots(): Promise<{
    folder: string;
    snapshots: { name: string; bytes: number; manifest: { createdAt?: string; newestSampleMs?: number | null; error?: string } }[];
  }> {
    return this.get('/api/hub/v1/snapshots');
  }

  /** Takes a whole-hub snapshot (database, rules, settings) while the hub keeps running. */
  /** Reads every archive file and checks its checksums (the hub answers when done). */
  verifyArchive(): Promise<ArchiveStatus & { checked: number }> {
    return this.transport.request('POST', '/api/hub/v1/archive/verify');
  }

  takeSnapshot(): Promise<{ file: string; archiveBytes: number }> {
    return this.transport.request('POST', '/api/hub/v1/snapshots');
  }

  /** The notifier config (routes, receivers, inhibitions) as YAML. */
  alertingConfig(): Promise<{ file: string; text: string }> {
    return this.get('/api/hub/v1/alerting-config');
  }

  /** Saves it; a config with problems is refused (HubRequestError with `body.problems`). */
  saveAlertingConfig(text: string): Promise<{ saved: true; file: string; text: string }> {
    return this.transport.request('PUT', '/api/hub/v1/alerting-config', { text });
  }

  async dashboards(): Promise<Dashboard[]> {
    return (await this.get<{ dashboards: Dashboard[] }>('/api/hub/v1/dashboards')).dashboards;
  }

  saveDashboard(d: Dashboard): Promise<Dashboard> {
    return this.transport.request('PUT', `/api/hub/v1/dashboards/${encodeURIComponent(d.id)}`, { title: d.title, panels: d.panels });
  }

  deleteDashboard(id: string): Promise<unknown> {
    return this.transport.request('DELETE', `/api/hub/v1/dashboards/${encodeURIComponent(id)}`);
  }

  // Incident files (opening and importing one sends the file: FileTransfers does that)
  async openedIncidents(): Promise<OpenedIncident[]> {
    return (await this.get<{ incidents: OpenedIncident[] }>('/api/hub/v1/incidents')).incidents;
  }

  incident(id: string): Promise<OpenedIncident> {
    return this.get(`/api/hub/v1/incidents/${encodeURIComponent(id)}`);
  }

  /** Stores an opened incident's samples and dashboard in this hub (the hub has the file already). */
  importOpenedIncident(id: string): Promise<IncidentImport> {
    return this.transport.request('POST', `/api/hub/v1/incidents/${encodeURIComponent(id)}/import`);
  }

  /** A range query over an opened incident's series only (Prometheus's matrix shape). */
  incidentQueryRange(id: string, expr: string, startMs: number, endMs: number, stepMs: number): Promise<PromResponse<QueryData>> {
    const p = new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
    return this.get(`/api/hub/v1/incidents/${encodeURIComponent(id)}/query_range?${p}`);
  }
}

export type { Labels };
