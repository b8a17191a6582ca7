import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubProcessEnv } from '../hub-process/protocol.ts';
import { hubConfigPath, hubProcessEnv, localAgentCommand } from './hub-launch.ts';

describe('hubConfigPath', () => {
  const none = () => false;
  it('takes --config from the command line first', () => {
    expect(hubConfigPath(['electron', '.', '--config', '/etc/hub.yaml'], '/home/u/app', () => true)).toBe('/etc/hub.yaml');
  });

  it('falls back to hub.yaml in the user-data folder, when it exists', () => {
    const file = join('/home/u/app', 'hub.yaml');
    expect(hubConfigPath(['electron', '.', '--config'], '/home/u/app', (p) => p === file)).toBe(file);
    expect(hubConfigPath(['electron', '.'], '/home/u/app', none)).toBeUndefined();
  });
});

describe('localAgentCommand', () => {
  const facts = {
    isPackaged: false,
    resourcesPath: '/opt/app/resources',
    mainDir: '/src/apps/desktop/dist/electron',
    execPath: '/bin/electron',
  };

  it('runs the built bundle with Electron as Node, when it is there', () => {
    const dev = join('/src/apps/desktop/dist/electron', '..', '..', '..', '..', 'dist', 'metrics-agent.mjs');
    expect(localAgentCommand({ ...facts, exists: (p) => p === dev })).toEqual(['/bin/electron', dev]);
    const packaged = join('/opt/app/resources', 'metrics-agent.mjs');
    expect(localAgentCommand({ ...facts, isPackaged: true, exists: (p) => p === packaged })).toEqual(['/bin/electron', packaged]);
  });

  it('is undefined without the bundle', () => {
    expect(localAgentCommand({ ...facts, exists: () => false })).toBeUndefined();
  });
});

describe('hubProcessEnv', () => {
  it('adds the token and the renderer folder to the environment', () => {
    expect(hubProcessEnv({ PATH: '/bin' }, { token: 't', uiDir: '/ui' })).toEqual({
      PATH: '/bin',
      [HubProcessEnv.Token]: 't',
      [HubProcessEnv.UiDir]: '/ui',
    });
  });

  it('adds the config and the agent command (as JSON) when there are some', () => {
    const env = hubProcessEnv({}, { token: 't', uiDir: '/ui', config: '/etc/hub.yaml', agentCommand: ['/bin/electron', '/a b.mjs'] });
    expect(env[HubProcessEnv.Config]).toBe('/etc/hub.yaml');
    expect(JSON.parse(env[HubProcessEnv.AgentCommand])).toEqual(['/bin/electron', '/a b.mjs']);
  });
});
