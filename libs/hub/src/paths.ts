// Where the hub keeps its data when the config does not say: each OS's convention for
// per-user application data (the desktop app runs as the user), overridable by
// XDG_DATA_HOME on Linux. A server install sets hub.data_dir (e.g. /var/lib/metrics-hub).

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'metrics-hub');
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'metrics-hub');
    default:
      return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'metrics-hub');
  }
}

/** Where imports stage their samples before committing (each a file, deleted when it ends). */
export function importStagingDir(dataDir: string): string {
  return join(dataDir, 'imports');
}
