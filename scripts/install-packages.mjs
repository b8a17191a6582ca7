// Installs the npm packages when they are missing, older than package-lock.json, or were
// built for another Node (native modules such as better-sqlite3 are tied to one Node ABI).
// `npm ci` in CI and on a fresh clone; run under the Node the project will use.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reexecUnderSupportedNode } from './node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = join(root, 'node_modules');
const installedLock = join(modules, '.package-lock.json');
// Written after a complete install: which Node ABI the native modules were built for.
const abiMarker = join(modules, '.metrics-hub-node-abi');

export function packagesNeedInstall() {
  if (!existsSync(installedLock) || !existsSync(abiMarker)) return 'not installed yet';
  if (statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installedLock).mtimeMs) return 'package-lock.json changed';
  const abi = readFileSync(abiMarker, 'utf8').trim();
  if (abi !== process.versions.modules) return `built for another Node (ABI ${abi}, this is ${process.versions.modules})`;
  return undefined;
}

export function installPackages() {
  const why = packagesNeedInstall();
  if (!why) return;
  console.log(`npm packages: installing with Node ${process.versions.node} (${why}; about a minute)`);
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.status !== 0) {
    console.error('npm packages: `npm ci` failed (see above); check that the npm registry is reachable and run again');
    process.exit(res.status ?? 1);
  }
  writeFileSync(abiMarker, `${process.versions.modules}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await reexecUnderSupportedNode(import.meta.url);
  installPackages();
}
