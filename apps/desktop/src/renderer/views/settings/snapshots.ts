// Settings' Snapshots panel: take a whole-hub snapshot while the hub runs, see those in the
// data folder, and save a copy elsewhere (with progress and cancel; leaving the view cancels).

import { h, type ViewContext } from '../../shell/view.ts';
import { createTransferBar, failedText, savedText } from '../../transfers/transfer-bar.ts';

export function snapshotsPanel(ctx: ViewContext): HTMLElement {
  const take = h('button', { class: 'primary take-snapshot', text: 'Take a snapshot now' });
  const note = h('div', { class: 'muted snapshot-note' });
  const list = h('ul', { class: 'snapshot-list' });
  const bar = createTransferBar();
  ctx.scope.defer(() => bar.cancel());
  const saveNote = h('div', { class: 'muted snapshot-save-note', role: 'status' });
  const saveCopy = (name: string, button: HTMLButtonElement) => {
    button.disabled = true;
    saveNote.textContent = '';
    bar
      .run(`Saving ${name}`, (onProgress, signal) =>
        ctx.transfers.saveFromHub({ method: 'GET', path: `/api/hub/v1/snapshots/${encodeURIComponent(name)}` }, name, onProgress, signal),
      )
      .then((saved) => (saveNote.textContent = savedText('Snapshot', saved, ctx.transfers.savesTo)))
      .catch((e: unknown) => (saveNote.textContent = failedText('Saving the snapshot', e)))
      .finally(() => (button.disabled = false));
  };
  const refresh = () =>
    ctx.api.snapshots().then(
      (s) => {
        note.textContent = `In ${s.folder}. Restore one with \`hub restore <file> --data-dir <an empty folder>\`.`;
        list.replaceChildren(
          ...s.snapshots.map((x) => {
            const copy = h('button', {
              type: 'button',
              class: 'snapshot-save',
              text: 'Save a copy…',
              title: 'Save this snapshot somewhere else, e.g. another disk',
            });
            copy.addEventListener('click', () => saveCopy(x.name, copy));
            return h(
              'li',
              { 'data-name': x.name },
              h('code', { text: x.name }),
              ` ${(x.bytes / 1e6).toFixed(1)} MB${x.manifest.createdAt ? `, taken ${x.manifest.createdAt}` : ''} `,
              copy,
            );
          }),
        );
      },
      (e: Error) => (note.textContent = e.message),
    );
  take.addEventListener('click', () => {
    take.disabled = true;
    note.textContent = 'Taking a snapshot (the hub keeps ingesting)…';
    ctx.api
      .takeSnapshot()
      .then(() => refresh())
      .catch((e: Error) => (note.textContent = `Snapshot failed: ${e.message}`))
      .finally(() => (take.disabled = false));
  });
  void refresh();
  return h('div', { class: 'panel snapshots' }, h('div', { class: 'row' }, take, note), list, bar.el, saveNote);
}
