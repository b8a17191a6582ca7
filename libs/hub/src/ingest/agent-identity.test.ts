import { describe, expect, it } from 'vitest';
import { stampAgentIdentity } from './agent-identity.ts';

describe('stampAgentIdentity', () => {
  it("keeps an agent's own series as they are", () => {
    const labels = { __name__: 'node_load1', job: 'node', instance: 'web-1' };
    expect(stampAgentIdentity(labels, 'web-1').labels).toBe(labels);
  });

  it('names the agent in instance, moving what it sent aside (a scrape target, a forgery), also past an exported_instance', () => {
    expect(stampAgentIdentity({ __name__: 'x', job: 'node', instance: 'db-1' }, 'web-1').labels).toEqual({
      __name__: 'x',
      job: 'node',
      instance: 'web-1',
      exported_instance: 'db-1',
    });
    expect(
      stampAgentIdentity({ __name__: 'http_requests_total', job: 'app', instance: '127.0.0.1:8080', exported_instance: 'x' }, 'web-1')
        .labels,
    ).toEqual({
      __name__: 'http_requests_total',
      job: 'app',
      instance: 'web-1',
      exported_instance: 'x',
      exported_exported_instance: '127.0.0.1:8080',
    });
    expect(stampAgentIdentity({ __name__: 'x' }, 'web-1').labels).toEqual({ __name__: 'x', instance: 'web-1' });
    expect(stampAgentIdentity({ __name__: 'x', instance: '' }, 'web-1').labels).toEqual({ __name__: 'x', instance: 'web-1' });
  });

  it('refuses the series the hub writes for each agent, whatever instance they name', () => {
    expect(stampAgentIdentity({ __name__: 'up', job: 'node', instance: 'db-1' }, 'web-1').refused).toMatch(
      /up\{job="node"\} is written by the hub/,
    );
    expect(stampAgentIdentity({ __name__: 'up', job: 'node', instance: 'web-1' }, 'web-1').refused).toBeDefined();
    expect(stampAgentIdentity({ __name__: 'metrics_hub_agent_clock_offset_seconds', instance: 'web-1' }, 'web-1').refused).toBeDefined();
    // A scrape target's own `up` is the agent's to send.
    expect(stampAgentIdentity({ __name__: 'up', job: 'app', instance: '127.0.0.1:8080' }, 'web-1').labels).toMatchObject({
      instance: 'web-1',
      exported_instance: '127.0.0.1:8080',
    });
  });
});
