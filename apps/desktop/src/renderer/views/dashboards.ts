// Dashboards: the built-in ones (read-only, copyable) and the user's, kept in the hub
// (PUT/DELETE /api/hub/v1/dashboards/<id>) so every window sees the same. #/dashboards
// lists them; #/dashboards/<id>[/<range>] shows one with a chart per panel, and makes an
// incident file of it over the range shown.

import type { Dashboard } from '../dashboards/dashboard.ts';
import { h, type View, type ViewContext } from '../shell/view.ts';
import { BUILTIN_DASHBOARDS, newDashboardId } from '../dashboards/builtin.ts';
import { incidentForm } from '../dashboards/incident-form.ts';
import { createPanelChart, type PanelChart } from '../dashboards/panel-chart.ts';
import { liveSource, recentWindow } from '../dashboards/panel-sources.ts';
import { RANGES, rangeSeconds } from '../explore/time-range.ts';

const REFRESH_MS = 30_000;

export const dashboardsView: View = {
  id: 'dashboards',
  title: 'Dashboards',
  inNav: true,
  mount(root, ctx) {
    const [id, range = '1h'] = ctx.params;
    root.append(h('h1', { text: 'Dashboards' }));
    const problem = h('div', { class: 'error', role: 'alert' });
    root.append(problem);
    void ctx.api.dashboards().then(
      (user) => {
        if (ctx.scope.disposed) return;
        const all = [...BUILTIN_DASHBOARDS, ...user];
        const d = id ? all.find((x) => x.id === id) : undefined;
        if (id && !d) problem.textContent = `There is no dashboard "${id}" (it may have been deleted).`;
        if (d) showDashboard(root, ctx, d, range);
        else showList(root, ctx, all);
        root.dataset.loaded = 'true';
      },
      (e: Error) => (problem.textContent = `Could not load dashboards: ${e.message}`),
    );
  },
};

function showList(root: HTMLElement, ctx: ViewContext, all: Dashboard[]): void {
  const title = h('input', { name: 'title', placeholder: 'New dashboard title', 'aria-label': 'New dashboard title' });
  const form = h(
    'form',
    { class: 'row new-dashboard' },
    title,
    h('button', { class: 'primary', type: 'submit', text: 'Create dashboard' }),
  );
  const error = h('div', { class: 'error' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const t = title.value.trim();
    if (!t) return void (error.textContent = 'Give the dashboard a title.');
    const d: Dashboard = { id: newDashboardId(t), title: t, panels: [] };
    ctx.api.saveDashboard(d).then(
      () => ctx.navigate(`dashboards/${encodeURIComponent(d.id)}`),
      (err: Error) => (error.textContent = err.message),
    );
  });
  const list = h(
    'ul',
    { class: 'dashboard-list' },
    ...all.map((d) =>
      h(
        'li',
        { 'data-id': d.id },
        h('a', { href: `#/dashboards/${encodeURIComponent(d.id)}`, text: d.title }),
        ' ',
        h('span', { class: 'muted', text: `${d.panels.length} panel${d.panels.length === 1 ? '' : 's'}${d.builtIn ? ' · built in' : ''}` }),
      ),
    ),
  );
  root.append(
    list,
    h(
      'p',
      { class: 'muted' },
      'A dashboard\'s "Make incident file…" saves it with its data over the range shown; such files open read-only in ',
      h('a', { href: '#/incidents', text: 'Incidents' }),
      '.',
    ),
    h('h2', { text: 'New dashboard' }),
    form,
    error,
  );
}

function showDashboard(root: HTMLElement, ctx: ViewContext, d: Dashboard, range: string): void {
  const { scope } = ctx;
  const rangeSelect = h(
    'select',
    { 'aria-label': 'Range', class: 'range' },
    ...RANGES.map((r) => h('option', { value: r.label, text: `Last ${r.label}`, selected: r.label === range })),
  );
  const actions = h('span', { class: 'row' });
  const message = h('div', { class: 'error' });
  const incident = incidentForm(ctx, d, () => rangeSeconds(rangeSelect.value));
  scope.defer(() => incident.bar.cancel());
  root.append(
    h(
      'div',
      { class: 'toolbar' },
      h('a', { href: '#/dashboards', text: '← All dashboards' }),
      h('h2', { class: 'dash-title', text: d.title }),
      d.builtIn ? h('span', { class: 'badge', text: 'built in, read-only' }) : null,
      h('span', { class: 'spacer' }),
      incident.button,
      actions,
      rangeSelect,
    ),
    incident.form,
    message,
  );
  const save = (next: Dashboard) =>
    ctx.api.saveDashboard(next).then(
      () => ctx.navigate(`dashboards/${encodeURIComponent(next.id)}/${rangeSelect.value}`),
      (e: Error) => (message.textContent = e.message),
    );

  if (d.builtIn) {
    const copy = h('button', { text: 'Copy to my dashboards', 'data-action': 'copy' });
    copy.addEventListener(
      'click',
      () => void save({ id: newDashboardId(d.title), title: `${d.title} (copy)`, panels: d.panels.map((p) => ({ ...p })) }),
    );
    actions.append(copy);
  } else {
    const del = h('button', { text: 'Delete dashboard', 'data-action': 'delete' });
    del.addEventListener('click', () => {
      const yes = h('button', { class: 'danger', text: `Delete "${d.title}"`, 'data-action': 'confirm-delete' });
      const no = h('button', { text: 'Cancel' });
      yes.addEventListener('click', () =>
        ctx.api.deleteDashboard(d.id).then(
          () => ctx.navigate('dashboards'),
          (e: Error) => (message.textContent = e.message),
        ),
      );
      no.addEventListener('click', () => actions.replaceChildren(del));
      actions.replaceChildren(yes, no);
    });
    actions.append(del);
  }

  const panels: PanelChart[] = [];
  const source = liveSource(ctx.api);
  const grid = h('div', { class: 'grid dash-grid' });
  root.append(grid);
  d.panels.forEach((p, i) => {
    let remove: HTMLButtonElement | undefined;
    if (!d.builtIn) {
      remove = h('button', { text: 'Remove', title: 'Remove this panel', 'data-action': 'remove-panel' });
      remove.addEventListener('click', () => void save({ ...d, panels: d.panels.filter((_, j) => j !== i) }));
    }
    const chart = scope.own(createPanelChart(source, p, remove));
    panels.push(chart);
    grid.append(chart.el);
  });
  if (!d.panels.length) grid.append(h('p', { class: 'muted', text: 'No panels yet: add one below.' }));
  if (!d.builtIn) root.append(h('h2', { text: 'Add a panel' }), addPanelForm(d, save));

  const refresh = () => {
    const w = recentWindow(rangeSeconds(rangeSelect.value));
    void Promise.all(panels.map((p) => p.refresh(w))).then(() => {
      if (!scope.disposed) root.dataset.drawn = String(Date.now());
    });
  };
  rangeSelect.addEventListener('change', () => {
    history.replaceState(null, '', `#/dashboards/${encodeURIComponent(d.id)}/${rangeSelect.value}`);
    refresh();
  });
  refresh();
  scope.interval(refresh, REFRESH_MS);
}

function addPanelForm(d: Dashboard, save: (next: Dashboard) => Promise<unknown>): HTMLElement {
  const title = h('input', { name: 'panel-title', placeholder: 'Panel title', 'aria-label': 'Panel title' });
  const expr = h('input', { name: 'panel-expr', placeholder: 'PromQL, e.g. node_load1', 'aria-label': 'Panel query', size: '60' });
  const unit = h(
    'select',
    { name: 'panel-unit', 'aria-label': 'Unit' },
    ...['', 'percent', 'bytes', 'bytes/s'].map((u) => h('option', { value: u, text: u || 'no unit' })),
  );
  const form = h(
    'form',
    { class: 'row add-panel' },
    title,
    expr,
    unit,
    h('button', { class: 'primary', type: 'submit', text: 'Add panel' }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!expr.value.trim()) return;
    // The hub checks the query parses and answers 400 with the position if not.
    void save({
      ...d,
      panels: [
        ...d.panels,
        { title: title.value.trim() || expr.value.trim(), expr: expr.value.trim(), ...(unit.value ? { unit: unit.value } : {}) },
      ],
    });
  });
  return form;
}
