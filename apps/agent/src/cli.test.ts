// The CLI as a user runs it: a real process, a real broker, a config file on disk.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '@metrics-hub/wire';
import mqtt from 'mqtt';
import { startAedes } from './testing/brokers.ts';
import type { TestBroker } from '@metrics-hub/testing';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
let dir = '';
let broker: TestBroker;

/** Runs the CLI; `stopWhen` resolving sends it SIGTERM (a user's Ctrl-C, systemd's stop). */
function run(args: string[], stopWhen?: Promise<unknown>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, METRICS_AGENT_HUB_PASSWORD: 'tok' },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    void stopWhen?.then(() => p.kill('SIGTERM'));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agent-cli-'));
  broker = await startAedes({ 'cli-1': 'tok', hub: 'hub-secret' });
  writeFileSync(
    join(dir, 'agent.yaml'),
    ['agent:', '  id: cli-1', `  data_dir: ${dir}/data`, '  interval: 200ms', 'hub:', `  url: ${broker.url}`].join('\n'),
  );
  writeFileSync(join(dir, 'bad.yaml'), ['agent:', '  id: cli-1', '  interval: often', 'hub:', '  urll: x'].join('\n'));
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics-agent CLI', () => {
  it('check: validates the config, reaches the broker, lists what it would collect', async () => {
    const r = await run(['check', '--config', join(dir, 'agent.yaml')]);
    expect(r.out).toMatch(/config: ok \(agent cli-1/);
    expect(r.out).toMatch(new RegExp(`broker ${broker.url.replace(/\//g, '\\/')}: ok`));
    expect(r.out).toMatch(/host collectors: \d+ metric families/);
    expect(r.out).toMatch(/node_cpu_seconds_total \(counter\)/);
    expect(r.code).toBe(0);
  });

  it('refuses a bad config with file, line and fix', async () => {
    const r = await run(['check', '--config', join(dir, 'bad.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:3: agent\.interval must be a duration/);
    expect(r.err).toMatch(/bad\.yaml:5: unknown key "hub\.urll"/);
  });

  it('status before any run says so; run delivers and stops cleanly; status then reports it', async () => {
    const before = await run(['status', '--config', join(dir, 'agent.yaml')]);
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/the agent has not run with this data directory/);
    // Stopped once batches reached the broker, however long the start takes on a busy machine.
    const hub = await mqtt.connectAsync({ ...parseBrokerUrl(broker.url), username: 'hub', password: 'hub-secret', protocolVersion: 4 });
    await hub.subscribeAsync('metrics/cli-1/samples', { qos: 1 });
    // The second batch: by then the first one's PUBACK has reached the agent (status shows it).
    let batches = 0;
    const delivered = new Promise((resolve) => hub.on('message', () => ++batches === 2 && resolve(undefined)));
    const ran = await run(['run', '--config', join(dir, 'agent.yaml')], delivered);
    await hub.endAsync();
    expect(ran.code).toBe(0);
    expect(ran.err).toMatch(/stopping \(flushing what was collected\)/);
    const after = await run(['status', '--config', join(dir, 'agent.yaml')]);
    expect(after.code).toBe(3);
    expect(after.out).toMatch(/agent cli-1 0\.1\.0: not running/);
    expect(after.out).toMatch(/broker .*: stopped/);
    expect(after.out).toMatch(/last delivery: 20\d\d-/);
  });

  it('the single-file build runs as installed (its shebang flags included) and can scrape', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    execFileSync(process.execPath, [join(root, 'scripts/build-agent.mjs')], { cwd: root, stdio: 'pipe' });
    const server = createServer((_req, res) => res.end('# TYPE app_up gauge\napp_up 1\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    writeFileSync(
      join(dir, 'scrape.yaml'),
      [
        'agent:',
        '  id: cli-1',
        `  data_dir: ${dir}/data2`,
        'hub:',
        `  url: ${broker.url}`,
        'scrape:',
        '  - job: app',
        `    url: http://127.0.0.1:${port}/metrics`,
      ].join('\n'),
    );
    const out = await new Promise<string>((resolve) => {
      const p = spawn(join(root, 'dist/metrics-agent.mjs'), ['check', '--config', join(dir, 'scrape.yaml')], {
        env: { ...process.env, METRICS_AGENT_HUB_PASSWORD: 'tok' },
      });
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.stderr.on('data', (d) => (text += d));
      p.on('exit', () => resolve(text));
    });
    server.close();
    expect(out).toMatch(/scrape http:\/\/127\.0\.0\.1:\d+\/metrics: 1 samples/);
    expect(out).toMatch(/broker .*: ok/);
    expect(out).not.toMatch(/Warning/);
  });

  it('prints usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "frobnicate"/);
  });
});
