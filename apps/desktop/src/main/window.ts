// The app's one window: made hidden with the security checklist's webPreferences, shown
// once ready where it last was (window-state.ts keeps the place between runs), and kept
// in the tray when closed: Quit (tray, Cmd-Q) ends the app.

import { app, BrowserWindow, screen, type WebContents } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ENTRY } from './ipc-policy.ts';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState, type WindowState } from './window-state.ts';

export interface MainWindowDeps {
  /** The built preload script. */
  preload: string;
  log: (line: string) => void;
  /** Whether the app is quitting (closing the window then closes it, not hides it). */
  quitting: () => boolean;
  /** The window's page went away (destroyed or crashed): end what it started. */
  contentsGone: (contentsId: number) => void;
}

export class MainWindow {
  private win: BrowserWindow | undefined;

  constructor(private readonly deps: MainWindowDeps) {}

  /** The window, once created (for dialogs). */
  get browserWindow(): BrowserWindow | undefined {
    return this.win;
  }

  /** Its webContents, the only sender IPC accepts. */
  get contents(): WebContents | undefined {
    return this.win?.webContents;
  }

  create(): void {
    const state = loadWindowState(windowStateFile(), workAreas());
    const win = new BrowserWindow({
      ...state.bounds,
      minWidth: MIN_WIDTH,
      minHeight: MIN_HEIGHT,
      show: false,
      title: 'Metrics hub',
      backgroundColor: '#ffffff',
      webPreferences: {
        preload: this.deps.preload,
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
    this.win = win;
    const contents = win.webContents;
    win.once('ready-to-show', () => {
      if (state.maximized) win.maximize();
      win.show();
    });
    this.keepPlace(win);
    win.on('close', (e) => {
      // Closing the window keeps the hub collecting in the tray; Quit (tray, Cmd-Q) ends it.
      if (!this.deps.quitting()) {
        e.preventDefault();
        win.hide();
      }
    });
    const contentsId = contents.id;
    contents.on('destroyed', () => this.deps.contentsGone(contentsId));
    contents.on('render-process-gone', () => this.deps.contentsGone(contentsId));
    void win.loadURL(APP_ENTRY);
  }

  /** Brings the window up (from the tray, a notification, a second launch), at `hash` when given. */
  show(hash?: string): void {
    const win = this.win;
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    if (hash) void win.loadURL(`${APP_ENTRY}${hash}`);
  }

  /** Saves the window's place half a second after it moves, and when it closes. */
  private keepPlace(win: BrowserWindow): void {
    let saveTimer: NodeJS.Timeout | undefined;
    const save = () => {
      clearTimeout(saveTimer);
      const s: WindowState = { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() };
      try {
        saveWindowState(windowStateFile(), s);
      } catch (e) {
        this.deps.log(`cannot save the window's place: ${(e as Error).message}`);
      }
    };
    const saveSoon = () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(save, 500);
    };
    for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', saveSoon);
    win.on('close', save);
  }
}

function windowStateFile(): string {
  mkdirSync(app.getPath('userData'), { recursive: true });
  return join(app.getPath('userData'), 'window-state.json');
}

/** The displays' work areas, the primary one first. */
function workAreas() {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}
