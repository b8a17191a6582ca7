// Incidents: incident files opened read-only. #/incidents lists the ones the hub holds
// open (it keeps a few, in memory, until it restarts) and opens another from a file;
// #/incidents/<id> shows one: its dashboard drawn from the file's series alone, over the
// incident's window, with nothing to edit, and "Import into this hub" to store it.

import type { IncidentImport, OpenedIncident } from '@metrics-hub/hub-api';
import { timeText } from '../alerts/format.ts';
import { formatDuration } from '../charts/format.ts';
import { createPanelChart } from '../dashboards/panel-chart.ts';
import { fixedWindow, incidentSource } from '../dashboards/panel-sources.ts';
import { h, type View, type ViewContext } from '../shell/view.ts';
import type { FileFilter } from '../transfers/file-transfers.ts';
import { createTransferBar, failedText, type TransferBar } from '../transfers/transfer-bar.ts';

const INCIDENT_FILES: FileFilter[] = [
  { name: 'Incident files', extensions: ['ndjson', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];
// The hub reads the file's first bytes to tell gzip from plain text, so one type does.
const INCIDENT_TYPE = 'application/octet-stream';

export const incidentsView: View = {
  id: 'incidents',
  title: 'Incidents',
  inNav: true,
  mount(root, ctx) {
    const [id] = ctx.params;
    if (id) showIncident(root, ctx, id);
    else showOpened(root, ctx);
  },
};

function showOpened(root: HTMLElement, ctx: ViewContext): void {
  const { scope } = ctx;
  const open = h('button', { class: 'primary', type: 'button', text: 'Open incident file…', 'data-action': 'open-incident' });
  const bar = createTransferBar();
  scope.defer(() => bar.cancel());
  const note = h('div', { class: 'muted open-note', role: 'status' });
  const list = h('ul', { class: 'incident-list' });
  root.append(
    h('h1', { text: 'Incidents' }),
    h('p', {
      class: 'muted',
      text: 'An incident file holds a dashboard and its series over a time window (make one on a dashboard: Make incident file…). Opening one shows it read-only, drawn from the file alone; nothing is stored in this hub unless you import it.',
    }),
    h('div', { class: 'row' }, open, bar.el),
    note,
    h('h2', { text: 'Opened incidents' }),
    list,
  );
  open.addEventListener('click', () => {
    open.disabled = true;
    note.textContent = '';
    openIncidentFile(ctx, bar)
      .then((opened) => {
        if (opened && !scope.disposed) ctx.navigate(`incidents/${opened.id}`);
      })
      .catch((e: unknown) => (note.textContent = failedText('Opening the incident file', e)))
      .finally(() => (open.disabled = false));
  });
  ctx.api.openedIncidents().then(
    (incidents) => {
      if (scope.disposed) return;
      list.replaceChildren(
        ...incidents.map((i) =>
          h(
            'li',
            { 'data-id': i.id },
            h('a', { href: `#/incidents/${i.id}`, text: i.title }),
            ' ',
            h('span', { class: 'muted', text: summary(i) }),
          ),
        ),
      );
      if (!incidents.length)
        list.replaceChildren(
          h('li', { class: 'muted', text: 'None. The hub keeps the last 5 opened incidents in memory until it restarts.' }),
        );
      root.dataset.loaded = 'true';
    },
    (e: Error) => (note.textContent = `Could not list the opened incidents: ${e.message}`),
  );
}

/** Asks for a file, sends it to the hub to open; undefined when the dialog was closed. */
async function openIncidentFile(ctx: ViewContext, bar: TransferBar): Promise<OpenedIncident | undefined> {
  const file = await ctx.transfers.chooseFile('Open incident file', INCIDENT_FILES);
  if (!file) return undefined;
  // The hub keeps the file's name with the incident, for "from file …" in every window.
  return bar.run(`Opening ${file.name}`, (onProgress, signal) =>
    ctx.transfers.uploadToHub<OpenedIncident>(
      `/api/hub/v1/incidents/open?name=${encodeURIComponent(file.name)}`,
      file,
      INCIDENT_TYPE,
      onProgress,
      signal,
    ),
  );
}

function summary(i: OpenedIncident): string {
  const file = i.fileName;
  return [
    `${timeText(i.startMs)} – ${timeText(i.endMs)} (${formatDuration(i.endMs - i.startMs)})`,
    `${i.series.toLocaleString('en-US')} series`,
    `${i.samples.toLocaleString('en-US')} samples`,
    ...(file ? [`from file ${file}`] : []),
  ].join(' · ');
}

function showIncident(root: HTMLElement, ctx: ViewContext, id: string): void {
  const problem = h('div', { class: 'error', role: 'alert' });
  root.append(problem);
  ctx.api.incident(id).then(
    (incident) => {
      if (!ctx.scope.disposed) drawIncident(root, ctx, incident);
    },
    (e: Error) => {
      if (ctx.scope.disposed) return;
      problem.replaceChildren(
        `This incident is not open in the hub any more (${e.message}). Open its file again: `,
        h('a', { href: '#/incidents', text: 'Incidents' }),
        '.',
      );
      root.dataset.loaded = 'true';
    },
  );
}

function drawIncident(root: HTMLElement, ctx: ViewContext, incident: OpenedIncident): void {
  const { scope } = ctx;
  const importButton = h('button', { class: 'primary', type: 'button', text: 'Import into this hub', 'data-action': 'import-incident' });
  const report = h('div', { class: 'import-report', role: 'status' });
  const file = incident.fileName;
  root.append(
    h(
      'div',
      { class: 'toolbar' },
      h('a', { href: '#/incidents', text: '← Opened incidents' }),
      h('h2', { class: 'incident-title', text: incident.title }),
      h('span', { class: 'badge read-only', text: 'read-only' }),
      h('span', { class: 'spacer' }),
      importButton,
    ),
    h(
      'p',
      { class: 'incident-meta muted' },
      file
        ? h('span', { class: 'incident-file', text: `From file ${file}` })
        : h('span', { class: 'incident-file', text: 'From a file opened earlier' }),
      ` · made ${timeText(Date.parse(incident.createdAt))}`,
      h('br'),
      `Window ${timeText(incident.startMs)} – ${timeText(incident.endMs)} (${formatDuration(incident.endMs - incident.startMs)}) · `,
      h('span', {
        class: 'incident-counts',
        text: `${incident.series.toLocaleString('en-US')} series, ${incident.samples.toLocaleString('en-US')} samples`,
      }),
    ),
    h('p', {
      class: 'muted',
      text: "Shown from the file alone, not from this hub's data; nothing here can be edited. Import it to keep its samples and dashboard in this hub.",
    }),
    report,
    h('h3', { class: 'incident-dashboard', text: `Dashboard: ${incident.dashboard.title}` }),
  );
  importButton.addEventListener('click', () => {
    importButton.disabled = true;
    report.textContent = 'Importing…';
    ctx.api
      .importOpenedIncident(incident.id)
      .then((r) => report.replaceChildren(...importReport(incident, r)))
      .catch((e: unknown) => (report.textContent = failedText('Import', e)))
      .finally(() => (importButton.disabled = false));
  });

  const grid = h('div', { class: 'grid dash-grid incident-panels' });
  root.append(grid);
  const source = incidentSource(ctx.api, incident.id);
  const charts = incident.dashboard.panels.map((p) => scope.own(createPanelChart(source, p)));
  for (const c of charts) grid.append(c.el);
  if (!charts.length) grid.append(h('p', { class: 'muted', text: "The incident's dashboard has no panels." }));
  // An incident never changes: draw once, over its own window.
  const w = fixedWindow(incident.startMs, incident.endMs);
  void Promise.all(charts.map((c) => c.refresh(w))).then(() => {
    if (!scope.disposed) root.dataset.drawn = String(Date.now());
  });
  root.dataset.loaded = 'true';
}

function importReport(shown: OpenedIncident, r: IncidentImport): (Node | string)[] {
  const s = r.summary;
  const already = s.store.duplicates ? `, ${s.store.duplicates.toLocaleString('en-US')} were here already` : '';
  const out: (Node | string)[] = [
    `Imported into this hub: ${s.appended.toLocaleString('en-US')} samples stored in ${s.series.toLocaleString('en-US')} series (${s.samples.toLocaleString('en-US')} read${already}). Its dashboard is saved as `,
    h('a', { href: `#/dashboards/${encodeURIComponent(r.dashboard.id)}`, class: 'imported-dashboard', text: r.dashboard.title }),
    '.',
  ];
  for (const refused of s.rejected ?? []) out.push(h('span', { class: 'error', text: ` ${refused.reason}.` }));
  // The file asked for again may not be the one shown: say so rather than pretend.
  if (r.title !== shown.title || r.startMs !== shown.startMs || r.endMs !== shown.endMs)
    out.push(h('span', { class: 'error', text: ` Note: that file is another incident ("${r.title}") than the one shown.` }));
  return out;
}
