// Every call the views make, typed with @metrics-hub/hub-api (the types the hub's routes
// answer with), over whichever transport hosts the renderer.

import type {
  AckRequest,
  AlertingConfig,
  AlertingConfigRequest,
  AlertingConfigSaved,
  AlertAcknowledged,
  AlertSnoozed,
  AlertsResponse,
  AlertView,
  ArchiveVerified,
  DashboardDeleted,
  DashboardSave,
  DashboardsResponse,
  FleetResponse,
  HistoryEvent,
  HistoryParams,
  HistoryResponse,
  HubSettings,
  HubStatus,
  IncidentImport,
  IssuedToken,
  IssueTokenRequest,
  MatrixColumnsData,
  OpenedIncident,
  OpenedIncidentsResponse,
  PromResponse,
  QueryData,
  RuleGroupView,
  RulesData,
  RuntimeInfo,
  SavedDashboard,
  SettingsChanges,
  SettingsSaved,
  Silence,
  SilenceRequest,
  SilencesResponse,
  SnapshotList,
  SnapshotTaken,
  SnoozeRequest,
  TokenRevoked,
} from '@metrics-hub/hub-api';
import type { HubMethod, HubTransport } from '../../common/transport.ts';
import type { Dashboard } from '../dashboards/dashboard.ts';

export class HubApi {
  constructor(readonly transport: HubTransport) {}

  private get<T>(path: string): Promise<T> {
    return this.transport.request<T>('GET', path);
  }

  /** A request with the answer's type and, when it has a body, the body's. */
  private send<Res, Req = never>(method: HubMethod, path: string, ...body: [Req] | []): Promise<Res> {
    return this.transport.request<Res>(method, path, ...body);
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
    return (await this.get<PromResponse<RulesData>>('/api/v1/rules')).data.groups;
  }

  /** Prometheus's runtime info: the hub fills in the raw-sample retention. */
  async runtimeInfo(): Promise<RuntimeInfo> {
    return (await this.get<PromResponse<RuntimeInfo>>('/api/v1/status/runtimeinfo')).data;
  }

  // The hub
  status(): Promise<HubStatus> {
    return this.get('/api/hub/v1/status');
  }

  fleet(): Promise<FleetResponse> {
    return this.get('/api/hub/v1/fleet');
  }

  issueToken(agentId: string): Promise<IssuedToken> {
    return this.send<IssuedToken, IssueTokenRequest>('POST', '/api/hub/v1/agents', { agentId });
  }

  revokeToken(agentId: string): Promise<TokenRevoked> {
    return this.send('DELETE', `/api/hub/v1/agents/${encodeURIComponent(agentId)}/token`);
  }

  async alerts(): Promise<AlertView[]> {
    return (await this.get<AlertsResponse>('/api/hub/v1/alerts')).alerts;
  }

  acknowledge(fingerprint: string, by = 'desktop user'): Promise<AlertAcknowledged> {
    return this.send<AlertAcknowledged, AckRequest>('POST', `/api/hub/v1/alerts/${fingerprint}/ack`, { by });
  }

  snooze(fingerprint: string, duration: string, by = 'desktop user'): Promise<AlertSnoozed> {
    return this.send<AlertSnoozed, SnoozeRequest>('POST', `/api/hub/v1/alerts/${fingerprint}/snooze`, { for: duration, by });
  }

  async silences(): Promise<Silence[]> {
    return (await this.get<SilencesResponse>('/api/hub/v1/silences')).silences;
  }

  createSilence(s: SilenceRequest): Promise<Silence> {
    return this.send<Silence, SilenceRequest>('POST', '/api/hub/v1/silences', s);
  }

  expireSilence(id: string): Promise<Silence> {
    return this.send('DELETE', `/api/hub/v1/silences/${encodeURIComponent(id)}`);
  }

  async history(q: Pick<HistoryParams, 'alertname' | 'fingerprint' | 'limit'> = {}): Promise<HistoryEvent[]> {
    const p = new URLSearchParams(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return (await this.get<HistoryResponse>(`/api/hub/v1/history?${p}`)).events;
  }

  /** Addresses and retention: current, and saved for the next start. */
  settings(): Promise<HubSettings> {
    return this.get('/api/hub/v1/settings');
  }

  /** Saves them for the next start; problems come back as HubRequestError with `body.problems`. */
  saveSettings(changes: SettingsChanges): Promise<SettingsSaved> {
    return this.send<SettingsSaved, SettingsChanges>('PUT', '/api/hub/v1/settings', changes);
  }

  /** Whole-hub snapshots kept in the data folder. */
  snapshots(): Promise<SnapshotList> {
    return this.get('/api/hub/v1/snapshots');
  }

  /** Reads every archive file and checks its checksums (the hub answers when done). */
  verifyArchive(): Promise<ArchiveVerified> {
    return this.send('POST', '/api/hub/v1/archive/verify');
  }

  /** Takes a whole-hub snapshot (database, rules, settings) while the hub keeps running. */
  takeSnapshot(): Promise<SnapshotTaken> {
    return this.send('POST', '/api/hub/v1/snapshots');
  }

  /** The notifier config (routes, receivers, inhibitions) as YAML. */
  alertingConfig(): Promise<AlertingConfig> {
    return this.get('/api/hub/v1/alerting-config');
  }

  /** Saves it; a config with problems is refused (HubRequestError with `body.problems`). */
  saveAlertingConfig(text: string): Promise<AlertingConfigSaved> {
    return this.send<AlertingConfigSaved, AlertingConfigRequest>('PUT', '/api/hub/v1/alerting-config', { text });
  }

  async dashboards(): Promise<SavedDashboard[]> {
    return (await this.get<DashboardsResponse>('/api/hub/v1/dashboards')).dashboards;
  }

  saveDashboard(d: Dashboard): Promise<SavedDashboard> {
    return this.send<SavedDashboard, DashboardSave>('PUT', `/api/hub/v1/dashboards/${encodeURIComponent(d.id)}`, {
      title: d.title,
      panels: d.panels,
    });
  }

  deleteDashboard(id: string): Promise<DashboardDeleted> {
    return this.send('DELETE', `/api/hub/v1/dashboards/${encodeURIComponent(id)}`);
  }

  // Incident files (opening and importing one sends the file: FileTransfers does that)
  async openedIncidents(): Promise<OpenedIncident[]> {
    return (await this.get<OpenedIncidentsResponse>('/api/hub/v1/incidents')).incidents;
  }

  incident(id: string): Promise<OpenedIncident> {
    return this.get(`/api/hub/v1/incidents/${encodeURIComponent(id)}`);
  }

  /** Stores an opened incident's samples and dashboard in this hub (the hub has the file already). */
  importOpenedIncident(id: string): Promise<IncidentImport> {
    return this.send('POST', `/api/hub/v1/incidents/${encodeURIComponent(id)}/import`);
  }

  /** A range query over an opened incident's series only (Prometheus's matrix shape). */
  incidentQueryRange(id: string, expr: string, startMs: number, endMs: number, stepMs: number): Promise<PromResponse<QueryData>> {
    const p = new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
    return this.get(`/api/hub/v1/incidents/${encodeURIComponent(id)}/query_range?${p}`);
  }
}
