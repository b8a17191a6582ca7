// The entry of the hub's Electron utility process (`utilityProcess.fork`), which keeps the
// store, broker, PromQL and alerting off the main process's thread. Plain Node plus
// `process.parentPort`; everything it does is in hub-host.ts, tested without Electron.

import { runHubHost, hubHostOptionsFromEnv } from './hub-host.ts';
import { HubProcessEnv, type ParentPortLike } from './protocol.ts';

const port: ParentPortLike | undefined = (process as { parentPort?: ParentPortLike }).parentPort;
if (!port) {
  process.stderr.write(
    'hub-process: no parentPort: this file is started by the desktop app (utilityProcess.fork), not by hand; use `hub serve` for a headless hub\n',
  );
  process.exit(2);
}

const options = hubHostOptionsFromEnv(process.env);
// Not inherited by the local agent.
for (const name of Object.values(HubProcessEnv)) delete process.env[name];
if ('error' in options) {
  port.postMessage({ type: 'failed', message: options.error });
  process.exit(2);
}
// The local agent's command starts with process.execPath, which here is the Electron
// binary: it must run as plain Node.
if (process.versions.electron) process.env.ELECTRON_RUN_AS_NODE = '1';

void runHubHost(port, { ...options, onStopped: () => process.exit(0) }).then((host) => {
  if (!host) process.exit(1);
});
