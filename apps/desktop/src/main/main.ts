// The Electron main process: a thin shell. The hub runs in a utility process
// (hub-process.ts); the window shows the renderer from metrics-hub://app/ and reaches the
// hub only through the preload bridge; every decision worth testing (which requests pass,
// where the window may go, where it sits, what the tray says, how a file is streamed)
// lives in a plain-Node module beside this file.

import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type UtilityProcess,
  type WebContents,
} from 'electron';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChooseOutcome, ProgressListener, SaveOutcome, UploadOutcome } from '../common/file-transfer.ts';
import { IpcChannel, type BridgeResponse } from '../common/ipc-channels.ts';
import type { HubMethod } from '../common/transport.ts';
import { HubProcessEnv, parseHubToMain, type MainToHub } from '../hub-process/protocol.ts';
import { followHubEvents, hubRequest, type HubEndpoint } from './hub-client.ts';
import { saveHubResponse, uploadFileToHub, writeFileViaTemp } from './file-transfer.ts';
import {
  APP_ENTRY,
  APP_SCHEME,
  checkCaptureRequest,
  checkChooseRequest,
  checkHubRequest,
  checkSaveRequest,
  checkUploadRequest,
  externalUrlToOpen,
  isAllowedNavigation,
  isAppUrl,
  isJobNumber,
  MAX_UPLOAD_BYTES,
} from './ipc-policy.ts';
import { ChosenFiles, TransferJobs } from './transfer-jobs.ts';
import { rendererFileFor, rendererHeaders } from './renderer-files.ts';
import { trayTitle, trayTooltip } from './tray-text.ts';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState, type WindowState } from './window-state.ts';

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron (in the asar when packaged)
const rendererDir = join(here, '..', 'renderer');
const token = randomBytes(32).toString('hex');
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} desktop: ${line}\n`);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  void app.whenReady().then(start);
}

let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let hubProcess: UtilityProcess | undefined;
let hubUrl: string | undefined;
let firing: number | undefined;
let quitting = false;
let hubStopped = false;
let resolveHub!: (hub: HubEndpoint | undefined) => void;
const hubReady = new Promise<HubEndpoint | undefined>((r) => (resolveHub = r));
const subscriptions = new Map<string, () => void>();
const notifications = new Map<string, Notification>();
const transfers = new TransferJobs();
const chosenFiles = new ChosenFiles();
/** Where the next save dialog opens: Downloads, then the folder of the last save. */
let saveFolder: string | undefined;

async function start(): Promise<void> {
  hardenSession();
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: rendererHeaders(file) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
  registerIpc();
  startHub();
  createTray();
  createWindow();
  app.on('activate', () => showWindow());
  app.on('before-quit', (e) => {
    quitting = true;
    if (hubProcess && !hubStopped) {
      e.preventDefault();
      void stopHub().then(() => app.quit());
    }
  });
}

// --- security: permissions, requests, navigation, new windows --------------------------

function hardenSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  // The renderer has no business on the network: its data comes over IPC.
  s.webRequest.onBeforeRequest((details, callback) => {
    const scheme = details.url.slice(0, details.url.indexOf(':'));
    callback({ cancel: !(scheme === APP_SCHEME || scheme === 'data' || scheme === 'devtools' || scheme === 'chrome-extension') });
  });
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
});

// --- the hub process --------------------------------------------------------------------

function configPath(): string | undefined {
  const i = process.argv.indexOf('--config');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  const inUserData = join(app.getPath('userData'), 'hub.yaml');
  return existsSync(inUserData) ? inUserData : undefined;
}

function agentCommand(): string[] | undefined {
  const bundle = app.isPackaged
    ? join(process.resourcesPath, 'metrics-agent.mjs')
    : join(here, '..', '..', '..', '..', 'dist', 'metrics-agent.mjs');
  // The hub process sets ELECTRON_RUN_AS_NODE for the agent: process.execPath is Electron.
  return existsSync(bundle) ? [process.execPath, bundle] : undefined;
}

function startHub(): void {
  const agent = agentCommand();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    [HubProcessEnv.Token]: token,
    [HubProcessEnv.UiDir]: rendererDir,
  };
  const config = configPath();
  if (config) env[HubProcessEnv.Config] = config;
  if (agent) env[HubProcessEnv.AgentCommand] = JSON.stringify(agent);
  hubProcess = utilityProcess.fork(join(here, 'hub-process.mjs'), [], { env, serviceName: 'Metrics hub', stdio: 'inherit' });
  hubProcess.on('message', (raw: unknown) => {
    const m = parseHubToMain(raw);
    if (!m) return log('a message from the hub process that is not one');
    switch (m.type) {
      case 'ready':
        hubUrl = m.url;
        // The hub's token (the data folder's, for Grafana and scripts too), not only this run's.
        resolveHub({ url: m.url, token: m.token });
        updateTray();
        break;
      case 'failed':
        log(`the hub cannot start: ${m.message}`);
        resolveHub(undefined);
        new Notification({ title: 'Metrics hub cannot start', body: m.message }).show();
        break;
      case 'firing':
        firing = m.count;
        updateTray();
        break;
      case 'notify':
        postToHub({ type: 'notify-result', id: m.id, ...showNotification(m.notice) });
        break;
      case 'stopped':
        hubStopped = true;
        break;
    }
  });
  hubProcess.on('exit', (code) => {
    hubStopped = true;
    hubProcess = undefined;
    resolveHub(undefined);
    if (!quitting) {
      log(`the hub process exited (code ${code})`);
      hubUrl = undefined;
      updateTray();
    }
  });
}

function postToHub(m: MainToHub): void {
  hubProcess?.postMessage(m);
}

/** Asks the hub to stop (it commits what is pending); kills it after 20 s. */
function stopHub(): Promise<void> {
  const child = hubProcess;
  if (!child) return Promise.resolve();
  for (const stop of subscriptions.values()) stop();
  subscriptions.clear();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      log('the hub did not stop within 20 s: killing it');
      child.kill();
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.postMessage({ type: 'stop' } satisfies MainToHub);
  });
}

// --- IPC from the window ------------------------------------------------------------------

function fromOurWindow(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  return !!window && event.sender === window.webContents && isAppUrl(event.senderFrame?.url);
}

function registerIpc(): void {
  ipcMain.handle(IpcChannel.HubRequest, async (event, method: unknown, path: unknown, body: unknown): Promise<BridgeResponse> => {
    if (!window || event.sender !== window.webContents) return { ok: false, status: 403, body: { error: 'refused: not the app window' } };
    const check = checkHubRequest(event.senderFrame?.url, method, path, body);
    if (!check.ok) return { ok: false, status: check.status, body: { status: 'error', errorType: 'refused', error: check.error } };
    const hub = await hubReady;
    if (!hub) return { ok: false, status: 503, body: { status: 'error', errorType: 'unavailable', error: 'the hub is not running' } };
    return hubRequest(hub, check.method as HubMethod, check.path, check.body);
  });
  ipcMain.on(IpcChannel.HubSubscribe, (event, id: unknown) => {
    if (!fromOurWindow(event) || !Number.isSafeInteger(id)) return;
    const sender = event.sender;
    const key = `${sender.id}:${id as number}`;
    if (subscriptions.has(key)) return;
    subscriptions.set(key, () => {});
    void hubReady.then((hub) => {
      if (!hub || !subscriptions.has(key) || sender.isDestroyed()) return;
      const stop = followHubEvents(
        hub,
        (name, data) => {
          if (!sender.isDestroyed()) sender.send(IpcChannel.HubEvent, id, name, data);
        },
        { log },
      );
      subscriptions.set(key, stop);
    });
  });
  ipcMain.on(IpcChannel.HubUnsubscribe, (event, id: unknown) => {
    if (!fromOurWindow(event)) return;
    const key = `${event.sender.id}:${String(id)}`;
    subscriptions.get(key)?.();
    subscriptions.delete(key);
  });
  registerTransferIpc();
}

// --- file transfers: dialogs here, the streaming in file-transfer.ts -----------------------

const NOT_OUR_WINDOW = { status: 'failed', error: 'refused: not the app window' } as const;

function progressTo(sender: WebContents, job: number): ProgressListener {
  return (bytes, total) => {
    if (!sender.isDestroyed()) sender.send(IpcChannel.TransferProgress, job, bytes, total);
  };
}

/** Runs a transfer as job `job` of this window, so that transfer:cancel and a closed window stop it. */
async function asJob<T>(sender: WebContents, job: number, run: (signal: AbortSignal) => Promise<T>, busy: T): Promise<T> {
  const signal = transfers.start(sender.id, job);
  if (!signal) return busy;
  try {
    return await run(signal);
  } finally {
    transfers.finish(sender.id, job);
  }
}

async function askWhereToSave(name: string, filters?: Electron.FileFilter[]): Promise<string | undefined> {
  const choice = await dialog.showSaveDialog(window!, {
    defaultPath: join(saveFolder ?? app.getPath('downloads'), name),
    ...(filters ? { filters } : {}),
  });
  if (choice.canceled || !choice.filePath) return undefined;
  saveFolder = dirname(choice.filePath);
  return choice.filePath;
}

function registerTransferIpc(): void {
  ipcMain.handle(IpcChannel.TransferSave, async (event, job: unknown, request: unknown, suggestedName: unknown): Promise<SaveOutcome> => {
    if (!window || event.sender !== window.webContents) return NOT_OUR_WINDOW;
    const check = checkSaveRequest(event.senderFrame?.url, job, request, suggestedName);
    if (!check.ok) return { status: 'failed', error: check.error };
    const sender = event.sender;
    return asJob<SaveOutcome>(
      sender,
      check.job,
      async (signal) => {
        const file = await askWhereToSave(check.name);
        if (!file) return { status: 'dismissed' };
        const hub = await hubReady;
        if (!hub) return { status: 'failed', error: 'the hub is not running: restart the app' };
        const outcome = await saveHubResponse(hub, check.request, file, { signal, onProgress: progressTo(sender, check.job) });
        log(`save ${check.request.path.split('?')[0]} -> ${file}: ${outcome.status}`);
        return outcome;
      },
      { status: 'failed', error: `refused: job ${check.job} is running already` },
    );
  });
  ipcMain.handle(IpcChannel.TransferChoose, async (event, title: unknown, filters: unknown): Promise<ChooseOutcome> => {
    if (!window || event.sender !== window.webContents) return NOT_OUR_WINDOW;
    const check = checkChooseRequest(event.senderFrame?.url, title, filters);
    if (!check.ok) return { status: 'failed', error: check.error };
    const choice = await dialog.showOpenDialog(window, { title: check.title, properties: ['openFile'], filters: check.filters });
    const path = choice.filePaths[0];
    if (choice.canceled || !path) return { status: 'dismissed' };
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch (e) {
      return { status: 'failed', error: `cannot read ${path}: ${(e as Error).message}` };
    }
    if (bytes > MAX_UPLOAD_BYTES)
      return {
        status: 'failed',
        error: `${basename(path)} is ${bytes} bytes, over the ${MAX_UPLOAD_BYTES} this window sends: use \`hub import\` on the hub's machine`,
      };
    return { status: 'chosen', file: { fileId: chosenFiles.add(event.sender.id, path, bytes), name: basename(path), bytes } };
  });
  ipcMain.handle(
    IpcChannel.TransferUpload,
    async (event, job: unknown, fileId: unknown, path: unknown, contentType: unknown): Promise<UploadOutcome> => {
      if (!window || event.sender !== window.webContents) return NOT_OUR_WINDOW;
      const check = checkUploadRequest(event.senderFrame?.url, job, fileId, path, contentType);
      if (!check.ok) return { status: 'failed', error: check.error };
      const file = chosenFiles.get(event.sender.id, check.fileId);
      if (!file) return { status: 'failed', error: 'this window no longer knows that file: choose it again' };
      const sender = event.sender;
      return asJob<UploadOutcome>(
        sender,
        check.job,
        async (signal) => {
          const hub = await hubReady;
          if (!hub) return { status: 'failed', error: 'the hub is not running: restart the app' };
          return uploadFileToHub(hub, check.path, file.path, check.contentType, { signal, onProgress: progressTo(sender, check.job) });
        },
        { status: 'failed', error: `refused: job ${check.job} is running already` },
      );
    },
  );
  ipcMain.on(IpcChannel.TransferCancel, (event, job: unknown) => {
    if (!fromOurWindow(event) || !isJobNumber(job)) return;
    transfers.cancel(event.sender.id, job);
  });
  ipcMain.handle(IpcChannel.TransferCapture, async (event, rect: unknown, suggestedName: unknown): Promise<SaveOutcome> => {
    if (!window || event.sender !== window.webContents) return NOT_OUR_WINDOW;
    const check = checkCaptureRequest(event.senderFrame?.url, rect, suggestedName);
    if (!check.ok) return { status: 'failed', error: check.error };
    const file = await askWhereToSave(check.name, [{ name: 'PNG image', extensions: ['png'] }]);
    if (!file) return { status: 'dismissed' };
    const image = await event.sender.capturePage(check.rect);
    if (image.isEmpty()) return { status: 'failed', error: 'the chart was not on screen: scroll it into view and save again' };
    return writeFileViaTemp(file, image.toPNG());
  });
}

function dropSubscriptionsOf(contents: WebContents): void {
  for (const [key, stop] of subscriptions) {
    if (key.startsWith(`${contents.id}:`)) {
      stop();
      subscriptions.delete(key);
    }
  }
}

// --- the window ---------------------------------------------------------------------------

function windowStateFile(): string {
  mkdirSync(app.getPath('userData'), { recursive: true });
  return join(app.getPath('userData'), 'window-state.json');
}

function workAreas() {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

function createWindow(): void {
  const state = loadWindowState(windowStateFile(), workAreas());
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'Metrics hub',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window = win;
  const contents = win.webContents;
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(saveTimer);
    const s: WindowState = { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() };
    try {
      saveWindowState(windowStateFile(), s);
    } catch (e) {
      log(`cannot save the window's place: ${(e as Error).message}`);
    }
  };
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', saveSoon);
  win.on('close', (e) => {
    save();
    // Closing the window keeps the hub collecting in the tray; Quit (tray, Cmd-Q) ends it.
    if (!quitting) {
      e.preventDefault();
      win.hide();
    }
  });
  const contentsId = contents.id;
  const dropTransfers = () => {
    transfers.cancelAllOf(contentsId);
    chosenFiles.forgetOwner(contentsId);
  };
  contents.on('destroyed', () => {
    dropSubscriptionsOf(contents);
    dropTransfers();
  });
  contents.on('render-process-gone', () => {
    dropSubscriptionsOf(contents);
    dropTransfers();
  });
  void win.loadURL(APP_ENTRY);
}

function showWindow(hash?: string): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  if (hash) void window.loadURL(`${APP_ENTRY}${hash}`);
}

// --- tray and notifications -----------------------------------------------------------------

function createTray(): void {
  const icon = nativeImage.createFromPath(join(here, 'tray.png'));
  tray = new Tray(icon);
  tray.on('click', () => showWindow());
  updateTray();
}

function updateTray(): void {
  if (!tray) return;
  tray.setToolTip(trayTooltip(firing, hubUrl));
  if (process.platform === 'darwin') tray.setTitle(trayTitle(firing));
  const login = app.getLoginItemSettings();
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: trayTooltip(firing, hubUrl), enabled: false },
      { type: 'separator' },
      { label: 'Open', click: () => showWindow() },
      { label: 'Alerts', click: () => showWindow('#/alerts') },
      {
        label: 'Start at login',
        type: 'checkbox',
        checked: login.openAtLogin,
        click: (item) => {
          app.setLoginItemSettings({ openAtLogin: item.checked });
          updateTray();
        },
      },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
}

function showNotification(notice: {
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
  id?: string;
}): { ok: true } | { ok: false; error: string } {
  if (!Notification.isSupported()) return { ok: false, error: 'this desktop shows no notifications' };
  if (notice.id) notifications.get(notice.id)?.close();
  const n = new Notification({
    title: notice.title,
    body: notice.body,
    urgency: notice.urgency,
    timeoutType: notice.urgency === 'critical' ? 'never' : 'default',
  });
  n.on('click', () => showWindow('#/alerts'));
  n.on('close', () => {
    if (notice.id && notifications.get(notice.id) === n) notifications.delete(notice.id);
  });
  if (notice.id) notifications.set(notice.id, n);
  n.show();
  return { ok: true };
}
