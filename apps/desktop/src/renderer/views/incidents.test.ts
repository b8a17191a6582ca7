// Incident files in Chromium between two real hubs: made from a dashboard on a hub with a
// real agent, then opened read-only and imported on a second hub that has no data of its own.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, screenshot, startUiHub, uiPerFile, type UiHub } from '../testing/ui-harness.ts';

const rig = uiPerFile({ localAgent: true });
const available = rig.available;
let other: UiHub | undefined;

const DASHBOARD = {
  title: 'Incident load',
  panels: [
    { title: 'Load', expr: 'node_load1' },
    // rate() over a name without a counter suffix: PromQL answers with an info.
    { title: 'Load rate', expr: 'rate(node_load1[1m])' },
  ],
};

beforeAll(async () => {
  if (!available) return;
  other = await startUiHub();
  const put = await fetch(`${rig.ui.url}api/hub/v1/dashboards/inc-db`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DASHBOARD),
  });
  expect(put.status).toBe(200);
  // Enough reports for rate() to have samples in its minute and for lines, not dots.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    const r = (await (await fetch(`${rig.ui.url}api/v1/query?query=${encodeURIComponent('count_over_time(node_load1[1m])')}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    if (Number(r.data.result[0]?.value[1] ?? 0) >= 15) break;
    await new Promise((res) => setTimeout(res, 500));
  }
}, 60_000);

afterAll(async () => {
  await other?.stop();
});

/** Pixels in the first series' colour (line-chart.ts's palette starts with #2f6fed): a drawn line has dozens. */
async function seriesInk(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4)
      if (px[i + 3] > 0 && Math.abs(px[i] - 0x2f) < 40 && Math.abs(px[i + 1] - 0x6f) < 40 && Math.abs(px[i + 2] - 0xed) < 40) n++;
    return n;
  });
}

describe.runIf(available)('incident files', () => {
  let fileName = '';
  let fileBytes = Buffer.alloc(0);

  it('makes an incident file of the dashboard shown, over its range, as a download', async () => {
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/dashboards/inc-db/5m`);
    await page.waitForSelector('main[data-drawn]', { timeout: 30_000 });
    // The info PromQL attaches to rate(node_load1[...]) shows under that panel, and only there.
    const rateNotes = page.locator('.dash-panel:has(h3:text-is("Load rate")) .query-notes');
    await rateNotes.locator('.note-info').waitFor();
    expect(await rateNotes.textContent()).toMatch(
      /Info PromQL info: metric might not be a counter, name does not end in _total\/_sum\/_count\/_bucket: "node_load1"/,
    );
    expect(await page.locator('.dash-panel:has(h3:text-is("Load")) .query-notes').isHidden()).toBe(true);

    await page.click('button[data-action="make-incident"]');
    expect(await page.textContent('.incident-window')).toMatch(/last 5 m/);
    await page.fill('input[name="incident-title"]', 'Load spike');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('form.incident-form button[type="submit"]')]);
    fileName = download.suggestedFilename();
    expect(fileName).toMatch(/^incident-load-spike-\d{4}-\d\d-\d\dT[\d-]+Z\.ndjson$/);
    fileBytes = readFileSync((await download.path())!);
    const lines = fileBytes.toString('utf8').trim().split('\n');
    const header = JSON.parse(lines[0]) as {
      format: string;
      title: string;
      startMs: number;
      endMs: number;
      dashboard: { id: string; panels: unknown[] };
    };
    expect(header).toMatchObject({
      format: 'metrics-hub-incident',
      title: 'Load spike',
      dashboard: { id: 'inc-db', panels: DASHBOARD.panels },
    });
    expect(header.endMs - header.startMs).toBe(5 * 60_000);
    expect(Math.abs(header.endMs - Date.now())).toBeLessThan(60_000);
    // The header, the mhb-json marker, then node_load1's series with its samples.
    expect(lines.some((l) => l.includes('"node_load1"') && l.includes('"timestamps"'))).toBe(true);
    await page.waitForFunction(() => (document.querySelector('.incident-note')?.textContent ?? '') !== '');
    expect(await page.textContent('.incident-note')).toMatch(
      /^Incident file: incident-load-spike-.*\.ndjson \([\d.]+ (B|KiB|MiB)\) is in your browser's downloads\.$/,
    );
    expect(await page.getAttribute('.incident-form .transfer', 'data-state')).toBe('done');
    await screenshot(page, 'incident-make');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('opens the file read-only on another hub: its dashboard drawn from the file, nothing to edit', async () => {
    expect(fileBytes.length).toBeGreaterThan(200);
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${other!.url}#/incidents`);
    await page.waitForSelector('main[data-loaded="true"]');
    expect(await page.textContent('.incident-list')).toMatch(/^None\./);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button[data-action="open-incident"]')]);
    await chooser.setFiles({ name: fileName, mimeType: 'application/x-ndjson', buffer: fileBytes });
    await page.waitForURL(/#\/incidents\/[0-9a-f]{12}$/);
    await page.waitForSelector('main[data-drawn]', { timeout: 30_000 });

    expect(await page.textContent('.incident-title')).toBe('Load spike');
    expect(await page.textContent('.badge.read-only')).toBe('read-only');
    expect(await page.textContent('.incident-file')).toBe(`From file ${fileName}`);
    expect(await page.textContent('.incident-meta')).toMatch(/Window \d{4}-\d\d-\d\d [\d:]+ UTC – \d{4}-\d\d-\d\d [\d:]+ UTC \(5 m\)/);
    const counts = /^(\d+) series, ([\d,]+) samples$/.exec((await page.textContent('.incident-counts'))!);
    expect(Number(counts?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(counts?.[2].replace(/,/g, ''))).toBeGreaterThanOrEqual(15);
    expect(await page.textContent('.incident-dashboard')).toBe('Dashboard: Incident load');

    // The second hub has no node_load1 of its own: these lines come from the file alone.
    const own = (await (await fetch(`${other!.url}api/v1/query?query=node_load1`)).json()) as { data: { result: unknown[] } };
    expect(own.data.result).toEqual([]);
    const panels = page.locator('.incident-panels .dash-panel');
    expect(await panels.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect(Number(await panels.nth(i).getAttribute('data-series'))).toBeGreaterThanOrEqual(1);
      expect(await seriesInk(page, `.incident-panels .dash-panel:nth-child(${i + 1}) canvas`)).toBeGreaterThan(10);
    }
    // The query API's notes come through the incident's own query_range too.
    expect(await page.textContent('.incident-panels .dash-panel:nth-child(2) .query-notes')).toMatch(/might not be a counter/);
    // Read-only: no editing of any kind.
    for (const edit of [
      'button[data-action="remove-panel"]',
      'form.add-panel',
      'button[data-action="delete"]',
      'button[data-action="copy"]',
      'button[data-action="make-incident"]',
      'select.range',
      'main input',
      'main textarea',
    ]) {
      expect(await page.locator(edit).count(), edit).toBe(0);
    }
    await screenshot(page, 'incident-open');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('imports the opened incident into that hub and reports what was stored', async () => {
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${other!.url}#/incidents`);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button[data-action="open-incident"]')]);
    await chooser.setFiles({ name: fileName, mimeType: 'application/x-ndjson', buffer: fileBytes });
    await page.waitForSelector('main[data-drawn]', { timeout: 30_000 });
    const id = /#\/incidents\/([0-9a-f]{12})$/.exec(page.url())![1];
    const samples = Number((await page.textContent('.incident-counts'))!.match(/([\d,]+) samples/)![1].replace(/,/g, ''));

    await page.click('button[data-action="import-incident"]');
    await page.waitForSelector('.import-report a.imported-dashboard', { timeout: 30_000 });
    const report = (await page.textContent('.import-report'))!;
    expect(report).toMatch(
      new RegExp(
        `^Imported into this hub: ${samples.toLocaleString('en-US')} samples stored in \\d+ series \\(${samples.toLocaleString('en-US')} read\\)\\. Its dashboard is saved as Incident load\\.$`,
      ),
    );
    expect(await page.getAttribute('.import-report a.imported-dashboard', 'href')).toBe('#/dashboards/incident-inc-db');
    // Stored for real: the dashboard and the samples are in that hub now.
    const dashboards = (await (await fetch(`${other!.url}api/hub/v1/dashboards`)).json()) as {
      dashboards: { id: string; panels: unknown[] }[];
    };
    expect(dashboards.dashboards.find((d) => d.id === 'incident-inc-db')?.panels).toEqual(DASHBOARD.panels);
    const stored = (await (
      await fetch(`${other!.url}api/v1/query?query=${encodeURIComponent('count_over_time(node_load1[10m])')}`)
    ).json()) as { data: { result: { value: [number, string] }[] } };
    expect(Number(stored.data.result[0]?.value[1])).toBeGreaterThan(0);
    await screenshot(page, 'incident-imported');

    // The list of opened incidents leads back to it.
    await page.click('a:text-is("← Opened incidents")');
    await page.waitForSelector('main[data-loaded="true"] .incident-list li[data-id]');
    const items = await page.locator('.incident-list li[data-id]').allTextContents();
    expect(items.length).toBe(2);
    expect(items.every((t) => t.startsWith('Load spike'))).toBe(true);
    expect(await page.textContent(`.incident-list li[data-id="${id}"]`)).toMatch(
      new RegExp(`· from file ${fileName.replace(/\./g, '\\.')}$`),
    );
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
