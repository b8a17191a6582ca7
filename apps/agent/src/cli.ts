// metrics-agent run | check | status [--config FILE]
//
//   run     collect and deliver until stopped (SIGINT/SIGTERM stop it cleanly)
//   check   validate the config, try the broker, print what would be collected
//   status  what the running agent reports: broker state, buffer, last delivery

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseBrokerUrl } from '@metrics-hub/wire';
import { Agent, type AgentStatus } from './agent.ts';
import { collectAll, linuxCollectors } from './collect/index.ts';
import { runCommandLine } from '@metrics-hub/config';
import { loadConfig, type AgentConfig } from './config.ts';
import { scrapeOnce } from './scrape/scraper.ts';

const USAGE = `usage: metrics-agent <run|check|status> [--config FILE]
  run     collect and deliver until stopped
  check   validate the config, try the broker, print what would be collected
  status  show the running agent's broker state, buffer and last delivery
The config file defaults to /etc/metrics-agent/agent.yaml when it exists;
METRICS_AGENT_<SECTION>_<KEY> environment variables override it.`;

export function main(argv: string[]): Promise<number> {
  return runCommandLine(argv, { usage: USAGE, load: (path) => loadConfig(path), defaultConfigPath, commands: { run, check, status } });
}

function defaultConfigPath(): string | undefined {
  const path = '/etc/metrics-agent/agent.yaml';
  try {
    readFileSync(path);
    return path;
  } catch {
    return undefined;
  }
}

async function run(config: AgentConfig): Promise<number> {
  // Listening before the start: a stop asked for while the agent opens its buffer and
  // connects (systemd stopping it early) waits for the start, then stops cleanly.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const agent = new Agent(config);
  await agent.start();
  console.error(`metrics-agent ${config.agent.id}: collecting every ${config.agent.intervalMs / 1000} s, delivering to ${config.hub.url}`);
  await stopped;
  console.error('metrics-agent: stopping (flushing what was collected)');
  await agent.stop();
  return 0;
}

async function check(config: AgentConfig): Promise<number> {
  let ok = true;
  console.log(`config: ok (agent ${config.agent.id}, interval ${config.agent.intervalMs / 1000} s, data in ${config.agent.dataDir})`);
  const broker = await tryBroker(config);
  console.log(`broker ${config.hub.url}: ${broker ?? 'ok'}`);
  if (broker) ok = false;
  if (config.collectors.enabled) {
    const lines: string[] = [];
    const families = await collectAll(
      linuxCollectors({ topProcesses: config.collectors.topProcesses }).filter((c) => !config.collectors.exclude.includes(c.name)),
      { paths: { procfs: config.collectors.procfs, sysfs: config.collectors.sysfs, rootfs: config.collectors.rootfs }, now: Date.now },
      (line) => lines.push(line),
    );
    let samples = 0;
    for (const f of families) samples += f.samples.length;
    console.log(`host collectors: ${families.length} metric families, ${samples} samples`);
    for (const f of families) console.log(`  ${f.name} (${f.type}) x${f.samples.length}`);
    for (const l of lines) console.log(`  note: ${l}`);
  }
  for (const t of config.scrape) {
    const r = await scrapeOnce(t, Date.now, () => undefined);
    console.log(`scrape ${t.url}: ${r.error ? `failed: ${r.error}` : `${r.samples.length - 4} samples`}`);
    if (r.error) ok = false;
  }
  return ok ? 0 : 1;
}

/** Connects once to the broker; undefined when that worked, else why not and what to do. */
async function tryBroker(config: AgentConfig): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = mqtt.connect({
      ...parseBrokerUrl(config.hub.url),
      clientId: `agent-${config.agent.id}-check-${process.pid}`,
      username: config.hub.username,
      password: config.hub.password,
      protocolVersion: config.hub.protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      rejectUnauthorized: !config.hub.tls?.insecureSkipVerify,
      ca: config.hub.tls?.caFile ? readFileSync(config.hub.tls.caFile) : undefined,
    });
    const done = (result: string | undefined) => {
      client.end(true);
      resolve(result);
    };
    client.on('connect', () => done(undefined));
    client.on('error', (e: Error & { code?: string | number }) =>
      done(
        e.code === 'ECONNREFUSED'
          ? 'connection refused: is the hub running, and hub.url right?'
          : /authori|password/i.test(e.message)
            ? `${e.message}: check hub.password (the agent token)`
            : e.message,
      ),
    );
    setTimeout(() => done('no answer within 5 s: check hub.url and the network'), 5500);
  });
}

async function status(config: AgentConfig): Promise<number> {
  let s: AgentStatus;
  try {
    s = JSON.parse(readFileSync(join(config.agent.dataDir, 'status.json'), 'utf8')) as AgentStatus;
  } catch {
    console.log(`no status in ${config.agent.dataDir}: the agent has not run with this data directory (start it with: metrics-agent run)`);
    return 1;
  }
  const running = s.running && Date.now() - s.updatedMs < 10_000 && alive(s.pid);
  const when = (ms?: number) => (ms ? `${new Date(ms).toISOString()} (${Math.round((Date.now() - ms) / 1000)} s ago)` : 'never');
  console.log(`agent ${s.agentId} ${s.version}: ${running ? `running (pid ${s.pid})` : `not running (last status ${when(s.updatedMs)})`}`);
  console.log(`broker ${s.broker.url}: ${s.broker.state}${s.broker.lastError ? ` (${s.broker.lastError})` : ''}`);
  console.log(
    `buffer: ${s.buffer.batches} batches, ${s.buffer.bytes} bytes on disk, ${s.buffer.accumulatedSamples} samples gathering, ${s.buffer.droppedBatches} dropped`,
  );
  console.log(
    `last delivery: ${when(s.delivery.lastSuccessMs)}, ${s.delivery.batchesSent} batches sent, latency ${s.delivery.lastLatencyMs ?? '-'} ms`,
  );
  if (s.refused?.samples)
    console.log(`refused by the hub: ${s.refused.samples} samples; last ${when(s.refused.lastMs)}: ${s.refused.lastReason}`);
  console.log(`last collection: ${when(s.collected.lastCollectionMs)}`);
  return running ? 0 : 3;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`metrics-agent: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
