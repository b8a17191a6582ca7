// One dashboard panel: its title, a uPlot chart of its query over the dashboard's range,
// and its error if the query fails (one broken panel must not blank the others).

import type { HubApi } from '../api/hub-api.ts';
import type { Dashboard } from '../api/types.ts';
import { h } from '../shell/view.ts';
import { createLineChart } from '../explore/line-chart.ts';
import { gridToColumns } from '../explore/matrix-columns.ts';
import { stepFor, windowFor } from '../explore/time-range.ts';

export interface PanelChart {
  el: HTMLElement;
  refresh(rangeS: number): Promise<void>;
  destroy(): void;
}

export function createPanelChart(api: HubApi, panel: Dashboard['panels'][number], extra?: Node): PanelChart {
  const chartBox = h('div', { class: 'dash-chart' });
  const note = h('div', { class: 'muted panel-note' });
  const el = h('div', { class: 'panel dash-panel' }, h('div', { class: 'row' }, h('h3', { text: panel.title }), h('span', { class: 'spacer' }), extra), h('code', { class: 'muted expr', text: panel.expr }), chartBox, note);
  const chart = createLineChart(chartBox, { height: 220, unit: panel.unit });
  let seq = 0;
  return {
    el,
    async refresh(rangeS) {
      const id = ++seq;
      // Fewer points than Explore: a panel is a third of the window wide.
      const w = windowFor(rangeS, stepFor(rangeS) * 2);
      try {
        const res = await api.queryRangeColumns(panel.expr, w.startS * 1000, w.endS * 1000, w.stepS * 1000);
        if (id !== seq || res.data.resultType !== 'matrix') return;
        const columns = gridToColumns(res.data);
        note.textContent = columns.ys.length ? '' : 'No data in this range.';
        note.classList.remove('error');
        await new Promise<void>((resolve) => chart.setData(columns, resolve));
        el.dataset.series = String(columns.ys.length);
      } catch (e) {
        if (id !== seq) return;
        note.textContent = (e as Error).message;
        note.classList.add('error');
        el.dataset.series = '0';
      }
    },
    destroy: () => chart.destroy(),
  };
}
