// The data folder and what it holds are this user's only at every start, whatever their
// modes were: a folder left 755 by an older version with metrics.db and alerting.yml 644.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@metrics-hub/testing';
import { Hub } from './hub.ts';
import { testHubConfig, testHubYaml } from './testing/test-hub-config.ts';
import { saveAppSettings } from './app-settings.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('the data folder at start', () => {
  it('becomes 0700 with its files 0600, existing ones included, and says so in one line', async () => {
    const dir = join(tempDir('hub-modes-', cleanups).path, 'data');
    mkdirSync(join(dir, 'snapshots'), { recursive: true });
    // As an older version left it: everything readable by everyone.
    writeFileSync(
      join(dir, 'alerting.yml'),
      'receivers:\n  - name: mail\n    email: { to: me@example.com, smtp_password: s3cret }\nroute: { receiver: mail }\n',
    );
    writeFileSync(join(dir, 'http-token'), 'x'.repeat(43));
    writeFileSync(join(dir, 'snapshots', 'hub-old.tar.gz'), 'old');
    const first = await Hub.start(testHubConfig(dir), { log: () => undefined });
    await first.stop();
    for (const f of ['metrics.db', 'alerting.yml', 'http-token', 'snapshots/hub-old.tar.gz']) chmodSync(join(dir, f), 0o644);
    chmodSync(join(dir, 'snapshots'), 0o755);
    chmodSync(dir, 0o755);

    const lines: string[] = [];
    const hub = await Hub.start(testHubConfig(dir), { log: (l) => lines.push(l) });
    cleanups.push(() => hub.stop());
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'snapshots'))).toBe('700');
    for (const f of ['metrics.db', 'metrics.db-wal', 'alerting.yml', 'http-token', 'snapshots/hub-old.tar.gz'])
      expect(mode(join(dir, f)), f).toBe('600');
    const said = lines.filter((l) => l.includes('readable by other users'));
    expect(said).toHaveLength(1);
    for (const change of ['. 755 -> 700', 'metrics.db 644 -> 600', 'alerting.yml 644 -> 600', 'snapshots/hub-old.tar.gz 644 -> 600'])
      expect(said[0]).toContain(change);
  });

  it('writes the files it makes later 0600: settings, alerting.yml from the app', async () => {
    const dir = tempDir('hub-modes-', cleanups).path;
    const yaml = testHubYaml(dir);
    const hub = await Hub.start(testHubConfig(dir), { log: () => undefined });
    cleanups.push(() => hub.stop());
    const old = process.umask(0o022);
    try {
      saveAppSettings(yaml, 'hub.yaml', {}, dir, { 'store.retention': '30d' });
      expect(hub.alerting.saveNotifierConfig('route: { receiver: none }\nreceivers:\n  - name: none\n')).toEqual({ ok: true });
    } finally {
      process.umask(old);
    }
    expect(mode(join(dir, 'alerting.yml'))).toBe('600');
    expect(mode(join(dir, 'settings.yaml'))).toBe('600');
  });
});
