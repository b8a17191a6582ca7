// How the main process starts the hub's utility process: which config file it reads,
// which command runs the local agent, and the environment that carries both. Pure, so
// hub-supervisor.ts and main.ts only gather the facts (argv, Electron's paths).

import { join } from 'node:path';
import { HubProcessEnv } from '../hub-process/protocol.ts';

/**
 * V8 flags of the hub's process (the window's, npm start's headless one, benchmarks'). A
 * young generation of 8 MB semi-spaces instead of V8's default (16 MB, growing): an import
 * of a day's fleet makes gigabytes of short-lived garbage, and with the default the hub's
 * heap grew to a peak RSS of 745 MB; with this, 472 MB, no slower (fleet import, same run).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** `--config <file>` on the command line, else hub.yaml in the user-data folder when there is one. */
export function hubConfigPath(argv: readonly string[], userDataDir: string, exists: (path: string) => boolean): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  const inUserData = join(userDataDir, 'hub.yaml');
  return exists(inUserData) ? inUserData : undefined;
}

export interface AgentBundleFacts {
  isPackaged: boolean;
  /** Electron's resources folder (where a package puts the agent bundle). */
  resourcesPath: string;
  /** The folder of the built main process (dist/electron). */
  mainDir: string;
  /** Electron's own binary. */
  execPath: string;
  exists: (path: string) => boolean;
}

/** The local agent's command line, when its bundle was built (dist/metrics-agent.mjs) or packaged. */
export function localAgentCommand(f: AgentBundleFacts): string[] | undefined {
  const bundle = f.isPackaged
    ? join(f.resourcesPath, 'metrics-agent.mjs')
    : join(f.mainDir, '..', '..', '..', '..', 'dist', 'metrics-agent.mjs');
  // The hub process sets ELECTRON_RUN_AS_NODE for the agent: process.execPath is Electron.
  return f.exists(bundle) ? [f.execPath, bundle] : undefined;
}

/** The hub process's environment: the main process's own, plus this run's token, the renderer's folder, the config and the agent. */
export function hubProcessEnv(
  base: Record<string, string | undefined>,
  o: { token: string; uiDir: string; config?: string; agentCommand?: string[] },
): Record<string, string> {
  const env: Record<string, string> = {
    ...(base as Record<string, string>),
    [HubProcessEnv.Token]: o.token,
    [HubProcessEnv.UiDir]: o.uiDir,
  };
  if (o.config) env[HubProcessEnv.Config] = o.config;
  if (o.agentCommand) env[HubProcessEnv.AgentCommand] = JSON.stringify(o.agentCommand);
  return env;
}
