// The Fleet view: every agent with its state, freshness and four 15-minute sparklines,
// searchable and sortable, with a note under an agent whose clock is off or whose data the
// hub refused lately; a row opens the host (#/host/<id>). Refreshes on the hub's
// `fleet` events and every 10 s. With no agents, it explains how to add the first one.

import type { FleetAgent, HubStatus } from '@metrics-hub/hub-api';
import { h, type View } from '../shell/view.ts';
import { applyFleetEvent } from '../charts/fleet-events.ts';
import { fetchSparklines, SPARK_METRICS, type SparkData } from '../charts/fleet-sparklines.ts';
import { formatAgo, formatDuration, formatValue } from '../charts/format.ts';
import { lastValue, sparkline } from '../charts/sparkline.ts';
import { agentNotes } from './fleet-notes.ts';
import '../charts/charts.css';

type SortKey = 'agent' | 'status' | 'host' | 'seen' | 'lag' | 'backlog' | 'version' | 'cpu' | 'mem' | 'disk' | 'net';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'status', label: 'Status' },
  { key: 'agent', label: 'Agent' },
  { key: 'host', label: 'Host' },
  { key: 'seen', label: 'Last seen' },
  { key: 'lag', label: 'Lag' },
  { key: 'backlog', label: 'Backlog' },
  { key: 'version', label: 'Version' },
  ...SPARK_METRICS.map((m) => ({ key: m.key, label: m.title })),
];

const REFRESH_MS = 10_000;

export const fleetView: View = {
  id: 'fleet',
  title: 'Fleet',
  inNav: true,
  mount(root, ctx) {
    const { scope } = ctx;
    let agents: FleetAgent[] | undefined;
    let sparks: SparkData | undefined;
    let sort: { key: SortKey; dir: 1 | -1 } = { key: 'agent', dir: 1 };

    const search = h('input', { type: 'search', placeholder: 'Search id, host or label (key=value)', 'aria-label': 'Search agents' });
    const count = h('span', { class: 'muted' });
    const error = h('p', { class: 'error', role: 'alert' });
    const head = h('tr');
    const body = h('tbody');
    const table = h('table', { class: 'fleet' }, h('thead', {}, head), body);
    const empty = h('div', { class: 'empty-state panel', hidden: true });
    root.append(h('h1', { text: 'Fleet' }), h('div', { class: 'fleet-tools' }, search, count), error, table, empty);

    for (const c of COLUMNS) {
      const th = h('th', { 'data-sort': c.key, text: c.label, tabindex: '0', scope: 'col' });
      const toggle = () => {
        sort = sort.key === c.key ? { key: c.key, dir: sort.dir === 1 ? -1 : 1 } : { key: c.key, dir: 1 };
        render();
      };
      th.addEventListener('click', toggle);
      th.addEventListener('keydown', (e) => e.key === 'Enter' && toggle());
      head.append(th);
    }
    search.addEventListener('input', () => render());

    const value = (a: FleetAgent, key: SortKey): string | number => {
      switch (key) {
        case 'agent':
          return a.agentId;
        case 'status':
          return a.up ? 1 : 0;
        case 'host':
          return a.host?.hostname ?? '';
        case 'seen':
          return a.lastBatchMs ?? 0;
        case 'lag':
          return a.lagMs ?? Infinity;
        case 'backlog':
          return a.backlogBytes ?? 0;
        case 'version':
          return a.version ?? '';
        default:
          return lastValue(sparks?.[key].get(a.agentId) ?? []) ?? -Infinity;
      }
    };

    const matches = (a: FleetAgent, q: string): boolean => {
      if (!q) return true;
      const hay = [a.agentId, a.host?.hostname ?? '', a.version ?? '', ...Object.entries(a.labels).flatMap(([k, v]) => [`${k}=${v}`, v])]
        .join('\n')
        .toLowerCase();
      return q
        .toLowerCase()
        .split(/\s+/)
        .every((t) => hay.includes(t));
    };

    const row = (a: FleetAgent): HTMLElement => {
      const href = `#/host/${encodeURIComponent(a.agentId)}`;
      const cells = [
        h(
          'td',
          {},
          h('span', {
            class: `badge ${a.up ? 'up' : 'down'}`,
            text: a.up ? 'up' : 'down',
            title: a.connected ? 'connected' : 'disconnected',
          }),
        ),
        h(
          'td',
          {},
          h('a', { href, text: a.agentId }),
          ...agentNotes(a, Date.now()).map((n) => h('div', { class: 'agent-note', text: n.text, title: n.detail ?? '' })),
        ),
        h('td', { text: a.host?.hostname ?? '–', title: [a.host?.os, a.host?.release, a.host?.arch].filter(Boolean).join(' ') }),
        h('td', { class: 'num', text: formatAgo(a.lastBatchMs), 'data-ms': String(a.lastBatchMs ?? '') }),
        h('td', { class: 'num', text: a.lagMs === undefined ? '–' : formatDuration(a.lagMs) }),
        h('td', { class: 'num', text: a.backlogBytes === undefined ? '–' : formatValue(a.backlogBytes, 'bytes') }),
        h('td', { text: a.version ?? '–' }),
        ...SPARK_METRICS.map((m) => h('td', { 'data-spark': m.key }, sparkline(sparks?.[m.key].get(a.agentId) ?? [], m.unit, m.max))),
      ];
      const tr = h('tr', { 'data-agent': a.agentId }, ...cells);
      tr.addEventListener('click', (e) => {
        if ((e.target as HTMLElement).closest('a')) return;
        ctx.navigate(`host/${encodeURIComponent(a.agentId)}`);
      });
      return tr;
    };

    const render = () => {
      if (scope.disposed || !agents) return;
      const none = agents.length === 0;
      table.hidden = none;
      empty.hidden = !none;
      search.disabled = none;
      if (none) {
        void showEmpty();
        return;
      }
      for (const th of head.children as HTMLCollectionOf<HTMLElement>) {
        th.setAttribute('aria-sort', th.dataset.sort === sort.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');
      }
      const shown = agents.filter((a) => matches(a, search.value.trim()));
      shown.sort((a, b) => {
        const x = value(a, sort.key);
        const y = value(b, sort.key);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return (c || a.agentId.localeCompare(b.agentId)) * sort.dir;
      });
      body.replaceChildren(...shown.map(row));
      if (shown.length === 0)
        body.append(h('tr', {}, h('td', { colspan: String(COLUMNS.length), class: 'muted', text: 'No agent matches this search.' })));
      count.textContent = `${shown.length} of ${agents.length} agents`;
    };

    // The empty state: the hub's own broker address, so the command is ready to paste.
    let emptyShown = false;
    const showEmpty = async () => {
      if (emptyShown) return;
      emptyShown = true;
      let status: HubStatus | undefined;
      try {
        status = await ctx.api.status();
      } catch {
        // The command keeps a placeholder then.
      }
      if (scope.disposed) return;
      const broker = status?.broker.mqtt;
      const host = !broker || broker.host === '0.0.0.0' || broker.host === '::' ? location.hostname || 'HUB-ADDRESS' : broker.host;
      const mqtt = status?.broker.url ?? `mqtt://${host}:${broker?.port ?? 1883}`;
      const http = status?.http ? `http://${status.http.host}:${status.http.port}` : location.origin;
      empty.replaceChildren(
        h('h2', { text: 'No agents yet' }),
        h('p', { text: 'Agents collect a machine’s metrics and push them to this hub. To add the first one:' }),
        h(
          'ol',
          {},
          h(
            'li',
            {},
            'Issue a token for it in ',
            h('a', { href: '#/settings', text: 'Settings' }),
            ' (or ',
            h('code', { text: `curl -X POST ${http}/api/hub/v1/agents -d '{"agentId":"web-1"}'` }),
            ').',
          ),
          h(
            'li',
            {},
            'On the machine, from a checkout of metrics-hub, install and start the agent:',
            h('pre', { class: 'install-command', text: `sudo scripts/install-agent.sh install --hub ${mqtt} --token TOKEN` }),
          ),
          h('li', { text: 'It shows here within seconds of connecting.' }),
        ),
        h('p', { class: 'muted', text: `This hub: MQTT ${mqtt}, HTTP ${http}.` }),
      );
    };

    const refreshAgents = async () => {
      try {
        const fleet = await ctx.api.fleet();
        if (scope.disposed) return;
        agents = fleet.agents;
        error.textContent = '';
        render();
      } catch (e) {
        if (!scope.disposed) error.textContent = `The fleet could not be loaded: ${(e as Error).message}`;
      }
    };
    const refreshSparks = async () => {
      if (!agents?.length) return;
      try {
        const s = await fetchSparklines(ctx.api, Date.now());
        if (scope.disposed) return;
        sparks = s;
        render();
      } catch (e) {
        if (!scope.disposed) error.textContent = `Sparklines failed: ${(e as Error).message}`;
      }
    };
    const refresh = async () => {
      await refreshAgents();
      await refreshSparks();
    };

    // Fleet events carry the agents themselves: no request needed. They can come once a
    // second per agent, so the table re-renders at most twice a second; sparklines keep
    // their 10 s pace.
    let renderPending = false;
    ctx.onHubEvent((event, data) => {
      if (event !== 'fleet') return;
      const had = agents?.length ?? 0;
      agents = applyFleetEvent(agents, data);
      if (!renderPending) {
        renderPending = true;
        scope.timeout(() => {
          renderPending = false;
          render();
        }, 500);
      }
      if (had === 0 && (agents?.length ?? 0) > 0) void refreshSparks();
    });
    scope.interval(() => void refresh(), REFRESH_MS);
    void refresh();
  },
};
