// The tray icon: what fires (tooltip, and the count beside the icon on macOS; the words
// are tray-text.ts's), and its menu: open the window or the alerts, start at login, quit.

import { app, Menu, nativeImage, Tray } from 'electron';
import { trayTitle, trayTooltip } from './tray-text.ts';

export interface AppTrayDeps {
  /** The icon file. */
  icon: string;
  /** What the hub last said: its address once ready, the alerts firing. */
  hub: () => { url: string | undefined; firing: number | undefined };
  showWindow: (hash?: string) => void;
}

export class AppTray {
  private tray: Tray | undefined;

  constructor(private readonly deps: AppTrayDeps) {}

  create(): void {
    this.tray = new Tray(nativeImage.createFromPath(this.deps.icon));
    this.tray.on('click', () => this.deps.showWindow());
    this.update();
  }

  /** Redraws the text and the menu (the hub's state or the login setting changed). */
  update(): void {
    const tray = this.tray;
    if (!tray) return;
    const { url, firing } = this.deps.hub();
    const show = this.deps.showWindow;
    tray.setToolTip(trayTooltip(firing, url));
    if (process.platform === 'darwin') tray.setTitle(trayTitle(firing));
    const login = app.getLoginItemSettings();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: trayTooltip(firing, url), enabled: false },
        { type: 'separator' },
        { label: 'Open', click: () => show() },
        { label: 'Alerts', click: () => show('#/alerts') },
        {
          label: 'Start at login',
          type: 'checkbox',
          checked: login.openAtLogin,
          click: (item) => {
            app.setLoginItemSettings({ openAtLogin: item.checked });
            this.update();
          },
        },
        { type: 'separator' },
        { label: 'Quit', click: () => app.quit() },
      ]),
    );
  }
}
