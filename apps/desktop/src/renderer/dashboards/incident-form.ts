// "Make incident file": the dashboard shown and its series over the view's current range,
// written by the hub (POST /api/hub/v1/incidents) into one file the user saves, to open
// read-only on any hub later (Incidents → Open incident file…) or to import there.

import type { IncidentRequest } from '@metrics-hub/hub-api';
import type { Dashboard } from './dashboard.ts';
import { timeText } from '../alerts/format.ts';
import { formatDuration } from '../charts/format.ts';
import { h, type ViewContext } from '../shell/view.ts';
import { stampedName } from '../transfers/file-transfers.ts';
import { createTransferBar, failedText, savedText, type TransferBar } from '../transfers/transfer-bar.ts';

/** The hub's request for an incident of `d` over the last `rangeS` seconds (whole seconds: the hub wants integer milliseconds). */
export function incidentRequest(
  d: Dashboard,
  title: string,
  rangeS: number,
  nowMs = Date.now(),
): { method: 'POST'; path: string; body: unknown } {
  const endS = Math.floor(nowMs / 1000);
  return {
    method: 'POST',
    path: '/api/hub/v1/incidents',
    // The dashboard itself, not its id: built-in dashboards live in the renderer, not the hub.
    body: {
      dashboard: { id: d.id, title: d.title, panels: d.panels.map((p) => ({ ...p })) },
      title,
      start: endS - rangeS,
      end: endS,
    } satisfies IncidentRequest,
  };
}

/** A file name from the incident's title: letters, digits and dashes, then the time. */
export function incidentFileName(title: string, nowMs = Date.now()): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'incident';
  return stampedName(`incident-${slug}`, 'ndjson', nowMs);
}

/** The toggle button for the toolbar, and the form it opens (placed under the toolbar). */
export function incidentForm(
  ctx: ViewContext,
  d: Dashboard,
  rangeS: () => number,
): { button: HTMLButtonElement; form: HTMLElement; bar: TransferBar } {
  const button = h('button', { type: 'button', text: 'Make incident file…', 'data-action': 'make-incident' });
  const title = h('input', { name: 'incident-title', value: `${d.title} incident`, 'aria-label': 'Incident title', size: '40' });
  const windowText = h('span', { class: 'muted incident-window' });
  const save = h('button', { class: 'primary', type: 'submit', text: 'Save incident file' });
  const bar = createTransferBar();
  const note = h('div', { class: 'muted incident-note', role: 'status' });
  const form = h(
    'form',
    { class: 'panel incident-form', hidden: true },
    h('div', { class: 'row' }, h('label', {}, 'Title ', title), windowText, save),
    h('p', {
      class: 'muted',
      text: 'The file holds this dashboard and every series its panels read over the window (plus 5 minutes before it, for rates). Open it read-only on any hub from Incidents, or import it there.',
    }),
    bar.el,
    note,
  );
  const describeWindow = () => {
    const s = rangeS();
    const end = Date.now();
    windowText.textContent = `Window: the range shown, last ${formatDuration(s * 1000)} (${timeText(end - s * 1000)} – ${timeText(end)})`;
  };
  button.addEventListener('click', () => {
    form.hidden = !form.hidden;
    if (!form.hidden) {
      describeWindow();
      title.focus();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const t = title.value.trim();
    if (!t) return void (note.textContent = 'Give the incident a title: it names the file and heads the read-only view.');
    describeWindow();
    const request = incidentRequest(d, t, rangeS());
    save.disabled = true;
    note.textContent = '';
    bar
      .run(`Making "${t}"`, (onProgress, signal) => ctx.transfers.saveFromHub(request, incidentFileName(t), onProgress, signal))
      .then((saved) => (note.textContent = savedText('Incident file', saved, ctx.transfers.savesTo)))
      .catch((err: unknown) => (note.textContent = failedText('Making the incident file', err)))
      .finally(() => (save.disabled = false));
  });
  return { button, form, bar };
}
