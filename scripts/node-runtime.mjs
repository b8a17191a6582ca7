// The Node.js the project runs on. Supported: 22 (from 22.12) and 24, the current LTS.
// On a machine whose system Node is older (Debian 12 ships 20, past end of life), the
// version named in .node-version is installed from the npm registry into .node/ (the
// `node-<platform>-<arch>` package carries the binary and the headers native modules
// compile against) and used instead. Nothing else is downloaded.
//
// Written for any Node from 18 on: it is what runs before a supported one is found.
//
//   node scripts/node-runtime.mjs env    prints `export PATH=...` lines for a shell
//   node scripts/node-runtime.mjs path   prints the supported node binary's path
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const localPrefix = join(root, '.node');

/** Whether a Node version ("22.12.0", "v24.1.0") is one the project supports. */
export function isSupportedNode(version) {
  const [major, minor] = String(version).replace(/^v/, '').split('.').map(Number);
  return major >= 24 || (major === 22 && minor >= 12);
}

/** The exact version installed into .node/ when the system's Node is not supported. */
export function pinnedNodeVersion() {
  return readFileSync(join(root, '.node-version'), 'utf8').trim();
}

function registryPackageName() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  if (!platform) return undefined;
  return `node-${platform}-${process.arch}`;
}

function localNodePaths() {
  const name = registryPackageName();
  if (!name) return undefined;
  const packageDir = join(localPrefix, 'node_modules', name);
  const binary = process.platform === 'win32' ? join(packageDir, 'bin', 'node.exe') : join(packageDir, 'bin', 'node');
  return { name, packageDir, binary };
}

function versionOf(binary) {
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim().replace(/^v/, '') : undefined;
}

/**
 * A supported Node: this process's own when it is one, else the project-local one,
 * installed on first use. `say` receives the one line that tells the user which.
 */
export function resolveSupportedNode(say = (line) => console.error(line)) {
  if (isSupportedNode(process.versions.node)) return { binary: process.execPath, version: process.versions.node, local: false };
  const wanted = pinnedNodeVersion();
  const local = localNodePaths();
  if (!local) {
    throw new Error(
      `Node ${process.versions.node} is not supported (22.12 or newer is needed) and no Node package exists on the npm registry for ${process.platform}/${process.arch}: install Node 24 and run again`,
    );
  }
  if (versionOf(local.binary) !== wanted) {
    say(
      `node: the system's Node ${process.versions.node} is not supported; installing Node ${wanted} from the npm registry into .node/ (once, about 10 s)`,
    );
    const npmCli =
      process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const res = spawnSync(
      npmCli[0],
      [
        ...npmCli.slice(1),
        'install',
        '--prefix',
        localPrefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `${local.name}@${wanted}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
    );
    const got = versionOf(local.binary);
    if (res.status !== 0 || got !== wanted) {
      throw new Error(
        `could not install Node ${wanted} from the npm registry (npm exited ${res.status}${got ? `, found ${got}` : ''}): check that the registry is reachable, or install Node 24 and run again`,
      );
    }
  } else {
    say(`node: the system's Node ${process.versions.node} is not supported; using Node ${wanted} from .node/`);
  }
  return { binary: local.binary, version: wanted, local: true, headers: local.packageDir };
}

/** The environment that makes `node`, `npm` and `npx` (and native builds) use that Node. */
export function environmentFor(node, env = process.env) {
  const out = { ...env, PATH: `${dirname(node.binary)}${delimiter}${env.PATH ?? ''}` };
  // node-gyp compiles against these headers instead of fetching them.
  if (node.headers) out.npm_config_nodedir = node.headers;
  return out;
}

/**
 * Runs this script again under a supported Node when the current one is not, and exits
 * with its status; returns when the current Node is supported.
 */
export function reexecUnderSupportedNode(scriptUrl) {
  if (isSupportedNode(process.versions.node)) return;
  let node;
  try {
    node = resolveSupportedNode();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  const child = spawn(node.binary, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], { stdio: 'inherit', env: environmentFor(node) });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
  // Nothing of the caller runs past this point: it waits for the child's exit.
  return new Promise(() => {});
}

function shellQuote(value) {
  return `'${String(value).replaceAll("'", "'\\''")}'`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const command = process.argv[2];
  try {
    const node = resolveSupportedNode();
    if (command === 'path') {
      console.log(node.binary);
    } else if (command === 'env') {
      const env = environmentFor(node);
      console.log(`export PATH=${shellQuote(env.PATH)}`);
      if (env.npm_config_nodedir && env.npm_config_nodedir !== process.env.npm_config_nodedir)
        console.log(`export npm_config_nodedir=${shellQuote(env.npm_config_nodedir)}`);
      if (!node.local) console.error(`node: ${node.version} (${node.binary})`);
    } else {
      console.error('usage: node scripts/node-runtime.mjs env|path');
      process.exit(2);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
