// hub serve | check [--config FILE]
//
//   serve   run the hub headless: broker, store, HTTP API, local agent (stops on SIGINT/SIGTERM)
//   check   validate the config and print what serve would do

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommandLine } from '@metrics-hub/config';
import { Hub, loadHubConfig, redactUrl, type HubConfig } from '@metrics-hub/hub';
import { archiveCommand, exportCommand, importCommand, incidentCommand, restoreCommand, snapshotCommand } from './data-commands.ts';

const USAGE = `usage: hub <command> [--config FILE] [options]
  serve     run the hub headless: embedded broker, store, HTTP API and a local agent
  check     validate the config and print what serve would do
  export    --format csv-long|csv-wide|json|openmetrics|mhb-json (--selector S | --query Q --step 15s)
            [--start TIME] [--end TIME] [--out FILE]      (from the running hub)
  import    FILE [--format prometheus|openmetrics|mhb-json] [--partial]   (into the running hub)
  snapshot  [list]   a whole-hub snapshot (database, rules, settings) taken while it runs
  restore   ARCHIVE --data-dir EMPTY_FOLDER   (offline, with the hub stopped)
  incident  create --dashboard ID [--start T] [--end T] --out FILE | import FILE
  archive   [verify]   cold storage: its folder, days and size; verify reads every file's checksums
Without --config every setting has its default; METRICS_HUB_<SECTION>_<KEY> environment
variables override the file (e.g. METRICS_HUB_HTTP_LISTEN=127.0.0.1:9500).`;

export function main(argv: string[]): Promise<number> {
  return runCommandLine(argv, {
    usage: USAGE,
    load: (path) => loadHubConfig(path),
    commands: {
      serve,
      check: (config) => {
        console.log(describe(config));
        return 0;
      },
      export: (config) => exportCommand(config, argv.slice(1)),
      import: (config) => importCommand(config, argv.slice(1)),
      snapshot: (config) => snapshotCommand(config, argv.slice(1)),
      restore: () => restoreCommand(argv.slice(1)),
      incident: (config) => incidentCommand(config, argv.slice(1)),
      archive: (config) => archiveCommand(config, argv.slice(1)),
    },
  });
}

function describe(c: HubConfig): string {
  const b = c.broker;
  return [
    `data:        ${c.dataDir}`,
    b.mode === 'embedded'
      ? `broker:      embedded, ${b.listen ? `mqtt://${b.listen.host}:${b.listen.port}` : 'no plain MQTT'}${b.tls ? `, mqtts://${b.tls.listen.host}:${b.tls.listen.port}` : ''}; agents need a token (POST /api/hub/v1/agents)`
      : `broker:      external ${b.url} as ${b.clientId}${b.sharedGroup ? `, shared group ${b.sharedGroup}` : ''}`,
    `HTTP API:    http://${c.http.listen.host}:${c.http.listen.port}${c.http.token ? ' (token required)' : ''}${c.http.allowedHosts.length ? `; also answers to ${c.http.allowedHosts.map((h) => (h.port === undefined ? h.hostname : `${h.hostname}:${h.port}`)).join(', ')}` : ''}`,
    `local agent: ${c.localAgent.enabled ? `${c.localAgent.id}, every ${c.localAgent.intervalMs / 1000} s` : 'off'}`,
    `store:       raw samples kept ${days(c.store.retentionMs)}${c.store.archive ? `, then archived to ${c.store.archive.dir} (kept ${c.store.archive.retentionMs === undefined ? 'forever' : days(c.store.archive.retentionMs)})` : ', then deleted'}`,
    `remote write: ${c.remoteWrite.endpoints.length ? c.remoteWrite.endpoints.map((e) => `${e.name ?? redactUrl(e.url)} (${e.shards ?? 4} shards)`).join(', ') : 'off'}`,
  ].join('\n');
}

/** Retention as the config usually says it: in days. */
function days(ms: number): string {
  const d = ms / 86_400_000;
  return Number.isInteger(d) ? `${d}d` : `${(ms / 3_600_000).toFixed(1)}h`;
}

async function serve(config: HubConfig): Promise<number> {
  let hub: Hub;
  try {
    hub = await Hub.start(config, { localAgentCommand: localAgentCommand(), uiDir: uiDir() });
  } catch (e) {
    console.error(`hub: cannot start: ${(e as Error).message}`);
    return 1;
  }
  const http = `http://${hub.httpAddress.host}:${hub.httpAddress.port}`;
  console.log(
    [
      'metrics hub serving (headless)',
      `  open        ${http}/   (the same views as the desktop window)`,
      `  HTTP API    ${http}/api/v1/query?query=up   (Grafana: a Prometheus data source at ${http})`,
      `  broker      ${hub.localBrokerUrl}`,
      `  data        ${config.dataDir}`,
      `  agents      POST ${http}/api/hub/v1/agents with Content-Type: application/json and {"agentId":"<id>"} issues a token`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    // A second signal (a terminal's Ctrl-C reaches npm start and this process alike) must
    // not cut the clean stop short.
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  console.log('hub: stopping (committing what is pending)');
  await hub.stop();
  return 0;
}

/** The built renderer (scripts/build-renderer.mjs), when there is one. */
function uiDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** The agent for this machine: the single-file build when there is one, else the sources. */
function localAgentCommand(): string[] | undefined {
  const fromEnv = process.env.METRICS_HUB_AGENT_COMMAND;
  if (fromEnv) return fromEnv.split(' ').filter(Boolean);
  const bundle = fileURLToPath(new URL('../../../../dist/metrics-agent.mjs', import.meta.url));
  if (existsSync(bundle)) return [process.execPath, ...shebangFlags(bundle), bundle];
  const source = fileURLToPath(new URL('../../../agent/src/cli.ts', import.meta.url));
  if (existsSync(source)) return [process.execPath, '--import', 'tsx', source];
  return undefined;
}

/** The V8 flags the agent build put in its shebang (scripts/build-agent.mjs). */
function shebangFlags(bundle: string): string[] {
  const first = readFileSync(bundle, 'utf8').slice(0, 300).split('\n')[0];
  return /^#!.* node (.*)$/.exec(first)?.[1].split(' ') ?? [];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
