// What the hub's utility process does, in plain Node so that tests run it with a fake
// port: start the hub with a bearer token on the HTTP API and the desktop notifier that
// forwards to the main process, say where it listens, report how many alerts fire, and
// stop cleanly when told to.

import { mkdirSync } from 'node:fs';
import { apiTokenFile, ensureApiToken, Hub, loadHubConfig, type HostPort, type HubConfig } from '@metrics-hub/hub';
import { ForwardingNotifier } from './forwarding-notifier.ts';
import { HubProcessEnv, parseMainToHub, type ParentPortLike } from './protocol.ts';

export interface HubHostOptions {
  /** The HTTP API's bearer token; every request without it gets 401. */
  token: string;
  /** The user's config file; without it, defaults (and METRICS_HUB_* variables). */
  configPath?: string;
  /** The config itself (tests); wins over configPath. */
  config?: HubConfig;
  uiDir?: string;
  localAgentCommand?: string[];
  /** How often to look at the firing alerts (ms). */
  firingPollMs?: number;
  /** How long a notification may wait for the main process (ms). */
  notifyTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called once the hub has stopped after a `stop` message (the entry exits the process). */
  onStopped?: () => void;
}

/** The options the main process passed in the environment, or what is wrong with them. */
export function hubHostOptionsFromEnv(env: NodeJS.ProcessEnv): HubHostOptions | { error: string } {
  const token = env[HubProcessEnv.Token];
  if (!token || token.length < 32)
    return { error: `${HubProcessEnv.Token} is missing or shorter than 32 characters: the main process makes one for every start` };
  let localAgentCommand: string[] | undefined;
  const agent = env[HubProcessEnv.AgentCommand];
  if (agent) {
    try {
      const parsed: unknown = JSON.parse(agent);
      if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string'))
        throw new Error('not an array of strings');
      localAgentCommand = parsed;
    } catch (e) {
      return { error: `${HubProcessEnv.AgentCommand} must be a JSON array of strings: ${(e as Error).message}` };
    }
  }
  return { token, configPath: env[HubProcessEnv.Config] || undefined, uiDir: env[HubProcessEnv.UiDir] || undefined, localAgentCommand };
}

/**
 * The config the desktop hub runs with: the user's, with a token on the HTTP API always:
 * hub.yaml's http.token, or the data folder's own (`<data>/http-token`, made once, so that
 * Grafana and the `hub` commands can use the API too), or, when that file cannot be made,
 * the token the main process made for this run.
 */
export function desktopHubConfig(config: HubConfig, runToken: string, log: (line: string) => void = () => undefined): HubConfig {
  let token = config.http.token;
  if (!token) {
    try {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      token = ensureApiToken(config.dataDir);
    } catch (e) {
      log(
        `cannot keep the HTTP API token in ${apiTokenFile(config.dataDir)} (${(e as Error).message}): this run uses one of its own, which other programs cannot know`,
      );
      token = runToken;
    }
  }
  return { ...config, http: { ...config.http, token } };
}

/** How many alerts fire, from the rule manager's `/api/v1/alerts` answer. */
export function countFiring(alertsApi: unknown): number {
  const alerts = (alertsApi as { alerts?: unknown } | undefined)?.alerts;
  return Array.isArray(alerts) ? alerts.filter((a) => (a as { state?: unknown })?.state === 'firing').length : 0;
}

export interface HubHost {
  readonly hub: Hub;
  readonly address: HostPort;
  readonly notifier: ForwardingNotifier;
  stop(): Promise<void>;
}

/**
 * Starts the hub and wires it to the port. Resolves with the running host, or with
 * undefined after posting `failed` when the hub could not start.
 */
export async function runHubHost(port: ParentPortLike, o: HubHostOptions): Promise<HubHost | undefined> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} hub: ${line}\n`));
  const notifier = new ForwardingNotifier((m) => port.postMessage(m), o.notifyTimeoutMs);
  let host: HubHost | undefined;
  let stopRequested = false;
  port.on('message', (event) => {
    const m = parseMainToHub(event.data);
    if (!m) return log(`ignoring a message from the main process that is not one: ${safeJson(event.data)}`);
    if (m.type === 'notify-result') notifier.settle(m.id, m.ok, m.ok ? undefined : m.error);
    else if (!stopRequested) {
      stopRequested = true;
      void (host ? host.stop() : Promise.resolve()).then(() => {
        port.postMessage({ type: 'stopped' });
        o.onStopped?.();
      });
    }
  });

  let hub: Hub;
  let config: HubConfig;
  try {
    config = desktopHubConfig(o.config ?? loadHubConfig(o.configPath), o.token, log);
    hub = await Hub.start(config, { desktopNotifier: notifier, uiDir: o.uiDir, localAgentCommand: o.localAgentCommand, log });
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error).message });
    return undefined;
  }

  let firing = -1;
  const pollFiring = () => {
    const count = countFiring(hub.alerting.rules.alertsApi());
    if (count !== firing) {
      firing = count;
      port.postMessage({ type: 'firing', count });
    }
  };
  const poll = setInterval(pollFiring, o.firingPollMs ?? 2000);
  let stopping: Promise<void> | undefined;
  const address = hub.httpAddress;
  host = {
    hub,
    address,
    notifier,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(poll);
        notifier.close();
        await hub.stop();
      })()),
  };
  const urlHost = address.host.includes(':') ? `[${address.host}]` : address.host;
  port.postMessage({
    type: 'ready',
    url: `http://${urlHost}:${address.port}`,
    host: address.host,
    port: address.port,
    token: config.http.token!,
  });
  pollFiring();
  // A stop that came while the hub was starting.
  if (stopRequested) void host.stop();
  return host;
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x)?.slice(0, 200) ?? String(x);
  } catch {
    return String(x);
  }
}
