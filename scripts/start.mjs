// `npm start`: the hub with its embedded broker, store, HTTP API and a local agent. The
// desktop window (Electron) comes with issue 7; until then, and wherever Electron or a
// display is missing, the same hub runs headless and says so.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(new URL('../node_modules/better-sqlite3', import.meta.url))) {
  console.log('npm packages: installing (about 90 s the first time)');
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: { npm_config_nodedir: '/usr', ...process.env } });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
// The local agent runs from the single-file build, as installed agents do.
console.log('agent: building dist/metrics-agent.mjs');
const build = spawnSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
console.log('renderer: building apps/desktop/dist/renderer');
const ui = spawnSync(process.execPath, ['scripts/build-renderer.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (ui.status !== 0) process.exit(ui.status ?? 1);
console.log('desktop window: not available yet (the Electron shell arrives with issue 7); serving the hub headless.');
const args = process.argv.slice(2);
const hub = spawn(process.execPath, ['--import', 'tsx', 'apps/desktop/src/headless/cli.ts', 'serve', ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => hub.kill(signal));
hub.on('exit', (code) => process.exit(code ?? 0));
