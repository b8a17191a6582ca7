import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function problems(text: string, env = {}): string[] {
  try {
    parseConfig(text, 'agent.yaml', env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('agent config', () => {
  it('has a default for everything', () => {
    const c = parseConfig('', 'agent.yaml', {});
    expect(c.agent.intervalMs).toBe(10_000);
    expect(c.hub.url).toBe('mqtt://127.0.0.1:1883');
    expect(c.buffer.maxBytes).toBe(256 * 1024 * 1024);
    expect(c.collectors.procfs).toBe('/proc');
  });

  it('confirms a batch with the broker unless told to wait for the hub', () => {
    expect(parseConfig('', 'agent.yaml', {}).hub.confirm).toBe('broker');
    expect(parseConfig('hub:\n  confirm: hub\n', 'agent.yaml', {}).hub.confirm).toBe('hub');
    expect(problems('hub:\n  confirm: maybe\n')[0]).toMatch(/^agent\.yaml:2: hub\.confirm must be broker or hub \(got "maybe"\)/);
  });

  it('reads values and converts units', () => {
    const c = parseConfig(
      [
        'agent:',
        '  id: web-1',
        '  interval: 1s',
        '  labels: {env: prod}',
        'hub:',
        '  url: mqtts://hub:8883',
        '  password: tok',
        'buffer:',
        '  max_bytes: 10MiB',
        'scrape:',
        '  - job: app',
        '    url: http://127.0.0.1:8080/metrics',
        '    interval: 30s',
      ].join('\n'),
      'agent.yaml',
      {},
    );
    expect(c.agent).toMatchObject({ id: 'web-1', intervalMs: 1000, labels: { env: 'prod' } });
    expect(c.hub.username).toBe('web-1');
    expect(c.hub.tls).toBeDefined();
    expect(c.buffer.maxBytes).toBe(10 * 1024 * 1024);
    expect(c.scrape).toEqual([{ job: 'app', url: 'http://127.0.0.1:8080/metrics', intervalMs: 30_000, timeoutMs: 10_000, labels: {} }]);
  });

  it('takes buffer.fsync as always, never or the longest a write may wait for the disk', () => {
    const fsync = (v?: string) => parseConfig(v === undefined ? '' : `buffer:\n  fsync: ${v}\n`, 'agent.yaml', {}).buffer.fsyncIntervalMs;
    expect(fsync()).toBe(10_000);
    expect(fsync('always')).toBe(0);
    expect(fsync('true')).toBe(0);
    expect(fsync('never')).toBe(Infinity);
    expect(fsync('false')).toBe(Infinity);
    expect(fsync('2s')).toBe(2000);
    expect(problems('buffer:\n  fsync: sometimes\n')).toEqual([
      expect.stringMatching(
        /^agent\.yaml:2: buffer\.fsync must be always, never or a duration like 10s \(got "sometimes"\): when writes reach the disk/,
      ),
    ]);
  });

  it('lets the environment override the file', () => {
    const c = parseConfig('hub:\n  password: from-file\n', 'agent.yaml', {
      METRICS_AGENT_HUB_PASSWORD: 'from-env',
      METRICS_AGENT_AGENT_INTERVAL: '5s',
    });
    expect(c.hub.password).toBe('from-env');
    expect(c.agent.intervalMs).toBe(5000);
  });

  it('names the file, the line, the problem and the fix', () => {
    expect(problems('agent:\n  interval: soon\n')).toEqual([
      'agent.yaml:2: agent.interval must be a duration like 500ms, 10s, 5m, 1h or 7d (got "soon"): collection interval, e.g. 10s',
    ]);
    expect(problems('hub:\n  urll: mqtt://x\n')[0]).toMatch(
      /^agent\.yaml:2: unknown key "hub\.urll": did you mean "url"\? Known keys are url, /,
    );
    expect(problems('agent:\n  id: "bad/id"\n')[0]).toMatch(/^agent\.yaml:2: agent id "bad\/id" is invalid/);
    expect(problems('scrape:\n  - job: a\n    url: ftp://x\n')[0]).toMatch(/^agent\.yaml:3: scrape target #1 url must start with http/);
    expect(problems('scrape:\n  - url: http://x/metrics\n')[0]).toMatch(/^agent\.yaml:2: scrape target #1 job is required/);
    expect(problems('agent: [\n')[0]).toMatch(/^agent\.yaml:\d+: .*fix the YAML syntax/);
    expect(problems('hub:\n  url: http://x\n')[0]).toMatch(/not a broker address: use mqtt:\/\/host:1883/);
  });

  it('reports every problem at once', () => {
    expect(problems('agent:\n  interval: x\nbuffer:\n  max_bytes: lots\n')).toHaveLength(2);
  });
});
