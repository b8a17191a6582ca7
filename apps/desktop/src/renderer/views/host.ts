// The Host view (#/host/<agent id>[/<range>]): twelve synced uPlot charts of one agent.
// A range loads each chart once; live ranges then append only the newest points (one
// short range query per chart after each ingest of this agent, or each second) to the
// same uPlot instances. Leaving the view aborts what is still being fetched.

import type { FleetAgent } from '@metrics-hub/hub-api';
import { h, type View } from '../shell/view.ts';
import { applyFleetEvent } from '../charts/fleet-events.ts';
import { ChartGroup } from '../charts/chart-group.ts';
import { formatAgo, formatValue } from '../charts/format.ts';
import { hostSelector, NODE_PANELS, rateWindow } from '../charts/node-panels.ts';
import { fetchPanel } from '../charts/panel-query.ts';
import { TimeSeriesChart } from '../charts/time-series-chart.ts';
import { isRangeId, liveWindowSec, rangePicker, resolveRange, type RangeChoice, type ResolvedRange } from '../charts/time-range.ts';

const DEFAULT_INTERVAL_MS = 10_000;

export const hostView: View = {
  id: 'host',
  title: 'Host',
  inNav: false,
  mount(root, ctx) {
    const agentId = ctx.params[0];
    if (!agentId) {
      root.append(
        h('h1', { text: 'Host' }),
        h('p', { class: 'muted' }, 'Pick a host in the ', h('a', { href: '#/fleet', text: 'fleet' }), '.'),
      );
      return;
    }
    const { scope } = ctx;
    const initial = ctx.params[1];
    let choice: RangeChoice = { id: isRangeId(initial) ? initial : 'live' };
    let generation = 0;
    let intervalMs = DEFAULT_INTERVAL_MS;
    let range: ResolvedRange | undefined;
    const selector = hostSelector(agentId);

    const info = h('div', { class: 'host-info muted' });
    const error = h('p', { class: 'error', role: 'alert' });
    const grid = h('div', { class: 'chart-grid', 'data-host': agentId });
    const picker = rangePicker(choice, (c) => {
      choice = c;
      history.replaceState(null, '', `#/host/${encodeURIComponent(agentId)}/${c.id}`);
      void load();
    });
    root.append(
      h('div', { class: 'host-head' }, h('a', { href: '#/fleet', class: 'back', text: '← Fleet' }), h('h1', { text: agentId }), info),
      picker,
      h('p', { class: 'muted hint', text: 'Drag across a chart to zoom, double-click to reset.' }),
      error,
      grid,
    );

    const group = scope.own(new ChartGroup({ kind: 'live', windowSec: liveWindowSec(choice) }));
    const charts = NODE_PANELS.map((p) => scope.own(new TimeSeriesChart(grid, p, group)));

    // The agent's interval sizes the rate windows; the header shows its state.
    const showAgent = (a: FleetAgent | undefined) => {
      if (!a) {
        info.replaceChildren('not in the fleet (data from the store only)');
        return;
      }
      intervalMs = a.intervalMs || DEFAULT_INTERVAL_MS;
      info.replaceChildren(
        h('span', { class: `badge ${a.up ? 'up' : 'down'}`, text: a.up ? 'up' : 'down' }),
        ` ${a.host?.hostname ?? ''} · ${a.host?.os ?? ''} ${a.host?.arch ?? ''} · agent ${a.version ?? '?'} · every ${formatValue(a.intervalMs / 1000, 'seconds')} · last seen ${formatAgo(a.lastBatchMs)}`,
      );
    };

    /** Loads the chosen range into every chart (a new range, or the first load). */
    const load = async () => {
      const gen = ++generation;
      const r = resolveRange(choice, Date.now());
      range = r;
      group.setMode(
        r.live ? { kind: 'live', windowSec: liveWindowSec(choice) } : { kind: 'fixed', fromSec: r.startMs / 1000, toSec: r.endMs / 1000 },
      );
      grid.dataset.step = String(r.stepMs / 1000);
      const w = rateWindow(r.stepMs, intervalMs);
      const failures: string[] = [];
      await Promise.all(
        NODE_PANELS.map(async (p, i) => {
          try {
            const cols = await fetchPanel(ctx.api, p, selector, w, r.startMs, r.endMs, r.stepMs);
            if (!scope.disposed && gen === generation) charts[i].setColumns(cols, r.stepMs);
          } catch (e) {
            failures.push(`${p.title}: ${(e as Error).message}`);
          }
        }),
      );
      if (scope.disposed || gen !== generation) return;
      error.textContent = failures.join('\n');
      liveEnd = r.endMs;
    };

    // Live: each tick asks for the grid points after the last one fetched, up to the
    // newest sample the hub reported for this agent (or a second ago).
    let liveEnd = 0;
    let newestMs = 0;
    let busy = false;
    let again = false;
    const tick = async () => {
      if (scope.disposed || !range?.live || liveEnd === 0) return;
      if (busy) {
        again = true;
        return;
      }
      const r = range;
      const target = Math.max(newestMs, Date.now() - 1000);
      const end = Math.floor(Math.min(target, Date.now()) / r.stepMs) * r.stepMs;
      if (end <= liveEnd) return;
      const start = Math.max(liveEnd + r.stepMs, end - liveWindowSec(choice) * 1000);
      const gen = generation;
      busy = true;
      try {
        const w = rateWindow(r.stepMs, intervalMs);
        const all = await Promise.all(NODE_PANELS.map((p) => fetchPanel(ctx.api, p, selector, w, start, end, r.stepMs)));
        if (scope.disposed || gen !== generation) return;
        const windowSec = liveWindowSec(choice);
        all.forEach((cols, i) => charts[i].append(cols, windowSec));
        liveEnd = end;
        error.textContent = '';
      } catch (e) {
        if (!scope.disposed) error.textContent = `Live update failed: ${(e as Error).message}`;
      } finally {
        busy = false;
        if (again && !scope.disposed) {
          again = false;
          void tick();
        }
      }
    };
    ctx.onHubEvent((event, data) => {
      if (event === 'ingest') {
        const a = (data as { agents?: Record<string, { newestMs: number }> }).agents?.[agentId];
        if (a) {
          newestMs = Math.max(newestMs, a.newestMs);
          void tick();
        }
      } else if (event === 'fleet') {
        // Only news about this agent changes the header (a list without it means it is gone).
        const d = data as { agent?: FleetAgent; agents?: FleetAgent[] };
        if (d.agents || d.agent?.agentId === agentId) showAgent(applyFleetEvent([], data)?.find((x) => x.agentId === agentId));
      }
    });
    scope.interval(() => void tick(), 1000);

    void (async () => {
      try {
        const fleet = await ctx.api.fleet();
        if (!scope.disposed) showAgent(fleet.agents.find((a) => a.agentId === agentId));
      } catch {
        // The charts still work from the store; the header stays empty.
      }
      if (!scope.disposed) await load();
    })();
  },
};
