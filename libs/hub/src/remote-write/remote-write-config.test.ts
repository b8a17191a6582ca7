// hub.yaml's remote_write: section: a list of endpoints (or one mapping), defaults, and
// mistakes reported with their line and what to do.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseHubConfig } from '../config.ts';

const base = ['hub:', '  data_dir: /tmp/hub-config-test', 'local_agent:', '  enabled: false'];

function problems(lines: string[]): string[] {
  try {
    parseHubConfig([...base, ...lines].join('\n'), 'hub.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('remote_write config', () => {
  it('is off by default', () => {
    expect(parseHubConfig(base.join('\n'), 'hub.yaml').remoteWrite).toEqual({ endpoints: [] });
  });

  it('reads a list of endpoints with their options and defaults', () => {
    const c = parseHubConfig(
      [
        ...base,
        'remote_write:',
        '  - url: https://vm.example.com/api/v1/write',
        '    bearer_token: abc',
        '    shards: 8',
        '    max_samples_per_send: 5000',
        '    batch_send_deadline: 2s',
        '    queue_max_bytes: 1GiB',
        '    tls_insecure_skip_verify: true',
        '  - url: http://mimir:9009/api/v1/push',
        '    name: mimir',
        '    username: hub',
        '    password: pw',
        '    headers: { X-Scope-OrgID: home }',
        '    remote_timeout: 10s',
        '    min_backoff: 100ms',
        '    max_backoff: 10s',
      ].join('\n'),
      'hub.yaml',
    );
    expect(c.remoteWrite.endpoints).toEqual([
      {
        url: 'https://vm.example.com/api/v1/write',
        name: undefined,
        auth: { bearerToken: 'abc', bearerTokenFile: undefined, username: undefined, password: undefined, passwordFile: undefined },
        headers: undefined,
        tls: { caFile: undefined, certFile: undefined, keyFile: undefined, insecureSkipVerify: true },
        shards: 8,
        maxSamplesPerSend: 5000,
        batchSendDeadlineMs: 2000,
        queueMaxBytes: 1024 ** 3,
        timeoutMs: 30_000,
        minBackoffMs: 30,
        maxBackoffMs: 5000,
      },
      {
        url: 'http://mimir:9009/api/v1/push',
        name: 'mimir',
        auth: { bearerToken: undefined, bearerTokenFile: undefined, username: 'hub', password: 'pw', passwordFile: undefined },
        headers: { 'X-Scope-OrgID': 'home' },
        tls: undefined,
        shards: 4,
        maxSamplesPerSend: 2000,
        batchSendDeadlineMs: 5000,
        queueMaxBytes: 2 * 1024 ** 3,
        timeoutMs: 10_000,
        minBackoffMs: 100,
        maxBackoffMs: 10_000,
      },
    ]);
  });

  it('takes a single mapping as one endpoint', () => {
    const c = parseHubConfig([...base, 'remote_write: { url: "http://vm:8428/api/v1/write", shards: 2 }'].join('\n'), 'hub.yaml');
    expect(c.remoteWrite.endpoints).toHaveLength(1);
    expect(c.remoteWrite.endpoints[0]).toMatchObject({ url: 'http://vm:8428/api/v1/write', shards: 2 });
  });

  it('reports mistakes with their line and the fix', () => {
    const p = problems([
      'remote_write:', // line 5
      '  - bearer_token: x', // 6: no url
      '  - url: ftp://x', // 7
      '    shards: 99', // 8
      '    colour: blue', // 9
      '    headers: { Authorization: nope }', // 10
      '  - url: http://a/api/v1/write', // 11
      '    bearer_token: t', // 12
      '    username: u', // 13
      '  - url: http://a/api/v1/write', // 14: same name as #3
      '  - url: http://b/api/v1/write', // 15
      '    tls_ca_file: /does/not/exist.pem', // 16
    ]);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hub\.yaml:6: remote_write #1 url is required: the endpoint, e\.g\./),
        'hub.yaml:7: remote_write #2 url must start with http:// or https://',
        'hub.yaml:8: remote_write #2 shards must be 1 to 32',
        expect.stringMatching(/^hub\.yaml:9: unknown key "colour" in remote_write #2: known keys are url, name, /),
        expect.stringMatching(/^hub\.yaml:10: remote_write #2 headers may not set Authorization: the protocol sets it/),
        'hub.yaml:13: remote_write #3: use a bearer token or basic auth (username/password), not both',
        'hub.yaml:14: remote_write #4: another endpoint has the name "http://a/api/v1/write": give them different names',
        'hub.yaml:16: remote_write #5 tls_ca_file /does/not/exist.pem does not exist',
      ]),
    );
  });
});
