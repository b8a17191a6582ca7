// Settings: where agents connect (broker and HTTP addresses), agent tokens (issue: the
// token, agent config and install command shown once, with copy buttons; revoke after
// an inline confirmation), and what is configured in files (retention, receivers),
// read-only with where to change it; cold storage (what the archive folder holds, files
// found damaged, a check of every file); whole-hub snapshots (take, save a copy) and file
// imports, with progress and cancel.
//
// One module per panel beside this one; here they are put in the page's order, and the
// hub's status is read once for the panels that show parts of it.

import { h, type View } from '../../shell/view.ts';
import { addressesPanel } from './addresses.ts';
import { archivePanel } from './archive.ts';
import { hubSettingsForm } from './hub-settings.ts';
import { importPanel } from './import.ts';
import { notificationsEditor } from './notifications.ts';
import { remoteWritePanel } from './remote-write.ts';
import { snapshotsPanel } from './snapshots.ts';
import { storagePanel } from './storage.ts';
import { tokensPanel } from './tokens.ts';

export const settingsView: View = {
  id: 'settings',
  title: 'Settings',
  inNav: true,
  mount(root, ctx) {
    const problem = h('div', { class: 'error', role: 'alert' });
    const addresses = addressesPanel();
    const files = storagePanel();
    const archive = archivePanel(ctx);
    const remoteWrite = remoteWritePanel();
    root.append(
      h('h1', { text: 'Settings' }),
      problem,
      h('h2', { text: 'Addresses' }),
      addresses.el,
      hubSettingsForm(ctx),
      h('h2', { text: 'Agent tokens' }),
      ...tokensPanel(ctx, problem),
      h('h2', { text: 'Notifications: routes and receivers' }),
      notificationsEditor(ctx),
      h('h2', { text: 'Snapshots' }),
      snapshotsPanel(ctx),
      h('h2', { text: 'Import data' }),
      importPanel(ctx),
      h('h2', { text: 'Storage and alerting' }),
      files.el,
      h('h2', { text: 'Cold storage' }),
      archive.el,
      h('h2', { text: 'Remote write' }),
      remoteWrite.el,
    );

    void (async () => {
      const [status, runtime, alerts] = await Promise.allSettled([ctx.api.status(), ctx.api.runtimeInfo(), ctx.api.alerts()]);
      if (ctx.scope.disposed) return;
      addresses.show(status);
      if (status.status === 'fulfilled') {
        archive.show(status.value.archive);
        remoteWrite.show(status.value.remoteWrite);
      }
      files.show(runtime, alerts);
      root.dataset.loaded = 'true';
    })();
  },
};
