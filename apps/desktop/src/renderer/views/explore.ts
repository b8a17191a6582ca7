// Explore: a PromQL editor, the result as a graph over a chosen range or as a table at
// this instant, errors pointed at in the editor, the API's warnings and infos under the
// result, and the data saved as a file (with progress and cancel). The query lives in the URL hash
// (#/explore/<query>[/<range>]) so a link or a reload shows the same thing.
//
// Timing: each graph run leaves performance measures `explore:parse` (response end to
// parsed JSON), `explore:transform` (matrix to columns) and `explore:draw` (to uPlot's
// draw hook), read by the benchmark (bench/explore-draw.bench.ts).

import { h, type View } from '../shell/view.ts';
import { createPromqlEditor, type PromqlEditor } from '../explore/promql-editor.ts';
import { createLineChart, type LineChart } from '../explore/line-chart.ts';
import { gridToColumns } from '../explore/matrix-columns.ts';
import { chartImageName, exportDownload, EXPORT_CHOICES } from '../export/download.ts';
import { createQueryNotes, showQueryNotes } from '../explore/query-notes.ts';
import { createTransferBar, failedText, savedText } from '../transfers/transfer-bar.ts';
import { queryErrorPosition } from '../explore/query-error.ts';
import { renderResultTable } from '../explore/result-table.ts';
import { DEFAULT_RANGE, RANGES, rangeSeconds, stepFor, windowFor } from '../explore/time-range.ts';

type Tab = 'graph' | 'table';

export const exploreView: View = {
  id: 'explore',
  title: 'Explore',
  inNav: true,
  mount(root, ctx) {
    const [initialQuery = '', initialRange = DEFAULT_RANGE] = ctx.params;
    const { scope } = ctx;
    let tab: Tab = 'graph';
    let runId = 0;
    // A run's answer is shown only if no newer run started and the view is still there.
    const stale = (id: number) => id !== runId || scope.disposed;
    let chart: LineChart | undefined;

    const rangeSelect = h(
      'select',
      { 'aria-label': 'Range', class: 'range' },
      ...RANGES.map((r) => h('option', { value: r.label, text: `Last ${r.label}`, selected: r.label === initialRange })),
    );
    const runButton = h('button', { class: 'primary run', text: 'Run', title: 'Ctrl+Enter' });
    const exportFormat = h(
      'select',
      { 'aria-label': 'Export format', class: 'export-format' },
      ...EXPORT_CHOICES.map((c) => h('option', { value: c.format, text: c.label })),
    );
    const exportButton = h('button', { class: 'export-data', text: 'Export data' });
    const pngButton = h('button', { class: 'export-png', text: 'Save chart as PNG' });
    const tabs = {
      graph: h('button', { class: 'tab active', 'data-tab': 'graph', text: 'Graph' }),
      table: h('button', { class: 'tab', 'data-tab': 'table', text: 'Table' }),
    };
    const editorBox = h('div', { class: 'promql-editor' });
    const errorBox = h('div', { class: 'error query-error', role: 'alert' });
    const info = h('div', { class: 'muted query-info' });
    // The API's warnings and infos, under the result they are about.
    const notes = createQueryNotes();
    const exportBar = createTransferBar();
    // What the user can no longer see or cancel does not keep running.
    scope.defer(() => exportBar.cancel());
    const exportNote = h('div', { class: 'muted export-note', role: 'status' });
    const chartBox = h('div', { class: 'explore-chart' });
    const tableBox = h('div', { class: 'explore-table', hidden: true });
    root.append(
      h('h1', { text: 'Explore' }),
      h(
        'div',
        { class: 'panel explore' },
        editorBox,
        errorBox,
        h(
          'div',
          { class: 'toolbar' },
          runButton,
          h('span', { class: 'muted', text: 'Ctrl/Cmd+Enter runs' }),
          h('span', { class: 'spacer' }),
          tabs.graph,
          tabs.table,
          rangeSelect,
        ),
        info,
        chartBox,
        tableBox,
        notes,
        h('div', { class: 'toolbar export' }, exportFormat, exportButton, pngButton),
        exportBar.el,
        exportNote,
      ),
    );

    const saveToHash = (q: string) => {
      // replaceState: a hashchange would remount the view and lose the editor's state.
      history.replaceState(null, '', `#/explore/${encodeURIComponent(q)}/${encodeURIComponent(rangeSelect.value)}`);
    };

    const showError = (editor: PromqlEditor, q: string, message: string) => {
      const pos = queryErrorPosition(message, q);
      errorBox.replaceChildren(
        pos ? h('span', {}, h('strong', { text: `line ${pos.line}, column ${pos.column}: ` }), pos.detail) : message,
      );
      if (pos) editor.markError(pos.offset, message);
    };

    const run = async () => {
      const q = editor.value().trim();
      const id = ++runId;
      saveToHash(editor.value());
      errorBox.replaceChildren();
      showQueryNotes(notes, undefined);
      editor.clearError();
      if (!q) {
        info.textContent = 'Type a query and press Ctrl+Enter.';
        return;
      }
      info.textContent = 'Running…';
      try {
        if (tab === 'table') {
          const t0 = performance.now();
          const res = await ctx.api.query(q);
          if (stale(id)) return;
          tableBox.replaceChildren(renderResultTable(res.data));
          showQueryNotes(notes, res);
          const n = res.data.resultType === 'vector' || res.data.resultType === 'matrix' ? res.data.result.length : 1;
          info.textContent = `${n} result${n === 1 ? '' : 's'} · ${Math.round(performance.now() - t0)} ms`;
        } else {
          await runGraph(q, id);
        }
        if (!stale(id)) root.dataset.ran = String(id);
      } catch (e) {
        if (stale(id)) return;
        info.textContent = '';
        showError(editor, q, (e as Error).message);
        root.dataset.ran = String(id);
      }
    };

    const runGraph = async (q: string, id: number) => {
      const rangeS = rangeSeconds(rangeSelect.value);
      const w = windowFor(rangeS, stepFor(rangeS));
      const t0 = performance.now();
      performance.clearResourceTimings();
      const res = await ctx.api.queryRangeColumns(q, w.startS * 1000, w.endS * 1000, w.stepS * 1000);
      const parsed = performance.now();
      if (stale(id)) return;
      if (res.data.resultType !== 'matrix') throw new Error(`a range query gave a ${res.data.resultType}`);
      showQueryNotes(notes, res);
      // Over HTTP the browser's resource timing says when the last byte arrived (JSON
      // parsing follows it); over IPC there is no such entry and parse counts as 0.
      const entry = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/v1/query_range'))
        .pop() as PerformanceResourceTiming | undefined;
      const arrived = entry && entry.responseEnd > t0 ? entry.responseEnd : parsed;
      performance.measure('explore:parse', { start: arrived, end: parsed });
      const columns = gridToColumns(res.data);
      const transformed = performance.now();
      performance.measure('explore:transform', { start: parsed, end: transformed });
      chart ??= scope.own(createLineChart(chartBox, { height: 360 }));
      const points = columns.ys.length * columns.xs.length;
      await new Promise<void>((resolve) =>
        chart!.setData(columns, () => {
          const drawn = performance.now();
          performance.measure('explore:draw', { start: transformed, end: drawn });
          performance.measure('explore:total', { start: arrived, end: drawn });
          info.textContent = `${columns.ys.length} series · ${columns.xs.length} steps of ${w.stepS}s · ${points.toLocaleString('en-US')} points · query ${Math.round(arrived - t0)} ms, drawn in ${Math.round(drawn - arrived)} ms`;
          resolve();
        }),
      );
      chartBox.dataset.series = String(columns.ys.length);
      if (columns.ys.length === 0) info.textContent = 'No data: the query matched no series in this range.';
    };

    const setTab = (t: Tab) => {
      tab = t;
      for (const [k, b] of Object.entries(tabs)) b.classList.toggle('active', k === t);
      chartBox.hidden = t !== 'graph';
      tableBox.hidden = t !== 'table';
      rangeSelect.disabled = t !== 'graph';
      void run();
    };

    const editor = scope.own(
      createPromqlEditor(editorBox, { transport: ctx.api.transport, initial: initialQuery, onRun: () => void run() }),
    );
    runButton.addEventListener('click', () => void run());
    exportButton.addEventListener('click', () => {
      const q = editor.value().trim();
      if (!q) return void (exportNote.textContent = 'Type a query to export its data.');
      const rangeS = rangeSeconds(rangeSelect.value);
      const w = windowFor(rangeS, stepFor(rangeS));
      const { request, suggestedName } = exportDownload({
        format: exportFormat.value,
        query: q,
        startMs: w.startS * 1000,
        endMs: w.endS * 1000,
        stepMs: w.stepS * 1000,
      });
      exportButton.disabled = true;
      exportNote.textContent = '';
      exportBar
        .run(`Exporting ${exportFormat.value}`, (onProgress, signal) =>
          ctx.transfers.saveFromHub(request, suggestedName, onProgress, signal),
        )
        .then((saved) => (exportNote.textContent = savedText('Export', saved, ctx.transfers.savesTo)))
        .catch((e: unknown) => (exportNote.textContent = failedText('Export', e)))
        .finally(() => (exportButton.disabled = false));
    });
    pngButton.addEventListener('click', () => {
      const canvas = chartBox.querySelector('canvas');
      if (!canvas) return void (exportNote.textContent = 'Run the query as a graph first.');
      ctx.transfers.saveChartImage(canvas, chartImageName('explore')).then(
        (saved) => (exportNote.textContent = savedText('Chart', saved, ctx.transfers.savesTo)),
        (e: unknown) => (exportNote.textContent = failedText('Saving the chart', e)),
      );
    });
    tabs.graph.addEventListener('click', () => setTab('graph'));
    tabs.table.addEventListener('click', () => setTab('table'));
    rangeSelect.addEventListener('change', () => void run());
    if (initialQuery.trim()) void run();
    editor.view.focus();
  },
};
