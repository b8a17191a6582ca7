// The hub's alerting: the rule manager (rule files -> alerts, on the hub's clock) feeding
// the notifier (routes, groups, silences, durable outbox) whose receivers deliver. Both
// config files are watched; a broken one keeps the last good version and says why.

import { existsSync, mkdirSync, readFileSync, renameSync, statSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  ALERTMANAGER_FUNCS,
  createIntegration,
  createRenderer,
  DEFAULT_RULES_FILE,
  LinuxDesktopNotifier,
  Notifier,
  NotifierConfigError,
  RuleManager,
  type DesktopNotifier,
  type ReceiverKind,
  type TemplateRenderer,
  type AlertTemplateExpander,
} from '@metrics-hub/alerts';
import type { Engine, Queryable, QueryData } from '@metrics-hub/promql';
import type { Appender } from '@metrics-hub/alerts';
import type { HubConfig } from '../config.ts';
import { writeSecretFile } from '../file-modes.ts';

/** Written on first start: every alert to this machine's desktop. */
export const DEFAULT_NOTIFIER_CONFIG = `# Where alerts go: routes, receivers and inhibitions in Alertmanager's format.
# The hub reloads this file when it changes. Receivers: desktop_configs, webhook_configs,
# email_configs, slack_configs.
route:
  receiver: desktop
  group_by: [alertname, instance]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: desktop
    desktop_configs:
      - {}
inhibit_rules:
  # A host that is down does not also page for its CPU, memory or disks.
  - source_matchers: [alertname="HostDown"]
    target_matchers: [severity=~"warning|critical", alertname!="HostDown"]
    equal: [instance]
`;

export interface AlertingDeps {
  db: Database.Database;
  engine: Engine;
  queryable: Queryable;
  /** Rules' queries in the hub's query workers; without it, on `engine` on this thread. */
  query?: (expr: string, timeMs: number) => Promise<QueryData>;
  appender: Appender;
  externalUrl: () => string;
  log: (line: string) => void;
  /** Desktop notifications: the Electron app's, or notify-send headless. */
  desktop?: DesktopNotifier;
  render?: TemplateRenderer;
  expand?: AlertTemplateExpander;
  checkTemplate?: (template: string) => string | undefined;
}

export class Alerting {
  readonly rules: RuleManager;
  readonly notifier: Notifier;
  private configStamp = '';
  private lastConfigCheck = -Infinity;
  /** The tick running or last run: ticks run one after the other, never at once. */
  private lastTick: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: HubConfig,
    private readonly d: AlertingDeps,
  ) {
    installDefaults(config);
    this.rules = new RuleManager(d.db, {
      engine: d.engine,
      queryable: d.queryable,
      query: d.query,
      appender: d.appender,
      notify: (alerts, now) => {
        const r = this.notifier.put(alerts, now);
        for (const x of r.rejected) d.log(`alerting: alert refused by the notifier: ${x.problem}`);
      },
      paths: config.alerting.rulePaths,
      defaultIntervalMs: config.alerting.evaluationIntervalMs,
      expand: d.expand,
      checkTemplate: d.checkTemplate,
      externalURL: d.externalUrl,
      generatorURL: (expr) => `${d.externalUrl()}/api/v1/query?query=${encodeURIComponent(expr)}`,
      restore: { forGracePeriodMs: config.alerting.forGracePeriodMs },
      log: d.log,
    });
    const desktop = d.desktop ?? new LinuxDesktopNotifier();
    const render = d.render ?? createRenderer(ALERTMANAGER_FUNCS);
    const file = config.alerting.notifierConfigFile;
    const options = {
      configFile: file,
      integrations: (_receiver: string, kind: string, cfg: unknown) => createIntegration(kind as ReceiverKind, cfg, { render, desktop }),
      externalURL: d.externalUrl(),
      log: d.log,
    };
    this.configStamp = stamp(file);
    try {
      this.notifier = Notifier.open(d.db, { ...options, config: readFileSync(file, 'utf8') });
    } catch (e) {
      // Without a good config at start, notifications still reach this desktop.
      const problems = e instanceof NotifierConfigError ? e.problems.join('\n') : (e as Error).message;
      d.log(`alerting: ${file} not loaded, sending every alert to the desktop until it is fixed:\n${problems}`);
      this.notifier = Notifier.open(d.db, { ...options, config: DEFAULT_NOTIFIER_CONFIG, configFile: '(built-in default)' });
    }
  }

  /**
   * Evaluates due rule groups, delivers due notifications; reloads changed config files.
   * A tick asked for while one runs (rules waiting for the query workers, a slow receiver)
   * runs after it: the hub's clock skips instead (hub.ts), so that ticks never stack up.
   */
  tick(now: number): Promise<void> {
    const run = this.lastTick.then(() => this.runTick(now));
    this.lastTick = run.catch(() => {});
    return run;
  }

  private async runTick(now: number): Promise<void> {
    if (now - this.lastConfigCheck >= 5000) {
      this.lastConfigCheck = now;
      this.reloadNotifierConfig(false);
    }
    await this.rules.tick(now);
    await this.notifier.tick(now);
  }

  /** The notifier config file and its text, for editing in the app. */
  notifierConfigText(): { file: string; text: string } {
    const file = this.config.alerting.notifierConfigFile;
    return { file, text: existsSync(file) ? readFileSync(file, 'utf8') : DEFAULT_NOTIFIER_CONFIG };
  }

  /**
   * Replaces the notifier config from the app: checked first (problems with their lines,
   * nothing written), then written atomically and loaded.
   */
  saveNotifierConfig(text: string): { ok: true } | { ok: false; problems: string[] } {
    const file = this.config.alerting.notifierConfigFile;
    // Loading it is the full check (receivers' settings included); only then is it written.
    const r = this.notifier.reload(text, file);
    if (!r.ok) return r;
    const tmp = `${file}.tmp`;
    writeSecretFile(tmp, text);
    renameSync(tmp, file);
    this.configStamp = stamp(file);
    this.d.log(`alerting: ${file} saved from the app and loaded`);
    return { ok: true };
  }

  /** Re-reads the notifier config (when changed, or always with `force`). */
  reloadNotifierConfig(force: boolean): { ok: boolean; problems?: string[] } {
    const file = this.config.alerting.notifierConfigFile;
    const s = stamp(file);
    if (!force && s === this.configStamp) return { ok: true };
    this.configStamp = s;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      this.d.log(`alerting: cannot read ${file} (${(e as Error).message}); the last good config keeps running`);
      return { ok: false, problems: [(e as Error).message] };
    }
    const r = this.notifier.reload(text, file);
    if (!r.ok) this.d.log(`alerting: ${file} not loaded, the last good config keeps running:\n${r.problems.join('\n')}`);
    else this.d.log(`alerting: ${file} loaded`);
    return r;
  }
}

function stamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'missing';
  }
}

/** First start: the default rules folder and notifier config, for the user to edit. */
function installDefaults(config: HubConfig): void {
  const folder = join(config.dataDir, 'rules');
  if (config.alerting.rulePaths.includes(folder) && !existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    copyFileSync(DEFAULT_RULES_FILE, join(folder, 'default.rules.yml'));
  }
  const file = config.alerting.notifierConfigFile;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeSecretFile(file, DEFAULT_NOTIFIER_CONFIG);
  }
}
