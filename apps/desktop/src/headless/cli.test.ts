// `hub check`: what serve would do, said from the config alone, secrets hidden.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureApiToken, Hub, parseHubConfig } from '@metrics-hub/hub';
import { freePort, tempDir } from '@metrics-hub/testing';
import { main } from './cli.ts';

const removals: (() => unknown)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const remove of removals.splice(0)) remove();
});

async function check(yaml: string): Promise<string> {
  const dir = tempDir('hub-check-', removals).path;
  writeFileSync(join(dir, 'hub.yaml'), `hub:\n  data_dir: ${join(dir, 'data')}\n${yaml}`);
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  expect(await main(['check', '--config', join(dir, 'hub.yaml')])).toBe(0);
  return out.join('\n');
}

describe('hub check', () => {
  it('says what happens to old data and where samples are forwarded, without passwords', async () => {
    expect(await check('')).toMatch(/store: +raw samples kept 15d, then deleted\nremote write: off/);
    const text = await check(
      [
        'store:',
        '  retention: 7d',
        '  archive_dir: /mnt/nas/metrics',
        '  archive_retention: 400d',
        'remote_write:',
        '  - url: https://hub:s3cret@vm.example:8428/api/v1/write',
        '    shards: 2',
      ].join('\n'),
    );
    expect(text).toContain('store:       raw samples kept 7d, then archived to /mnt/nas/metrics (kept 400d)');
    expect(text).toContain('remote write: https://hub:xxxxx@vm.example:8428/api/v1/write (2 shards)');
    expect(text).not.toContain('s3cret');
    expect(await check('http:\n  allowed_hosts: [metrics.example.com]\n')).toContain(
      'HTTP API:    http://127.0.0.1:9464; also answers to metrics.example.com',
    );
  });
});

describe('the hub commands against a hub without a token', () => {
  it('send what the hub asks of programs (X-Metrics-Hub), so imports and snapshots are not taken for a web page', async () => {
    const dir = tempDir('hub-cli-open-', removals).path;
    const listen = `127.0.0.1:${await freePort()}`;
    const yaml = `hub:\n  data_dir: ${dir}\nbroker:\n  listen: 127.0.0.1:0\nhttp:\n  listen: ${listen}\nlocal_agent:\n  enabled: false\n`;
    writeFileSync(join(dir, 'hub.yaml'), yaml);
    // Prometheus text: sent as a body with no type a form could not send too.
    writeFileSync(join(dir, 'in.prom'), `cli_sent 1 ${Date.now()}\n`);
    const hub = await Hub.start(parseHubConfig(yaml, 'hub.yaml', {}), { log: () => undefined });
    try {
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await main(['import', join(dir, 'in.prom'), '--format', 'prometheus', '--config', join(dir, 'hub.yaml')])).toBe(0);
      expect(hub.store.select([{ name: '__name__', type: '=', value: 'cli_sent' }], 0, Infinity)).toHaveLength(1);
      expect(await main(['snapshot', '--config', join(dir, 'hub.yaml')])).toBe(0);
    } finally {
      await hub.stop();
    }
  });
});

describe("the hub commands against the desktop app's hub", () => {
  it('use the token the app keeps in the data folder', async () => {
    const dir = tempDir('hub-cli-', removals).path;
    const listen = `127.0.0.1:${await freePort()}`;
    const yaml = `hub:\n  data_dir: ${dir}\nbroker:\n  listen: 127.0.0.1:0\nhttp:\n  listen: ${listen}\nlocal_agent:\n  enabled: false\n`;
    writeFileSync(join(dir, 'hub.yaml'), yaml);
    // As the desktop app runs it: the API wants the folder's token.
    const config = parseHubConfig(yaml, 'hub.yaml', {});
    const hub = await Hub.start({ ...config, http: { ...config.http, token: ensureApiToken(dir) } }, { log: () => undefined });
    try {
      const out: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
      expect(await main(['snapshot', 'list', '--config', join(dir, 'hub.yaml')])).toBe(0);
      expect(out.join('\n')).toContain(join(dir, 'snapshots'));
      const unauthorised = await fetch(`http://${listen}/api/hub/v1/snapshots`);
      expect(unauthorised.status).toBe(401);
    } finally {
      await hub.stop();
    }
  });
});

describe('hub import past its memory limit', () => {
  it('says which limit stopped it and how to raise it, stores nothing, and leaves no staging file', async () => {
    const dir = tempDir('hub-cli-', removals).path;
    const listen = `127.0.0.1:${await freePort()}`;
    const yaml = `hub:\n  data_dir: ${dir}\nbroker:\n  listen: 127.0.0.1:0\nhttp:\n  listen: ${listen}\nlocal_agent:\n  enabled: false\n`;
    writeFileSync(join(dir, 'hub.yaml'), yaml);
    const file = join(dir, 'one-family.prom');
    const t0 = Date.now() - 60_000;
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `big_family{i="${i}"} 1 ${t0 + i}\n`).join(''));
    const hub = await Hub.start(parseHubConfig(yaml, 'hub.yaml', {}), { log: () => undefined });
    try {
      const out: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(await main(['import', '--max-staged-bytes', '100000', file, '--config', join(dir, 'hub.yaml')])).toBe(1);
      expect(out.join('\n')).toMatch(/NOT imported[\s\S]*memory limit of 0 MiB \(max_staged_bytes; hub import --max-staged-bytes\)/);
      expect(hub.store.select([{ type: '=', name: '__name__', value: 'big_family' }], 0, 2e12)).toHaveLength(0);
      expect(readdirSync(join(dir, 'imports'))).toEqual([]);
      out.length = 0;
      expect(await main(['import', file, '--config', join(dir, 'hub.yaml')])).toBe(0);
      expect(hub.store.select([{ type: '=', name: '__name__', value: 'big_family' }], 0, 2e12)).toHaveLength(5000);
    } finally {
      await hub.stop();
    }
  });
});
