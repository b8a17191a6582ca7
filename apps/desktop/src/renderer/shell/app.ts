// The app shell: navigation, hash routes (#/fleet, #/host/<id>, #/explore, #/alerts,
// #/dashboards, #/incidents, #/settings) and the mounted view. One view at a time, each
// in a scope of its own: leaving a view disposes its scope, and with it everything the
// view started (timers, live streams, charts, reads still in flight).

import { HubApi } from '../api/hub-api.ts';
import { Scope } from '../lifecycle/scope.ts';
import { scopedTransport } from '../lifecycle/scoped-transport.ts';
import type { FileTransfers } from '../transfers/file-transfers.ts';
import { h, type View, type ViewContext } from './view.ts';

/** Starts the app in `root`; disposing the returned scope stops it. */
export function startApp(root: HTMLElement, api: HubApi, transfers: FileTransfers, views: View[]): Scope {
  const app = new Scope();
  const nav = h('nav', { class: 'nav', 'aria-label': 'Sections' });
  const main = h('main', { class: 'view', id: 'view' });
  const status = h('div', { class: 'hub-status', role: 'status', 'aria-live': 'polite' });
  root.replaceChildren(h('header', { class: 'topbar' }, h('span', { class: 'brand', text: 'Metrics Hub' }), nav, status), main);
  for (const v of views.filter((v) => v.inNav)) nav.append(h('a', { href: `#/${v.id}`, 'data-view': v.id, text: v.title }));

  let shown: Scope | undefined;
  const route = () => {
    const [id, ...params] = (location.hash.replace(/^#\/?/, '') || 'fleet').split('/').map(decodeURIComponent);
    const view = views.find((v) => v.id === id) ?? views[0];
    shown?.dispose();
    const scope = app.child();
    shown = scope;
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.view === view.id);
    document.title = `${view.title} · Metrics Hub`;
    main.replaceChildren();
    // The last view's marks (data-loaded, data-drawn...) would say this one is ready.
    for (const key of Object.keys(main.dataset)) delete main.dataset[key];
    main.dataset.view = view.id;
    const viewApi = new HubApi(scopedTransport(api.transport, scope));
    const ctx: ViewContext = {
      api: viewApi,
      scope,
      transfers,
      params,
      navigate: (path) => (location.hash = `#/${path}`),
      onHubEvent: (listener) => void viewApi.transport.subscribe(listener),
    };
    try {
      view.mount(main, ctx);
    } catch (e) {
      scope.dispose();
      main.replaceChildren(h('p', { class: 'error', text: `This view failed: ${(e as Error).message}` }));
    }
  };
  app.listen(window, 'hashchange', route);
  route();

  // The hub's heartbeat in the corner: reachable, and how many agents are up.
  const refreshStatus = async () => {
    try {
      const fleet = await api.fleet();
      const up = fleet.agents.filter((a) => a.up).length;
      status.textContent = `${up} of ${fleet.agents.length} agents up`;
      status.classList.remove('offline');
    } catch {
      status.textContent = 'hub unreachable';
      status.classList.add('offline');
    }
  };
  void refreshStatus();
  app.interval(() => void refreshStatus(), 5000);
  return app;
}
