// Downloads and uploads with progress and cancel, and the query API's warnings and infos,
// in Chromium against a real hub holding a known hour of samples. The browser's network
// is slowed through the DevTools protocol so that a transfer is still running when the
// test looks at its progress or cancels it.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, screenshot, uiPerFile } from '../testing/ui-harness.ts';

const rig = uiPerFile();
const available = rig.available;
const SERIES = 40;
const STEP_S = 3;
const NOW_S = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  if (!available) return;
  // An hour of xfer_gauge, 40 series, a sample every 3 s: a CSV export of it is megabytes.
  const lines = ['# TYPE xfer_gauge gauge'];
  for (let k = 0; k < SERIES; k++)
    for (let t = NOW_S - 3600; t <= NOW_S; t += STEP_S) lines.push(`xfer_gauge{k="${k}"} ${(k + t / 1000) % 17} ${t}`);
  lines.push('# EOF', '');
  const res = await fetch(`${rig.ui.url}api/hub/v1/import?format=openmetrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/openmetrics-text; version=1.0.0' },
    body: lines.join('\n'),
  });
  expect(((await res.json()) as { committed: boolean }).committed).toBe(true);
}, 60_000);

/** Slows the page's network to `bytesPerSecond` each way. */
async function throttle(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  });
}

/** Records every data-bytes value and text the transfer bar under `selector` shows. */
async function recordProgress(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const bar = document.querySelector<HTMLElement>(sel)!;
    const seen: { bytes: number; text: string; state: string }[] = [];
    (window as unknown as { __progress: typeof seen }).__progress = seen;
    new MutationObserver(() =>
      seen.push({
        bytes: Number(bar.dataset.bytes ?? 0),
        text: bar.querySelector('.transfer-bytes')?.textContent ?? '',
        state: bar.dataset.state ?? '',
      }),
    ).observe(bar, { attributes: true, subtree: true, childList: true, characterData: true });
  }, selector);
}

function progressSeen(page: Page): Promise<{ bytes: number; text: string; state: string }[]> {
  return page.evaluate(() => (window as unknown as { __progress: { bytes: number; text: string; state: string }[] }).__progress);
}

async function openExplore(query: string, range = '1h'): Promise<{ page: Page; errors: string[] }> {
  const p = await newPage(rig.browser);
  await p.page.goto(`${rig.ui.url}#/explore/${encodeURIComponent(query)}/${range}`);
  await p.page.waitForSelector('main[data-ran]', { timeout: 30_000 });
  return p;
}

describe.runIf(available)('export downloads', () => {
  it('shows the bytes arriving and offers the whole file when done', async () => {
    const { page, errors } = await openExplore('xfer_gauge{k="1"}');
    await throttle(page, 40_000);
    await recordProgress(page, '.explore .transfer');
    await page.selectOption('select.export-format', 'csv-long');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click('button.export-data')]);
    const bytes = readFileSync((await download.path())!);
    const rows = bytes.toString('utf8').trim().split('\r\n');
    expect(rows[0]).toBe('timestamp,unix_ms,value,__name__,k');
    expect(rows.length).toBeGreaterThan(1000);
    const seen = await progressSeen(page);
    const during = seen.filter((s) => s.state === 'running');
    // Several steps on the way, growing, the last one the whole file.
    const steps = [...new Set(during.map((s) => s.bytes))];
    expect(steps.filter((b) => b > 0 && b < bytes.length).length).toBeGreaterThanOrEqual(2);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(Math.max(...steps)).toBe(bytes.length);
    // The hub sends exports without a Content-Length: bytes so far, no percentage.
    expect(during.some((s) => /^\d[\d.]* (B|KiB|MiB) so far$/.test(s.text))).toBe(true);
    await page.waitForFunction(() =>
      /^Export: metrics-.*\.csv \([\d.]+ KiB\) is in your browser's downloads\.$/.test(
        document.querySelector('.export-note')?.textContent ?? '',
      ),
    );
    expect(await page.isHidden('.explore .transfer')).toBe(true);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('Cancel stops the transfer: the request is aborted, the bytes stop, no file is offered', async () => {
    const { page, errors } = await openExplore('xfer_gauge');
    await throttle(page, 200_000);
    const aborted: string[] = [];
    page.on('requestfailed', (r) => {
      if (r.url().includes('/api/hub/v1/export')) aborted.push(r.failure()?.errorText ?? '');
    });
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.click('button.export-data');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.explore .transfer')?.dataset.bytes) > 0, undefined, {
      timeout: 30_000,
    });
    expect(await page.textContent('.explore .transfer .transfer-label')).toBe('Exporting csv-long');
    await screenshot(page, 'export-progress');
    await page.click('.explore .transfer button.transfer-cancel');
    await page.waitForSelector('.explore .transfer[data-state="cancelled"]', { state: 'attached' });
    expect(await page.textContent('.export-note')).toBe('Export: cancelled; nothing was saved or imported.');
    const atCancel = Number(await page.getAttribute('.explore .transfer', 'data-bytes'));
    await page.waitForTimeout(1500);
    expect(Number(await page.getAttribute('.explore .transfer', 'data-bytes'))).toBe(atCancel);
    expect(aborted).toEqual(['net::ERR_ABORTED']);
    expect(downloads).toBe(0);
    // Far from the whole export, which the hub still gives to anyone who waits for it.
    const whole = await (
      await fetch(`${rig.ui.url}api/hub/v1/export?format=csv-long&query=xfer_gauge&start=${NOW_S - 3600}&end=${NOW_S}&step=3s`)
    ).arrayBuffer();
    expect(atCancel).toBeLessThan(whole.byteLength / 2);
    expect(await page.isEnabled('button.export-data')).toBe(true);
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

describe.runIf(available)('uploads', () => {
  it('an import shows its progress, and Cancel stops it with nothing stored', async () => {
    const { page } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/settings`);
    await page.waitForSelector('button.import-choose');
    const lines = ['# TYPE xfer_cancelled gauge'];
    for (let i = 0; i < 40_000; i++) lines.push(`xfer_cancelled{i="${i}"} 1 ${NOW_S - 60}`);
    lines.push('# EOF', '');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button.import-choose')]);
    await chooser.setFiles({ name: 'big.om', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n')) });
    await page.waitForFunction(() => /^big\.om \(/.test(document.querySelector('.import-file-name')?.textContent ?? ''));
    await throttle(page, 100_000);
    await page.click('button.import-go');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.import .transfer')?.dataset.bytes) > 0, undefined, {
      timeout: 30_000,
    });
    // An upload's size is known: a percentage.
    expect(await page.textContent('.import .transfer-bytes')).toMatch(/^[\d.]+ (B|KiB|MiB) of [\d.]+ MiB \(\d+%\)$/);
    await page.click('.import .transfer-cancel');
    await page.waitForSelector('.import .transfer[data-state="cancelled"]', { state: 'attached' });
    expect(await page.textContent('.import-note')).toBe('Import: cancelled; nothing was saved or imported.');
    await page.waitForTimeout(1000);
    const q = (await (
      await fetch(`${rig.ui.url}api/v1/query?query=${encodeURIComponent('count(xfer_cancelled)')}&time=${NOW_S}`)
    ).json()) as { data: { result: unknown[] } };
    expect(q.data.result).toEqual([]);
  });
});

describe.runIf(available)('an import of samples older than the hub keeps', () => {
  it('is refused saying so, and with the box ticked stored saying where they went', async () => {
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/settings`);
    await page.waitForSelector('button.import-choose');
    const day = 86_400;
    const text = ['# TYPE xfer_old gauge', ...[40, 30, 0].map((d, i) => `xfer_old 1${i} ${NOW_S - d * day - 60}`), '# EOF', ''].join('\n');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button.import-choose')]);
    await chooser.setFiles({ name: 'old.om', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await page.waitForFunction(() => /^old\.om \(/.test(document.querySelector('.import-file-name')?.textContent ?? ''));
    await page.click('button.import-go');
    await page.waitForFunction(() => /^Not imported/.test(document.querySelector('.import-note')?.textContent ?? ''));
    expect(await page.textContent('.import-note')).toMatch(
      /^Not imported: nothing was stored\. 2 of the 3 samples are older than the hub keeps raw data \(at or before .*\): they would be (deleted|moved to cold storage)/,
    );
    await page.check('input.import-allow-old');
    await page.click('button.import-go');
    await page.waitForFunction(() => /^Imported/.test(document.querySelector('.import-note')?.textContent ?? ''));
    expect(await page.textContent('.import-note')).toMatch(
      /^Imported 3 samples in 1 series\. 2 of them are older than the hub keeps raw data: (deleted|moved to cold storage)/,
    );
    // The refusal's 400, and nothing else.
    expect(errors).toEqual([expect.stringMatching(/status of 400/)]);
  });
});

describe.runIf(available)("the query API's warnings and infos", () => {
  it('shows an info and a warning under the graph and the table, and nothing when there are none', async () => {
    const { page, errors } = await openExplore('rate(xfer_gauge{k="1"}[5m])');
    const notes = page.locator('.explore .query-notes');
    await notes.locator('.note-info').waitFor();
    expect(await notes.locator('li').allTextContents()).toEqual([
      'Info PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "xfer_gauge" (1:6)',
    ]);
    await screenshot(page, 'explore-notes');

    await page.click('.promql-editor .cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('quantile(2, xfer_gauge)');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    await notes.locator('.note-warning').waitFor();
    expect(await notes.locator('li').allTextContents()).toEqual([
      'Warning PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)',
    ]);
    // The table (an instant query) carries them too.
    await page.click('button[data-tab="table"]');
    await page.waitForSelector('.result-table');
    await notes.locator('.note-warning').waitFor();
    expect(await notes.locator('.note-warning').count()).toBe(1);

    await page.click('.promql-editor .cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('xfer_gauge{k="2"}');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.result-table');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.explore .query-notes')?.hidden === true);
    expect(await notes.locator('li').count()).toBe(0);
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
