// One dashboard panel: its title, a uPlot chart of its query over a window, the query's
// warnings and infos under it, and its error if the query fails (one broken panel must
// not blank the others). Where the data comes from is the caller's: the live store or an
// opened incident (panel-sources.ts).

import type { Dashboard } from './dashboard.ts';
import { h } from '../shell/view.ts';
import { createLineChart } from '../explore/line-chart.ts';
import { createQueryNotes, showQueryNotes } from '../explore/query-notes.ts';
import type { PanelSource, PanelWindow } from './panel-sources.ts';

export interface PanelChart {
  el: HTMLElement;
  refresh(w: PanelWindow): Promise<void>;
  destroy(): void;
}

export function createPanelChart(source: PanelSource, panel: Dashboard['panels'][number], extra?: Node): PanelChart {
  const chartBox = h('div', { class: 'dash-chart' });
  const note = h('div', { class: 'muted panel-note' });
  const notes = createQueryNotes();
  const el = h(
    'div',
    { class: 'panel dash-panel' },
    h('div', { class: 'row' }, h('h3', { text: panel.title }), h('span', { class: 'spacer' }), extra),
    h('code', { class: 'muted expr', text: panel.expr }),
    chartBox,
    note,
    notes,
  );
  const chart = createLineChart(chartBox, { height: 220, unit: panel.unit });
  let seq = 0;
  return {
    el,
    async refresh(w) {
      const id = ++seq;
      try {
        const res = await source(panel.expr, w);
        if (id !== seq) return;
        note.textContent = res.columns.ys.length ? '' : 'No data in this range.';
        note.classList.remove('error');
        showQueryNotes(notes, res);
        await new Promise<void>((resolve) => chart.setData(res.columns, resolve));
        el.dataset.series = String(res.columns.ys.length);
      } catch (e) {
        if (id !== seq) return;
        note.textContent = (e as Error).message;
        note.classList.add('error');
        showQueryNotes(notes, undefined);
        el.dataset.series = '0';
      }
    },
    destroy: () => chart.destroy(),
  };
}
