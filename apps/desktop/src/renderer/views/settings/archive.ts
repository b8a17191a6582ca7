// Settings' Cold storage panel: what the archive folder holds, the files found damaged (left
// out of answers), and a check of every file's checksums on request.

import type { ArchiveStatus } from '@metrics-hub/hub-api';
import { formatValue } from '../../charts/format.ts';
import { h, type ViewContext } from '../../shell/view.ts';
import { keyValues } from './key-values.ts';

export function archivePanel(ctx: ViewContext): { el: HTMLElement; show(status: ArchiveStatus | undefined): void } {
  const el = h('div', { class: 'panel archive' });
  const render = (s: ArchiveStatus, checked?: number) => {
    const check = h('button', { type: 'button', class: 'archive-verify', text: 'Check every file' });
    const note = h('span', {
      class: 'muted archive-note',
      role: 'status',
      text: checked === undefined ? '' : s.damaged.length ? '' : `all ${checked} files passed their checksums`,
    });
    check.addEventListener('click', () => {
      check.disabled = true;
      note.textContent = `Reading ${s.files} files…`;
      ctx.api.verifyArchive().then(
        (v) => render(v, v.checked),
        (e: Error) => {
          note.textContent = e.message;
          check.disabled = false;
        },
      );
    });
    el.replaceChildren(
      keyValues([
        ['Folder', s.dir],
        ['Files', `${s.files} (${formatValue(s.bytes, 'bytes')})${s.firstDay ? `, ${s.firstDay} to ${s.lastDay}` : ''}`],
        ['Archived through', s.archivedThrough === undefined ? 'nothing yet' : new Date(s.archivedThrough).toISOString()],
        ['Kept for', s.retentionMs === null ? 'ever (store.archive_retention)' : `${Math.round(s.retentionMs / 86_400_000)} days`],
      ]),
      ...(s.unavailable
        ? [h('p', { class: 'error archive-unavailable', text: s.unavailable })]
        : s.lastError
          ? [h('p', { class: 'error', text: `The last day could not be archived: ${s.lastError}` })]
          : []),
      ...(s.damaged.length
        ? [
            h('p', {
              class: 'error',
              text: `${s.damaged.length} damaged file${s.damaged.length === 1 ? '' : 's'}, left out of every answer: restore from a backup, or move out of the folder.`,
            }),
            h('ul', { class: 'archive-damaged' }, ...s.damaged.map((d) => h('li', {}, h('code', { text: d.file }), `: ${d.reason}`))),
          ]
        : []),
      h('div', { class: 'row' }, check, note),
    );
  };
  const show = (status: ArchiveStatus | undefined) => {
    if (status) return render(status);
    el.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        'Off: raw data past its retention is deleted. Set ',
        h('code', { text: 'store.archive_dir' }),
        ' in hub.yaml (a NAS or a mounted bucket) to move each past day into a checksummed file there instead; queries over those days read it.',
      ),
    );
  };
  return { el, show };
}
