// The hub runtime: everything between the agents and the people looking at their data,
// in plain Node, so that the Electron main process only hosts it and `hub serve` runs the
// same thing headless.
//
//   broker (embedded aedes, or a client of an external one)
//     └─ MessageSink ─► Ingester (decode, check, de-duplicate, group commit, then PUBACK)
//                         └─► TimeSeriesStore ◄─ query workers (PromQL, read-only replicas) ◄─ HTTP API
//                         └─► FleetRegistry (status, lag, backlog; writes `up`)

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { RulesQueryError, type DesktopNotifier } from '@metrics-hub/alerts';
import { ApiError, createPrometheusApi, parseRulesFilter, type AnswerEncoding, type QueryJob } from '@metrics-hub/http-api';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore, type AppendResult, type AppendSeries } from '@metrics-hub/tsdb';
import { resumeImports } from '@metrics-hub/snapshot';
import { loopbackFor, type HostPort, type HubConfig } from './config.ts';
import { EmbeddedBroker } from './broker/embedded-broker.ts';
import { ExternalBroker } from './broker/external-broker.ts';
import type { MessageSink } from './broker/message-sink.ts';
import { FleetRegistry } from './fleet/registry.ts';
import { agentNotices } from './ingest/agent-notices.ts';
import { Ingester } from './ingest/ingester.ts';
import { ThrottledLog } from './ingest/throttled-log.ts';
import { AgentTokens } from './tokens.ts';
import { EventStream } from './http/event-stream.ts';
import { createHubRoutes } from './http/hub-routes.ts';
import { startHttpServer, type RefusedCounts, type RouteHandler } from './http/server.ts';
import { hubMetricFamilies } from './self-metrics.ts';
import { LocalAgent } from './local-agent.ts';
import { Alerting } from './alerting/alerting.ts';
import { createAlertingRoutes } from './http/alerting-routes.ts';
import { createDashboardRoutes } from './http/dashboard-routes.ts';
import { createDataRoutes } from './http/data-routes.ts';
import { createIncidentRoutes } from './http/incident-routes.ts';
import { createStaticFiles } from './http/static-files.ts';
import { APP_SETTINGS, appSettingsFile, readAppSettings, saveAppSettings, type AppSettings } from './app-settings.ts';
import { HubRemoteWrite } from './remote-write/hub-remote-write.ts';
import { REMOTE_WRITE_PATH } from './remote-write/receive-route.ts';
import { apiTokenFile, readApiToken } from './api-token.ts';
import { tightenDataDir, tightenedLine } from './file-modes.ts';
import { escapingLog } from './log-line.ts';
import { hubQueryPool } from './query/hub-queries.ts';
import { ScannedTotals } from './query/store-totals.ts';
import { importStagingDir } from './paths.ts';
import type { QueryPool } from './query/query-pool.ts';

export const HUB_VERSION = '0.1.0';

/**
 * What /api/v1/status/buildinfo says. Grafana picks features by the Prometheus version it
 * reads there; the engine follows Prometheus 3's query semantics.
 */
const PROMETHEUS_COMPATIBILITY = {
  version: '3.0.0',
  revision: `metrics-hub-${HUB_VERSION}`,
  branch: 'main',
  buildUser: 'metrics-hub',
  goVersion: 'n/a (TypeScript)',
};

export interface HubDeps {
  log?: (line: string) => void;
  now?: () => number;
  /** How to run an agent for this machine: [node, path/to/agent cli]. Without it, none runs. */
  localAgentCommand?: string[];
  /** Desktop notifications (the Electron app's); headless, notify-send over D-Bus. */
  desktopNotifier?: DesktopNotifier;
  /** The built renderer, served at / for browsers. */
  uiDir?: string;
}

export class Hub {
  readonly store: TimeSeriesStore;
  readonly tokens: AgentTokens;
  readonly fleet: FleetRegistry;
  readonly ingester: Ingester;
  readonly engine: Engine;
  /** /api/v1/query and query_range, in worker threads; undefined with query.max_concurrency 0. */
  readonly queries: QueryPool | undefined;
  readonly alerting: Alerting;
  /** Remote write: POST /api/v1/write in, and every stored sample out to remote_write endpoints. */
  readonly remoteWrite: HubRemoteWrite;
  readonly events = new EventStream();
  readonly startedMs: number;
  private broker: EmbeddedBroker | ExternalBroker | undefined;
  private tokenInfo: { tokenRequired: boolean; tokenFile?: string } | undefined;
  private http: { server: Server; address: HostPort; refused: RefusedCounts } | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The store's totals, scanned by a query worker at every heartbeat. */
  private readonly totals: ScannedTotals;
  private alertClock: NodeJS.Timeout | undefined;
  private alertTicking: Promise<void> | undefined;
  private localAgent: LocalAgent | undefined;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  /** Refusals that could repeat often (rule output every evaluation, births in a loop): once per 10 min per key. */
  private readonly refusalLog: ThrottledLog;

  private constructor(
    readonly config: HubConfig,
    private readonly deps: HubDeps,
  ) {
    // One place every component's lines pass (broker, ingest, HTTP, alerting, remote write).
    this.log = escapingLog(deps.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} hub: ${line}\n`)));
    this.now = deps.now ?? Date.now;
    this.startedMs = this.now();
    this.refusalLog = new ThrottledLog(this.log, this.now);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    // Before anything is opened: a folder left readable by an older version is closed first.
    const tightened = tightenDataDir(config.dataDir);
    this.store = TimeSeriesStore.open({
      path: join(config.dataDir, 'metrics.db'),
      durability: config.store.durability,
      retention: {
        rawMs: config.store.retentionMs,
        rollup1mMs: config.store.rollup1mRetentionMs,
        rollup1hMs: config.store.rollup1hRetentionMs,
      },
      limits: { maxSeries: config.store.maxSeries },
      maxFutureMs: config.store.maxFutureMs,
      now: this.now,
      archive: config.store.archive && { ...config.store.archive, log: (line) => this.log(line) },
    });
    // Before anything appends: it sees every append from here on.
    this.remoteWrite = new HubRemoteWrite(this.store, {
      dataDir: config.dataDir,
      endpoints: config.remoteWrite.endpoints,
      durability: config.store.durability,
      maxBodyBytes: config.ingest.maxBatchBytes,
      acceptPastRetention: config.ingest.acceptPastRetention,
      userAgent: `metrics-hub/${HUB_VERSION}`,
      log: this.log,
      now: this.now,
    });
    this.tokens = new AgentTokens(this.store.database, this.now);
    this.fleet = new FleetRegistry(this.store.database, this.store, this.now, {
      sharedDelivery: config.broker.mode === 'external' && !!config.broker.sharedGroup,
    });
    this.ingester = new Ingester(this.store, { ...config.ingest, log: this.log, now: this.now });
    this.engine = new Engine({
      timeoutMs: config.query.timeoutMs,
      maxSamples: config.query.maxSamples,
      lookbackDeltaMs: config.query.lookbackDeltaMs,
    });
    this.queries = hubQueryPool(config, { limits: this.engine.limits, retention: this.store.options.retention, log: this.log });
    this.totals = new ScannedTotals(this.queries);
    this.ingester.onOutcome((agentId, outcome) => {
      this.fleet.noteOutcome(agentId, outcome);
      if (outcome.kind === 'stored' && outcome.samples > 0) this.events.noteIngest(agentId, outcome.samples, outcome.newestStoredMs);
    });
    this.fleet.onChange((change) => this.events.publish('fleet', change));
    this.alerting = new Alerting(config, {
      db: this.store.database,
      engine: this.engine,
      queryable: this.store,
      query: this.queries && ((expr, timeMs) => this.queries!.instant(expr, timeMs)),
      appender: { append: (series) => this.appendRuleOutput(series) },
      externalUrl: () => this.externalUrl(),
      desktop: deps.desktopNotifier,
      log: this.log,
    });
    // After the store and alerting.yml exist: files made before this version, by hand or
    // just now by SQLite (whose -wal and -shm then follow the database's mode) become 0600.
    tightened.push(...tightenDataDir(config.dataDir));
    const line = tightenedLine(config.dataDir, tightened);
    if (line) this.log(line);
  }

  /** What rules record (recording rules, ALERTS), with what the store refuses of it logged. */
  private appendRuleOutput(series: AppendSeries[]): AppendResult {
    const r = this.store.append(series);
    const reasons = [
      r.tooFarAhead &&
        `${r.tooFarAhead} samples stamped too far ahead of the hub's clock (store.max_future): rules were evaluated at a time the store does not accept`,
      r.tooOld && `${r.tooOld} samples too old`,
      r.conflicts && `${r.conflicts} samples with a different value at a stored time`,
      r.rejected[0] && `${r.rejected.length} series refused (first: ${r.rejected[0].reason})`,
    ].filter(Boolean);
    if (reasons.length) this.refusalLog.note('rules', `alerting: the store refused rule output: ${reasons.join('; ')}`);
    return r;
  }

  /** The hub's address as links in notifications give it. */
  externalUrl(): string {
    if (this.config.alerting.externalUrl) return this.config.alerting.externalUrl.replace(/\/+$/, '');
    const a = this.http?.address ?? this.config.http.listen;
    return `http://${loopbackFor(a.host)}:${a.port}`;
  }

  /** Opens the store and starts the broker, the HTTP API and (if configured) the local agent. */
  static async start(config: HubConfig, deps: HubDeps = {}): Promise<Hub> {
    const hub = new Hub(config, deps);
    try {
      await hub.startServices();
    } catch (e) {
      await hub.stop();
      throw e;
    }
    return hub;
  }

  /** Where the HTTP API listens (the bound port when the config said 0). */
  get httpAddress(): HostPort {
    return this.http!.address;
  }

  /** The broker address agents on this machine use (embedded: the plain or TLS listener). */
  get localBrokerUrl(): string {
    const b = this.config.broker;
    if (b.mode === 'external') return b.url;
    const embedded = this.broker as EmbeddedBroker;
    const plain = embedded.addresses.mqtt;
    if (plain) return `mqtt://${loopbackFor(plain.host)}:${plain.port}`;
    const tls = embedded.addresses.mqtts!;
    return `mqtts://${loopbackFor(tls.host)}:${tls.port}`;
  }

  /** What the app may change (effective now, and saved for the next start). */
  appSettings() {
    const c = this.config;
    const b = c.broker;
    const current: Record<string, string> = {
      'broker.listen': b.mode === 'embedded' && b.listen ? `${b.listen.host}:${b.listen.port}` : '',
      'http.listen': `${c.http.listen.host}:${c.http.listen.port}`,
      'store.retention': `${Math.round(c.store.retentionMs / 86_400_000)}d`,
    };
    return {
      keys: APP_SETTINGS,
      current,
      saved: readAppSettings(c.dataDir),
      file: appSettingsFile(c.dataDir),
      configFile: c.source?.file ?? '(defaults)',
    };
  }

  /** Checks and saves settings for the next start; throws ConfigError with the problems. */
  saveAppSettings(changes: AppSettings) {
    const src = this.config.source ?? { text: '', file: '(defaults)', env: {} };
    saveAppSettings(src.text, src.file, src.env, this.config.dataDir, changes);
    return { ...this.appSettings(), restartRequired: true };
  }

  status() {
    const b = this.config.broker;
    return {
      version: HUB_VERSION,
      startedMs: this.startedMs,
      broker:
        b.mode === 'embedded'
          ? { mode: b.mode, ...(this.broker as EmbeddedBroker | undefined)?.addresses, connections: this.brokerConnections() }
          : { mode: b.mode, url: b.url, connected: (this.broker as ExternalBroker | undefined)?.connected ?? false },
      http: this.http && { ...this.http.address, ...this.apiTokenInfo(), refused: { ...this.http.refused } },
      ingest: { ...this.ingester.stats },
      store: this.store.stats(this.totals.current),
      archive: this.store.archiveStatus(),
      agents: this.fleet.list().length,
      remoteWrite: this.remoteWrite.status(),
      localAgent: this.localAgent ? { id: this.config.localAgent.id, pid: this.localAgent.pid } : undefined,
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.alertClock);
    await this.localAgent?.stop();
    this.events.close();
    if (this.http) {
      this.http.server.closeAllConnections();
      await new Promise<void>((resolve) => this.http!.server.close(() => resolve()));
    }
    await this.broker?.stop().catch((e: Error) => this.log(`stopping the broker: ${e.message}`));
    await this.ingester.close();
    this.fleet.save();
    await this.remoteWrite.stop();
    // Before the store: its readers go first, so that closing checkpoints the journal whole;
    // a rule evaluation waiting for a worker ends (its query failed) before the store closes.
    await this.queries?.close();
    await this.alertTicking;
    this.store.close();
  }

  private async startServices(): Promise<void> {
    // An import the hub stopped in is finished (or dropped) before anything else is stored.
    for (const line of await resumeImports(importStagingDir(this.config.dataDir), this.store)) this.log(line);
    // The query workers start (and load their replicas) now, not on the first query: a
    // dashboard opened with the hub then gets its answers at once, its big queries split.
    void this.queries?.warm();
    const sink: MessageSink = {
      samples: (agentId, payload) => this.ingester.submit(agentId, payload).then((outcome) => agentNotices(outcome, this.now())),
      control: (agentId, kind, payload) => {
        if (kind === 'status') return this.fleet.noteStatus(agentId, payload);
        const problem = this.fleet.noteMeta(agentId, payload);
        if (problem) this.refusalLog.note(`birth ${agentId}`, problem);
      },
      disconnected: (agentId) => this.fleet.noteDisconnected(agentId),
    };
    const b = this.config.broker;
    if (b.mode === 'embedded') {
      this.broker = await EmbeddedBroker.start({
        listen: b.listen,
        tls: b.tls && {
          ...b.tls.listen,
          certFile: b.tls.certFile,
          keyFile: b.tls.keyFile,
          caFile: b.tls.caFile,
          requireClientCertificate: b.tls.requireClientCertificate,
        },
        topicPrefix: this.config.topicPrefix,
        tokens: this.tokens,
        sink,
        maxConnections: b.maxConnections,
        maxPacketBytes: b.maxPacketBytes,
        log: this.log,
      });
    } else {
      this.broker = ExternalBroker.start({ ...b, topicPrefix: this.config.topicPrefix, sink, log: this.log });
    }
    const handlers: RouteHandler[] = [
      // Before the Prometheus API, which answers 404 for /api/v1/ paths it does not know.
      this.remoteWrite.route,
      createPrometheusApi(
        {
          engine: this.engine,
          queryable: this.store,
          ...(this.queries && { runQuery: (job, context) => this.runQuery(job, context) }),
          series: (matchers, mint, maxt) => this.store.series(matchers, mint, maxt),
          labelNames: (matchers) => this.store.labelNames(matchers),
          labelValues: (name, matchers) => this.store.labelValues(name, matchers),
          metadata: (metric) => this.store.metadata(metric),
          rules: (form) => {
            try {
              return this.alerting.rules.rulesApi(parseRulesFilter(form));
            } catch (e) {
              throw e instanceof RulesQueryError ? new ApiError('bad_data', e.message) : e;
            }
          },
          alerts: () => this.alerting.rules.alertsApi(),
          runtimeInfo: () => ({
            storageRetention: `${Math.round(this.config.store.retentionMs / 86_400_000)}d`,
            startTime: new Date(this.startedMs).toISOString(),
          }),
          buildInfo: PROMETHEUS_COMPATIBILITY,
          now: this.now,
        },
        { onInternalError: (e, req) => this.log(`http: ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`) },
      ),
    ];
    handlers.push(createAlertingRoutes({ alerting: this.alerting, now: this.now }));
    handlers.push(createDashboardRoutes(this.store.database, this.now));
    handlers.push(
      createDataRoutes({
        store: this.store,
        engine: this.engine,
        dataDir: this.config.dataDir,
        rulePaths: this.config.alerting.rulePaths,
        notifierConfigFile: this.config.alerting.notifierConfigFile,
        hubVersion: HUB_VERSION,
        now: this.now,
        log: this.log,
      }),
    );
    handlers.push(createIncidentRoutes({ store: this.store, engine: this.engine, db: this.store.database, now: this.now, log: this.log }));
    if (this.deps.uiDir) handlers.push(createStaticFiles(this.deps.uiDir));
    handlers.push(
      createHubRoutes({
        fleet: this.fleet,
        tokens: this.tokens,
        events: this.events,
        status: () => this.status(),
        settings: { get: () => this.appSettings(), save: (changes) => this.saveAppSettings(changes) },
        metrics: () => this.metricFamilies(),
        agentBrokerUrl: () => this.localBrokerUrl,
        topicPrefix: this.config.topicPrefix,
        disconnect: (agentId) => (this.broker instanceof EmbeddedBroker ? this.broker.disconnect(agentId) : undefined),
      }),
    );
    this.http = await startHttpServer({
      listen: this.config.http.listen,
      token: this.config.http.token,
      allowedHosts: this.config.http.allowedHosts,
      // Prometheus's query API only reads (Grafana posts its queries as forms); remote write stores.
      readOnlyPost: (path) => path.startsWith('/api/v1/') && path !== REMOTE_WRITE_PATH,
      handlers,
      log: this.log,
    });
    this.heartbeat = setInterval(() => this.beat(), this.config.fleet.upIntervalMs);
    this.beat();
    // Rules and notifications run on the hub's clock, once a second.
    this.alertClock = setInterval(() => this.alertTick(), 1000);
    const command = this.deps.localAgentCommand;
    if (this.config.localAgent.enabled && command) {
      const id = this.config.localAgent.id;
      // A fresh token at every start: the old one is not kept anywhere to reuse.
      const token = this.config.broker.mode === 'embedded' ? this.tokens.issue(id) : '';
      this.localAgent = new LocalAgent({
        command,
        agentId: id,
        token,
        brokerUrl: this.localBrokerUrl,
        topicPrefix: this.config.topicPrefix,
        intervalMs: this.config.localAgent.intervalMs,
        dir: join(this.config.dataDir, 'local-agent'),
        log: this.log,
      });
      this.localAgent.start();
    }
    this.log(
      `serving: HTTP on http://${this.http.address.host}:${this.http.address.port}, broker ${this.localBrokerUrl}, data in ${this.config.dataDir}`,
    );
  }

  private async runQuery(job: QueryJob, context: { signal: AbortSignal; encoding: AnswerEncoding }) {
    return { encoded: await this.queries!.run(job, context) };
  }

  /** The clock's tick: skipped while the last one runs (slow rules or receivers must not stack ticks). */
  private alertTick(): void {
    if (this.alertTicking) return;
    this.alertTicking = this.alerting
      .tick(this.now())
      .catch((e: Error) => this.log(`alerting: ${e.stack ?? e.message}`))
      .finally(() => (this.alertTicking = undefined));
  }

  private brokerConnections(): number {
    return this.broker instanceof EmbeddedBroker ? this.broker.connectedClients : 0;
  }

  /** Whether the API wants a token, and the file holding it when it is the data folder's (the desktop app's). */
  private apiTokenInfo(): { tokenRequired: boolean; tokenFile?: string } {
    // Read once: the token does not change while the hub runs.
    if (!this.tokenInfo) {
      const token = this.config.http.token;
      this.tokenInfo = {
        tokenRequired: !!token,
        ...(token && token === readApiToken(this.config.dataDir) ? { tokenFile: apiTokenFile(this.config.dataDir) } : {}),
      };
    }
    return this.tokenInfo;
  }

  /**
   * The `instance` of the hub's own metrics: behind an external broker its client id, so
   * that hubs forwarding to one long-term store keep their series apart.
   */
  private selfInstance(): string {
    return this.config.broker.mode === 'external' ? this.config.broker.clientId : 'hub';
  }

  private metricFamilies() {
    return [
      ...hubMetricFamilies({
        ingest: this.ingester.stats,
        store: this.store.stats(this.totals.current),
        agents: this.fleet.list(),
        brokerConnections: this.brokerConnections(),
        startedMs: this.startedMs,
        version: HUB_VERSION,
      }),
      ...this.remoteWrite.metricFamilies(),
      ...(this.queries?.metricFamilies() ?? []),
      {
        name: 'metrics_hub_http_requests_refused_total',
        type: 'counter' as const,
        help: 'HTTP requests refused as coming from a web page elsewhere, by reason (host: DNS rebinding; origin, fetch_site: another site; simple_request: what a form can send).',
        unit: '',
        samples: Object.entries(this.http?.refused ?? {}).map(([reason, value]) => ({
          name: 'metrics_hub_http_requests_refused_total',
          labels: { reason },
          value,
        })),
      },
    ];
  }

  /** `up` for every agent, and the hub's own metrics into its store. */
  private beat(): void {
    this.totals.refresh();
    const now = this.now();
    try {
      this.fleet.heartbeat(now);
      const series = [];
      for (const f of this.metricFamilies()) {
        for (const s of f.samples)
          series.push({
            labels: { job: 'metrics-hub', instance: this.selfInstance(), ...s.labels, __name__: s.name },
            timestamps: Float64Array.of(now),
            values: Float64Array.of(s.value),
          });
      }
      this.store.append(series);
    } catch (e) {
      this.log(`heartbeat: ${(e as Error).message}`);
    }
  }
}
