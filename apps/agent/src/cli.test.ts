// The CLI as a user runs it: a real process, a real broker, a config file on disk.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAedes, type TestBroker } from './testing/brokers.ts';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
let dir = '';
let broker: TestBroker;

function run(args: string[], killAfterMs?: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, METRICS_AGENT_HUB_PASSWORD: 'tok' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    if (killAfterMs) setTimeout(() => p.kill('SIGTERM'), killAfterMs);
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agent-cli-'));
  broker = await startAedes({ 'cli-1': 'tok' });
  writeFileSync(join(dir, 'agent.yaml'), ['agent:', '  id: cli-1', `  data_dir: ${dir}/data`, '  interval: 200ms', 'hub:', `  url: ${broker.url}`].join('\n'));
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
    const ran = await run(['run', '--config', join(dir, 'agent.yaml')], 2500);
    expect(ran.code).toBe(0);
    expect(ran.err).toMatch(/stopping \(flushing what was collected\)/);
    const after = await run(['status', '--config', join(dir, 'agent.yaml')]);
    expect(after.code).toBe(3);
    expect(after.out).toMatch(/agent cli-1 0\.1\.0: not running/);
    expect(after.out).toMatch(/broker .*: stopped/);
    expect(after.out).toMatch(/last delivery: 20\d\d-/);
  });

  it('prints usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "frobnicate"/);
  });
});
