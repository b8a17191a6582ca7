// `npm start`: the desktop app (Electron: the window, the tray, the hub in a utility
// process) when Electron's binary is installed and there is a display; otherwise the same
// hub headless, saying why. Nothing here downloads anything.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { reexecUnderSupportedNode } from './node-runtime.mjs';
import { installPackages } from './install-packages.mjs';

await reexecUnderSupportedNode(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
installPackages();
// The local agent runs from the single-file build, as installed agents do.
console.log('agent: building dist/metrics-agent.mjs');
const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
console.log('renderer: building apps/desktop/dist/renderer');
const ui = spawnSync(process.execPath, ['scripts/build-renderer.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (ui.status !== 0) process.exit(ui.status ?? 1);
const { tsImport } = await import('tsx/esm/api');
const { decideLaunch } = await tsImport('../apps/desktop/src/main/launch-decision.ts', import.meta.url);
const { HUB_NODE_FLAGS } = await tsImport('../apps/desktop/src/main/hub-launch.ts', import.meta.url);
const args = process.argv.slice(2);
let electron = electronBinary();
// npm install leaves Electron's binary out (package.json allowScripts: CI and tests must
// not download it); the first `npm start` on a desktop fetches it, once, and falls back to
// the headless hub when that is impossible (offline, blocked).
if (
  electron.error &&
  !electron.missingPackage &&
  process.env.CI !== 'true' &&
  !process.env.METRICS_HUB_NO_ELECTRON_DOWNLOAD &&
  hasDisplay()
) {
  console.log("desktop: fetching Electron's binary once (about 100 MB; set METRICS_HUB_NO_ELECTRON_DOWNLOAD=1 to skip)");
  const fetched = spawnSync(
    process.execPath,
    [join(dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'install.js')],
    { cwd: root, stdio: 'inherit', timeout: 300_000 },
  );
  if (fetched.status !== 0) console.log('desktop: could not fetch Electron (offline or blocked); the hub runs headless instead');
  electron = electronBinary();
}
const decision = decideLaunch({ platform: process.platform, env: process.env, electron, exists: existsSync });
if (decision.mode === 'electron') {
  console.log('desktop: building apps/desktop/dist/electron');
  const shell = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (shell.status !== 0) process.exit(shell.status ?? 1);
  console.log('desktop: starting the window (the hub runs in its own process; closing the window keeps it in the tray)');
  const app = spawn(decision.electronPath, ['apps/desktop', ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`desktop window: not started: ${decision.reason}. Serving the hub headless.`);
  const hub = spawn(process.execPath, [...HUB_NODE_FLAGS, '--import', 'tsx', 'apps/desktop/src/headless/cli.ts', 'serve', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => hub.kill(signal));
  hub.on('exit', (code) => process.exit(code ?? 0));
}

/**
 * Where the electron package's binary is, as its index.js works it out (path.txt, written
 * by its install script, under dist/; ELECTRON_OVERRIDE_DIST_PATH wins), without
 * require('electron'): since Electron 45 that downloads the binary when it is missing.
 */
function electronBinary() {
  let pkg;
  try {
    pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch (e) {
    return { error: `the electron package is not installed (${e.message.split('\n')[0]})`, missingPackage: true };
  }
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return { path: join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron') };
  if (!name) return { error: `${pathFile} is missing: its install script (the binary's download) never ran` };
  return { path: join(pkg, 'dist', name) };
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
