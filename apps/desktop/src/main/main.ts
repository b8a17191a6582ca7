// The Electron main process: it only wires the parts together. The hub runs in a utility
// process (hub-supervisor.ts starts, watches and stops it); the window (window.ts) shows
// the renderer from metrics-hub://app/ (security.ts) and reaches the hub only through the
// preload bridge (hub-ipc.ts, transfer-ipc.ts); the tray (tray.ts) and notifications
// (notifications.ts) say what fires. Every decision worth testing (which requests pass,
// where the window may go, where it sits, what the tray says, how a file is streamed,
// how the hub is started and stopped) lives in a plain-Node module beside this file.

import { app, utilityProcess } from 'electron';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerHubIpc } from './hub-ipc.ts';
import { HUB_NODE_FLAGS, hubConfigPath, hubProcessEnv, localAgentCommand } from './hub-launch.ts';
import { HubSubscriptions } from './hub-subscriptions.ts';
import { HubSupervisor } from './hub-supervisor.ts';
import { Notifications } from './notifications.ts';
import { guardWebContents, hardenSession, registerAppScheme, serveRenderer } from './security.ts';
import { registerTransferIpc } from './transfer-ipc.ts';
import { ChosenFiles, TransferJobs } from './transfer-jobs.ts';
import { AppTray } from './tray.ts';
import { MainWindow } from './window.ts';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron (in the asar when packaged)
const rendererDir = join(here, '..', 'renderer');
const token = randomBytes(32).toString('hex');
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} desktop: ${line}\n`);

registerAppScheme();

// The app's state, made once: each part holds its own and is handed what it needs.
const lifecycle = { quitting: false };
const subscriptions = new HubSubscriptions();
const jobs = new TransferJobs();
const chosenFiles = new ChosenFiles();
const window = new MainWindow({
  preload: join(here, 'preload.cjs'),
  log,
  quitting: () => lifecycle.quitting,
  contentsGone: (id) => {
    subscriptions.cancelAllOf(id);
    jobs.cancelAllOf(id);
    chosenFiles.forgetOwner(id);
  },
});
const showWindow = (hash?: string) => window.show(hash);
const notifications = new Notifications(showWindow);
const hub: HubSupervisor = new HubSupervisor({
  spawn: () =>
    utilityProcess.fork(join(here, 'hub-process.mjs'), [], {
      env: hubProcessEnv(process.env, {
        token,
        uiDir: rendererDir,
        config: hubConfigPath(process.argv, app.getPath('userData'), existsSync),
        agentCommand: localAgentCommand({
          isPackaged: app.isPackaged,
          resourcesPath: process.resourcesPath,
          mainDir: here,
          execPath: process.execPath,
          exists: existsSync,
        }),
      }),
      serviceName: 'Metrics hub',
      execArgv: [...HUB_NODE_FLAGS],
      stdio: 'inherit',
    }),
  log,
  quitting: () => lifecycle.quitting,
  changed: () => tray.update(),
  failed: (message) => notifications.hubCannotStart(message),
  notify: (notice) => notifications.show(notice),
});
const tray = new AppTray({ icon: join(here, 'tray.png'), hub: () => hub, showWindow });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  void app.whenReady().then(start);
}
guardWebContents();

function start(): void {
  hardenSession();
  serveRenderer(rendererDir);
  registerHubIpc({ windowContents: () => window.contents, hub: hub.ready, subscriptions, log });
  registerTransferIpc({ window: () => window.browserWindow, hub: hub.ready, jobs, chosenFiles, log });
  hub.start();
  tray.create();
  window.create();
  app.on('activate', () => showWindow());
  app.on('before-quit', (e) => {
    lifecycle.quitting = true;
    if (hub.running) {
      e.preventDefault();
      subscriptions.cancelAll();
      void hub.stop().then(() => app.quit());
    }
  });
}
