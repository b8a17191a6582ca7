// What `npm start` runs: the desktop window when Electron's binary is installed and there is
// a display to show it on, else the headless hub, with the reason and the way out. Pure,
// so scripts/start.mjs only gathers the facts.

export type LaunchDecision = { mode: 'electron'; electronPath: string } | { mode: 'headless'; reason: string };

export interface LaunchFacts {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Where the electron package puts its binary (read from its path.txt: require('electron') would download it), or why there is none. */
  electron: { path: string } | { error: string };
  /** Whether a file exists (the binary). */
  exists: (path: string) => boolean;
}

export function decideLaunch(f: LaunchFacts): LaunchDecision {
  if (f.env.METRICS_HUB_HEADLESS === '1') return { mode: 'headless', reason: 'METRICS_HUB_HEADLESS=1 asks for the headless hub' };
  const install = 'when online: `npm install electron` (or `node node_modules/electron/install.js`)';
  if ('error' in f.electron) return { mode: 'headless', reason: `no Electron binary: ${f.electron.error}; ${install}` };
  if (!f.electron.path || !f.exists(f.electron.path))
    return {
      mode: 'headless',
      reason: `no Electron binary${f.electron.path ? ` at ${f.electron.path}` : ''} (its download did not run or failed); ${install}`,
    };
  if (f.platform !== 'darwin' && f.platform !== 'win32' && !f.env.DISPLAY && !f.env.WAYLAND_DISPLAY) {
    return {
      mode: 'headless',
      reason: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set (a server, SSH or a container); open the views in a browser instead',
    };
  }
  return { mode: 'electron', electronPath: f.electron.path };
}
