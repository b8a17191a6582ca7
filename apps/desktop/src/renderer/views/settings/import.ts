// Settings' Import data panel: a file of samples into the hub, checked whole first (nothing
// stored if a line is bad, unless asked to keep the good lines; nothing if samples are older
// than the hub keeps, unless asked to import them anyway), with progress and cancel; leaving
// the view cancels the upload.

import { HubRequestError } from '../../../common/transport.ts';
import { formatValue } from '../../charts/format.ts';
import { h, type ViewContext } from '../../shell/view.ts';
import type { PickedFile } from '../../transfers/file-transfers.ts';
import { createTransferBar, failedText } from '../../transfers/transfer-bar.ts';

const IMPORT_FORMATS: { format: string; label: string; contentType: string }[] = [
  { format: 'openmetrics', label: 'OpenMetrics (ends with # EOF)', contentType: 'application/openmetrics-text; version=1.0.0' },
  { format: 'prometheus', label: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
  { format: 'mhb-json', label: 'Metrics Hub lossless export (.mhb.ndjson)', contentType: 'application/x-ndjson' },
];

interface ImportSummary {
  committed: boolean;
  error?: string;
  samples: number;
  series: number;
  rejected: { line?: number; reason: string }[];
  pastRetention?: { samples: number; fate: string };
}

export function importPanel(ctx: ViewContext): HTMLElement {
  const choose = h('button', { type: 'button', class: 'import-choose', text: 'Choose file…' });
  const chosenName = h('span', { class: 'muted import-file-name', text: 'no file chosen' });
  const format = h(
    'select',
    { class: 'import-format', 'aria-label': 'Format' },
    ...IMPORT_FORMATS.map((f) => h('option', { value: f.format, text: f.label })),
  );
  const partial = h('input', { type: 'checkbox', class: 'import-partial' });
  const allowOld = h('input', { type: 'checkbox', class: 'import-allow-old' });
  const go = h('button', { class: 'primary import-go', text: 'Import' });
  const bar = createTransferBar();
  ctx.scope.defer(() => bar.cancel());
  const note = h('div', { class: 'muted import-note' });
  const problems = h('ul', { class: 'error import-problems' });
  let chosen: PickedFile | undefined;
  choose.addEventListener('click', () => {
    ctx.transfers
      .chooseFile('Choose a file of samples to import', [
        { name: 'Metrics files', extensions: ['om', 'txt', 'prom', 'ndjson'] },
        { name: 'All files', extensions: ['*'] },
      ])
      .then(
        (file) => {
          if (!file) return;
          chosen = file;
          chosenName.textContent = `${file.name} (${formatValue(file.bytes, 'bytes')})`;
          format.value = formatOf(file.name) ?? format.value;
        },
        (e: Error) => (note.textContent = e.message),
      );
  });
  go.addEventListener('click', () => {
    const file = chosen;
    if (!file) return void (note.textContent = 'Choose a file first.');
    const f = IMPORT_FORMATS.find((x) => x.format === format.value)!;
    go.disabled = true;
    note.textContent = '';
    problems.replaceChildren();
    const query = new URLSearchParams({
      format: f.format,
      ...(partial.checked ? { partial: 'true' } : {}),
      ...(allowOld.checked ? { allow_old: 'true' } : {}),
    });
    bar
      .run(`Sending ${file.name}`, (onProgress, signal) =>
        ctx.transfers.uploadToHub<ImportSummary>(`/api/hub/v1/import?${query}`, file, f.contentType, onProgress, signal),
      )
      .then((s) => {
        const old = s.pastRetention
          ? ` ${s.pastRetention.samples} of them are older than the hub keeps raw data: ${s.pastRetention.fate}.`
          : '';
        note.textContent = `Imported ${s.samples} samples in ${s.series} series${s.rejected.length ? ` (${s.rejected.length} lines left out)` : ''}.${old}`;
      })
      .catch((e: unknown) => {
        const s = e instanceof HubRequestError ? (e.body as Partial<ImportSummary> | undefined) : undefined;
        if (!s?.rejected) return void (note.textContent = failedText('Import', e));
        note.textContent =
          s.rejected.length > 0
            ? 'Not imported: nothing was stored. Fix these lines, or tick "keep the good lines".'
            : `Not imported: nothing was stored. ${s.error ?? ''}`;
        for (const r of s.rejected) problems.append(h('li', { text: `${r.line !== undefined ? `line ${r.line}: ` : ''}${r.reason}` }));
      })
      .finally(() => (go.disabled = false));
  });
  return h(
    'div',
    { class: 'panel import' },
    h(
      'div',
      { class: 'row' },
      choose,
      chosenName,
      format,
      h('label', {}, partial, ' keep the good lines'),
      h(
        'label',
        { title: 'Samples older than store.retention are deleted (or moved to cold storage) right after the import' },
        allowOld,
        ' also samples older than the hub keeps',
      ),
      go,
    ),
    bar.el,
    note,
    problems,
  );
}

/** The format a file's name says, if it says one. */
function formatOf(name: string): string | undefined {
  if (/\.ndjson$/.test(name)) return 'mhb-json';
  if (/\.(om|openmetrics)(\.txt)?$/.test(name)) return 'openmetrics';
  if (/\.(prom|txt)$/.test(name)) return 'prometheus';
  return undefined;
}
