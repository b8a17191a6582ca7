import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseHubConfig } from './config.ts';
import { defaultDataDir } from './paths.ts';

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseHubConfig(text, 'hub.yaml', env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('hub config', () => {
  it('runs a complete hub from an empty file: embedded broker on 1883, HTTP on loopback, a local agent', () => {
    const c = parseHubConfig('', 'hub.yaml', {});
    expect(c.broker).toMatchObject({ mode: 'embedded', listen: { host: '0.0.0.0', port: 1883 }, tls: undefined });
    expect(c.http).toEqual({ listen: { host: '127.0.0.1', port: 9464 }, token: undefined, allowedHosts: [] });
    expect(c.localAgent.enabled).toBe(true);
    expect(c.dataDir).toBe(defaultDataDir());
  });

  it('runs queries in worker threads, one per core up to four, with a bounded queue; 0 keeps them on the main thread', () => {
    const c = parseHubConfig('', 'hub.yaml', {});
    expect(c.query).toMatchObject({ maxConcurrency: Math.min(availableParallelism(), 4), maxQueued: 64 });
    expect(parseHubConfig('query:\n  max_concurrency: 0\n  max_queued: 3\n', 'hub.yaml', {}).query).toMatchObject({
      maxConcurrency: 0,
      maxQueued: 3,
    });
    expect(problems('query:\n  max_concurrency: -1\n')[0]).toMatch(/query\.max_concurrency.*must be a whole number/);
  });

  it('puts data where each OS keeps per-user application data', () => {
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.local/share/metrics-hub');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/metrics-hub');
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/metrics-hub');
    expect(defaultDataDir('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')).toMatch(/AppData.Local.metrics-hub$/);
  });

  it('insists on a token before the HTTP API listens beyond this machine', () => {
    expect(problems('http:\n  listen: 0.0.0.0:9464\n')).toEqual([
      'hub.yaml:2: http.listen 0.0.0.0 is reachable from other machines: set http.token (clients send Authorization: Bearer <token>) or listen on 127.0.0.1',
    ]);
    expect(problems(`http:\n  listen: 0.0.0.0:9464\n  token: ${'a1'.repeat(32)}\n`)).toEqual([]);
  });

  it("refuses a token under 32 random bytes' worth off loopback, saying how to make one; loopback takes any", () => {
    const [one] = problems('http:\n  listen: 0.0.0.0:9464\n  token: x\n');
    expect(one).toBe(
      "hub.yaml:3: http.listen 0.0.0.0 is reachable from other machines, and http.token is 1 characters: it must hold at least 32 random bytes' worth (256 bits: 64 hex characters or 43 base64url ones; this one would need 43); make one with: openssl rand -hex 32",
    );
    expect(problems(`http:\n  listen: 0.0.0.0:9464\n  token: ${'ab12'.repeat(15)}\n`)[0]).toMatch(
      /is 60 characters: .*this one would need 64/,
    );
    expect(problems(`http:\n  listen: 0.0.0.0:9464\n  token: ${'ab12'.repeat(16)}\n`)).toEqual([]); // 64 hex
    expect(problems('http:\n  listen: 0.0.0.0:9464\n  token: 4Qm0lXk1Tz8b-Vq_9eRjN2yHc7WfUoPaLs3dGiK6x5B\n')).toEqual([]); // 43 base64url
    expect(problems('http:\n  listen: 192.168.1.10:9464\n  token: s3cret\n')).toHaveLength(1);
    expect(problems('http:\n  listen: 127.0.0.1:9464\n  token: x\n')).toEqual([]);
    // From the environment too.
    expect(() => parseHubConfig('http:\n  listen: 0.0.0.0:9464\n', 'hub.yaml', { METRICS_HUB_HTTP_TOKEN: 'short' })).toThrow(
      /32 random bytes/,
    );
  });

  it('never repeats a password, token or header value in a config error', () => {
    const SECRET = 'Sup3rS3cretValue';
    const text = [
      'http:',
      `  token: [${SECRET}]`,
      'broker:',
      '  mode: external',
      '  url: mqtt://broker:1883',
      `  password: { p: ${SECRET} }`,
      'remote_write:',
      '  - url: https://vm.example/api/v1/write',
      `    headers: { Authorization: "Bearer ${SECRET}" }`,
      `    bearer_token: [${SECRET}]`,
      `  - url: ftp://user:${SECRET}@vm.example/`,
      `  - url: https://vm.example/`,
      `    password: { p: ${SECRET} }`,
      '    username: u',
      `  - url: https://u:${SECRET}@vm.example/`,
      `  - url: https://u:${SECRET}@vm.example/`,
    ].join('\n');
    const found = problems(text);
    expect(found.length).toBeGreaterThanOrEqual(5);
    expect(found.join('\n')).toMatch(/may not set Authorization/);
    expect(found.join('\n')).not.toContain(SECRET);
  });

  it('takes the names the hub is reached by (a proxy, a LAN name), from the file or the environment, and checks them', () => {
    const c = parseHubConfig('http:\n  allowed_hosts: [metrics.example.com, "hub.lan:8443"]\n', 'hub.yaml', {});
    expect(c.http.allowedHosts).toEqual([
      { hostname: 'metrics.example.com', port: undefined },
      { hostname: 'hub.lan', port: 8443 },
    ]);
    expect(parseHubConfig('', 'hub.yaml', { METRICS_HUB_HTTP_ALLOWED_HOSTS: 'a.example, b.example' }).http.allowedHosts).toHaveLength(2);
    // Links in notifications open the hub by external_url's name.
    expect(parseHubConfig('alerting:\n  external_url: https://hub.example.com/\n', 'hub.yaml', {}).http.allowedHosts).toEqual([
      { hostname: 'hub.example.com', port: undefined },
    ]);
    expect(problems('http:\n  allowed_hosts: ["*.example.com", "https://hub.example.com"]\n')).toEqual([
      'hub.yaml:2: http.allowed_hosts: "*.example.com" has a wildcard: list each name the hub is reached by, e.g. metrics.example.com',
      'hub.yaml:2: http.allowed_hosts: "https://hub.example.com" is a URL: write the host name alone, e.g. metrics.example.com (or metrics.example.com:8443 for that port only)',
    ]);
    expect(problems('http:\n  allowed_hosts: 7\n')[0]).toMatch(/^hub\.yaml:2: http\.allowed_hosts must be a list of host names/);
  });

  it('turns TLS on with a certificate and key, and wants both', () => {
    const c = parseHubConfig('broker:\n  tls_cert_file: /etc/hub/cert.pem\n  tls_key_file: /etc/hub/key.pem\n', 'hub.yaml', {});
    expect(c.broker).toMatchObject({
      tls: { listen: { host: '0.0.0.0', port: 8883 }, certFile: '/etc/hub/cert.pem', keyFile: '/etc/hub/key.pem' },
    });
    expect(problems('broker:\n  tls_cert_file: /etc/hub/cert.pem\n')[0]).toMatch(/tls_cert_file and broker.tls_key_file go together/);
  });

  it('needs the broker address in external mode, and reads the rest from the environment too', () => {
    expect(problems('broker:\n  mode: external\n')[0]).toMatch(
      /^hub\.yaml:2: broker.mode is external, so broker.url must be the broker's address/,
    );
    const c = parseHubConfig('', 'hub.yaml', {
      METRICS_HUB_BROKER_MODE: 'external',
      METRICS_HUB_BROKER_URL: 'mqtt://broker:1883',
      METRICS_HUB_BROKER_SHARED_GROUP: 'hubs',
    });
    expect(c.broker).toMatchObject({ mode: 'external', url: 'mqtt://broker:1883', sharedGroup: 'hubs', protocolVersion: 4 });
  });

  it("turns cold storage on with a folder, and checks its retention against the store's", () => {
    expect(parseHubConfig('', 'hub.yaml', {}).store.archive).toBeUndefined();
    const c = parseHubConfig('store:\n  retention: 7d\n  archive_dir: /mnt/nas/metrics\n  archive_retention: 400d\n', 'hub.yaml', {});
    expect(c.store.archive).toEqual({ dir: '/mnt/nas/metrics', retentionMs: 400 * 86_400_000 });
    expect(problems('store:\n  archive_retention: 400d\n')).toEqual([
      'hub.yaml:2: store.archive_retention needs store.archive_dir: set the folder for archive files, or remove archive_retention',
    ]);
    expect(problems('store:\n  retention: 30d\n  archive_dir: /a\n  archive_retention: 10d\n')[0]).toMatch(
      /^hub\.yaml:4: store\.archive_retention must be longer than store\.retention/,
    );
  });

  it('takes the rollup retentions along with a longer store.retention, and names the keys when they are set shorter', () => {
    const day = 86_400_000;
    const store = (yaml: string, env = {}) => parseHubConfig(yaml, 'hub.yaml', env).store;
    expect(store('')).toMatchObject({ retentionMs: 15 * day, rollup1mRetentionMs: 90 * day, rollup1hRetentionMs: 730 * day });
    expect(store('store:\n  retention: 3650d\n')).toMatchObject({
      retentionMs: 3650 * day,
      rollup1mRetentionMs: 3650 * day,
      rollup1hRetentionMs: 3650 * day,
    });
    expect(store('store:\n  retention: 200d\n')).toMatchObject({ rollup1mRetentionMs: 200 * day, rollup1hRetentionMs: 730 * day });
    expect(store('', { METRICS_HUB_STORE_RETENTION: '400d' })).toMatchObject({ rollup1mRetentionMs: 400 * day });
    expect(problems('store:\n  retention: 200d\n  rollup_1m_retention: 30d\n')).toEqual([
      'hub.yaml:3: store.rollup_1m_retention (30d) must be at least store.retention (200d): rollups outlive the data they summarise; raise it, or leave it out to follow store.retention',
    ]);
    expect(problems('store:\n  rollup_1h_retention: 12h\n')).toEqual([
      'hub.yaml:2: store.rollup_1h_retention (12h) must be at least store.rollup_1m_retention (90d): rollups outlive the data they summarise; raise it, or leave it out to follow store.rollup_1m_retention',
    ]);
  });

  it('names bad addresses and values with their line', () => {
    expect(problems('broker:\n  listen: 1883\nstore:\n  durability: maybe\n')).toEqual([
      'hub.yaml:2: broker.listen "1883" is not host:port: write it like 127.0.0.1:9464 or 0.0.0.0:1883',
      'hub.yaml:4: store.durability must be process or power (got "maybe"): process (acknowledged data survives the hub being killed) or power (also power loss; slower)',
    ]);
  });
});

describe('settings changed in the app', () => {
  it('are checked, saved in the data folder and applied over hub.yaml at the next load; the environment still wins', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { saveAppSettings } = await import('./app-settings.ts');
    const { loadHubConfig } = await import('./config.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hub-settings-'));
    try {
      const hubYaml = join(dir, 'hub.yaml');
      writeFileSync(hubYaml, `hub:\n  data_dir: ${dir}\nstore:\n  retention: 7d\n`);
      expect(() => saveAppSettings(`hub:\n  data_dir: ${dir}\n`, hubYaml, {}, dir, { 'http.listen': '0.0.0.0:9464' })).toThrow(
        /set http.token/,
      );
      saveAppSettings(`hub:\n  data_dir: ${dir}\n`, hubYaml, {}, dir, { 'store.retention': '30d', 'http.listen': '127.0.0.1:9500' });
      const c = loadHubConfig(hubYaml, {});
      expect(c.store.retentionMs).toBe(30 * 86_400_000);
      expect(c.http.listen).toEqual({ host: '127.0.0.1', port: 9500 });
      expect(loadHubConfig(hubYaml, { METRICS_HUB_HTTP_LISTEN: '127.0.0.1:9600' }).http.listen.port).toBe(9600);
      expect(() => saveAppSettings('', hubYaml, {}, dir, { 'hub.data_dir': '/elsewhere' } as never)).toThrow(
        /cannot be changed from the app/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
