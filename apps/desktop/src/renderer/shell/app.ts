// The app shell: navigation, hash routes (#/fleet, #/host/<id>, #/explore, #/alerts,
// #/dashboards, #/incidents, #/settings) and the mounted view. One view at a time; leaving a view
// stops it (its timers and live subscriptions end with it).

import type { HubApi } from '../api/hub-api.ts';
import type { FileTransfers } from '../transfers/file-transfers.ts';
import { h, type View, type ViewContext } from './view.ts';

export function startApp(root: HTMLElement, api: HubApi, transfers: FileTransfers, views: View[]): void {
  const nav = h('nav', { class: 'nav', 'aria-label': 'Sections' });
  const main = h('main', { class: 'view', id: 'view' });
  const status = h('div', { class: 'hub-status', role: 'status', 'aria-live': 'polite' });
  root.replaceChildren(h('header', { class: 'topbar' }, h('span', { class: 'brand', text: 'Metrics Hub' }), nav, status), main);
  for (const v of views.filter((v) => v.inNav)) nav.append(h('a', { href: `#/${v.id}`, 'data-view': v.id, text: v.title }));

  const listeners = new Set<(event: string, data: unknown) => void>();
  let _unsubscribe: (() => void) | undefined;
  const ensureSubscribed = () => {
    _unsubscribe ??= api.transport.subscribe((event, data) => {
      for (const l of listeners) l(event, data);
    });
  };
  let stop: (() => void) | undefined;

  const route = () => {
    const [id, ...params] = (location.hash.replace(/^#\/?/, '') || 'fleet').split('/').map(decodeURIComponent);
    const view = views.find((v) => v.id === id) ?? views[0];
    stop?.();
    listeners.clear();
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.view === view.id);
    document.title = `${view.title} · Metrics Hub`;
    main.replaceChildren();
    main.dataset.view = view.id;
    const ctx: ViewContext = {
      api,
      transfers,
      params,
      navigate: (path) => (location.hash = `#/${path}`),
      onHubEvent: (l) => {
        listeners.add(l);
        ensureSubscribed();
      },
    };
    try {
      stop = view.mount(main, ctx);
    } catch (e) {
      main.replaceChildren(h('p', { class: 'error', text: `This view failed: ${(e as Error).message}` }));
      stop = undefined;
    }
  };
  window.addEventListener('hashchange', route);
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
  setInterval(() => void refreshStatus(), 5000);
}
