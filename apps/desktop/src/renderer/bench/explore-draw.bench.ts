// How long Explore takes from a range query's response arriving to the chart drawn, for
// 200 series x 24 h at a 60 s step (288,200 points). Target: <= 100 ms.
//
//   npx tsx apps/desktop/src/renderer/bench/explore-draw.bench.ts [--series 200] [--hours 24] [--runs 7]
//
// The hub runs in this process with the data appended straight to its store; Chromium
// opens #/explore/<query>/24h, and the view's own performance measures (explore:parse,
// explore:transform, explore:draw, explore:total) are read back from the page. Every run
// is a fresh page load, so the chart is built each time (the slower path; a re-run of the
// same query only calls setData).

import { parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { launchChromium, newPage, startUiHub } from '../testing/ui-harness.ts';

const args = parseBenchArgs(process.argv.slice(2), { series: 200, hours: 24, runs: 7 });
const STEP_MS = 60_000;
const TARGET_MS = 100;

const ui = await startUiHub({ localAgent: false });
try {
  // The view aligns its window to the step; the data ends on the same grid.
  const endMs = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const points = (args.hours * 3_600_000) / STEP_MS + 1;
  progress(`appending ${args.series} series x ${points} points`);
  const batch = [];
  for (let s = 0; s < args.series; s++) {
    const timestamps = new Float64Array(points);
    const values = new Float64Array(points);
    for (let i = 0; i < points; i++) {
      timestamps[i] = endMs - (points - 1 - i) * STEP_MS;
      values[i] = 50 + 40 * Math.sin(i / 60 + s) + (s % 7);
    }
    batch.push({ labels: { __name__: 'bench_explore', instance: `host-${String(s).padStart(3, '0')}`, job: 'bench' }, timestamps, values });
  }
  const appended = ui.hub.store.append(batch).appended;
  if (appended !== args.series * points) throw new Error(`the store took ${appended} of ${args.series * points} samples`);

  const browser = await launchChromium();
  const runs: Record<'parse' | 'transform' | 'draw' | 'total' | 'query', number>[] = [];
  try {
    for (let r = 0; r < args.runs; r++) {
      progress(`run ${r + 1}/${args.runs}`);
      const { page, errors } = await newPage(browser);
      await page.goto(`${ui.url}#/explore/${encodeURIComponent('bench_explore')}/${args.hours}h`);
      await page.waitForFunction(() => performance.getEntriesByName('explore:total').length > 0, undefined, { timeout: 60_000 });
      // No named inner functions here: tsx's keepNames would wrap them in a helper the page lacks.
      const m = await page.evaluate(
        () =>
          ({
            ...Object.fromEntries(
              ['parse', 'transform', 'draw', 'total'].map((n) => [n, performance.getEntriesByName(`explore:${n}`).at(-1)?.duration ?? NaN]),
            ),
            series: Number(document.querySelector<HTMLElement>('.explore-chart')?.dataset.series),
            info: document.querySelector('.query-info')?.textContent ?? '',
          }) as { parse: number; transform: number; draw: number; total: number; series: number; info: string },
      );
      if (m.series !== args.series) throw new Error(`the chart shows ${m.series} series, not ${args.series}: ${m.info}`);
      if (errors.length) throw new Error(errors.join('\n'));
      const query = Number(/query (\d+) ms/.exec(m.info)?.[1] ?? NaN);
      runs.push({ parse: m.parse, transform: m.transform, draw: m.draw, total: m.total, query });
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
  progress('');
  const median = (k: keyof (typeof runs)[number]) => {
    const xs = runs.map((r) => r[k]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const total = median('total');
  printTable(
    `Explore draw: ${args.series} series x ${args.hours} h at 60 s (${(args.series * points).toLocaleString('en-US')} points), median of ${args.runs} fresh loads`,
    [
      ['response -> drawn', `${ms(total)} (target <= ${TARGET_MS} ms: ${total <= TARGET_MS ? 'met' : 'NOT met'})`],
      ['  JSON parse', ms(median('parse'))],
      ['  transform to columns', ms(median('transform'))],
      ['  uPlot build + draw', ms(median('draw'))],
      ['query (request to response end)', ms(median('query'))],
      ['every run, response -> drawn', `${runs.map((r) => r.total.toFixed(0)).join(', ')} ms`],
    ],
  );
  // Figures only: a missed target is reported in the table, not as a failure of `npm run bench`.
} finally {
  await ui.stop();
}
