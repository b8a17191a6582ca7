// The Fleet and Host views in Chromium against the real hub, its real local agent
// (`ui-host`, reporting every second), and a second hub without agents.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, screenshot, startUiHub, uiPerFile } from '../testing/ui-harness.ts';

const rig = uiPerFile({ localAgent: true });
const available = rig.available;

/** How many pixels of a canvas are not fully transparent (a drawn line has some). */
function inkedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    }),
  );
}

/** uPlot's series canvases are the plot's only canvas; the data lines are drawn there. */

describe.runIf(available)('fleet and host views', () => {
  it('lists the local agent as up with drawn sparklines, filters by search, and opens the host', async () => {
    const { page, errors } = await newPage(rig.browser);
    // The agent needs a few reports before rates (CPU, network) have two samples.
    await page.goto(`${rig.ui.url}#/fleet`);
    const row = page.locator('tr[data-agent="ui-host"]');
    await row.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('tr[data-agent="ui-host"] .badge')?.textContent === 'up', undefined, {
      timeout: 30_000,
    });
    expect(await row.locator('td').nth(2).textContent()).not.toBe('–');
    // Sparklines refresh every 10 s; a new agent fills only the right edge of the 15 min
    // span (a dot, then a short line), so a few inked pixels each is what to expect.
    await page.waitForFunction(
      () => {
        const cs = [...document.querySelectorAll<HTMLCanvasElement>('tr[data-agent="ui-host"] canvas.sparkline')];
        const ink = (c: HTMLCanvasElement) =>
          c
            .getContext('2d')!
            .getImageData(0, 0, c.width, c.height)
            .data.filter((v, i) => i % 4 === 3 && v > 0).length;
        return cs.length === 4 && cs.every((c) => ink(c) >= 8);
      },
      undefined,
      { timeout: 30_000, polling: 500 },
    );
    const ink = await inkedPixels(page, 'tr[data-agent="ui-host"] canvas.sparkline');
    expect(
      ink.every((n) => n >= 8),
      `sparkline ink ${ink}`,
    ).toBe(true);
    await screenshot(page, 'fleet');

    const search = page.getByRole('searchbox', { name: 'Search agents' });
    await search.fill('no-such-host');
    await expect.poll(() => page.locator('tr[data-agent]').count()).toBe(0);
    expect(await page.locator('tbody').textContent()).toContain('No agent matches');
    await search.fill('instance=ui-host');
    await expect.poll(() => page.locator('tr[data-agent]').count()).toBe(1);
    await search.fill('');

    // Sorting by a column flips its direction on a second click.
    await page.click('th[data-sort="agent"]');
    expect(await page.getAttribute('th[data-sort="agent"]', 'aria-sort')).toBe('descending');

    await row.locator('td').nth(2).click();
    await page.waitForFunction(() => location.hash === '#/host/ui-host');
    await page.waitForSelector('main#view[data-view="host"] .chart');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 90_000);

  it('draws twelve charts of real data for the host, streams live points, and re-queries 1 h with a coarser step', async () => {
    const { page, errors } = await newPage(rig.browser);
    const steps: number[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/v1/query_range' && u.searchParams.get('query')?.includes('instance="ui-host"'))
        steps.push(Number(u.searchParams.get('step')));
    });
    await page.goto(`${rig.ui.url}#/host/ui-host`);
    await page.waitForFunction(() => document.querySelectorAll('.chart').length === 12);
    // Every chart has points and a drawn plot.
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLElement>('.chart')].every((c) => Number(c.dataset.points) > 0),
      undefined,
      { timeout: 30_000 },
    );
    const points = await page.$$eval('.chart', (cs) => cs.map((c) => Number((c as HTMLElement).dataset.points)));
    expect(points).toHaveLength(12);
    expect(points.every((n) => n > 0)).toBe(true);
    const ink = await inkedPixels(page, '.chart canvas');
    expect(ink).toHaveLength(12);
    expect(
      ink.every((n) => n > 500),
      `chart ink ${ink}`,
    ).toBe(true);
    // And every chart has at least one series with a value (not only gaps).
    const titles = await page.$$eval('.chart h2', (hs) => hs.map((x) => x.textContent));
    expect(titles).toContain('CPU busy');
    await screenshot(page, 'host-live');

    // Live: the newest x grows without recreating the uPlot instance (same canvas element).
    const before = await page.$eval('.chart[data-chart="CPU busy"]', (c) => {
      (c.querySelector('canvas') as HTMLCanvasElement & { __marker?: boolean }).__marker = true;
      return Number((c as HTMLElement).dataset.lastX);
    });
    await page.waitForTimeout(3500);
    const after = await page.$eval('.chart[data-chart="CPU busy"]', (c) => ({
      lastX: Number((c as HTMLElement).dataset.lastX),
      same: (c.querySelector('canvas') as HTMLCanvasElement & { __marker?: boolean }).__marker === true,
    }));
    expect(after.lastX - before).toBeGreaterThanOrEqual(2);
    expect(after.same).toBe(true);
    expect(steps.filter((s) => s === 1).length).toBeGreaterThan(12);

    // A filesystem mounted mid-stream: its series joins the live chart.
    const mounted = {
      __name__: 'node_filesystem_avail_bytes',
      job: 'node',
      instance: 'ui-host',
      mountpoint: '/mnt/hot-added',
      fstype: 'ext4',
      device: '/dev/test0',
    };
    rig.ui.hub.store.append([{ labels: mounted, timestamps: [Date.now()], values: [123e9] }]);
    await page.waitForFunction(
      () => /\/mnt\/hot-added/.test(document.querySelector('.chart[data-chart="Filesystem free"] .u-legend')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );

    // 1 h: every chart re-queried at a coarser step, and the URL remembers the range.
    steps.length = 0;
    await page.click('button[data-range="1h"]');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.chart')].every((c) => c.dataset.step === '15'));
    expect(steps.filter((s) => s === 15).length).toBeGreaterThanOrEqual(12);
    expect(await page.evaluate(() => location.hash)).toBe('#/host/ui-host/1h');
    await screenshot(page, 'host-1h');

    // Zoom by dragging on one chart: every chart's x range follows; a double-click resets.
    const xRanges = () =>
      page.$$eval('.chart', (cs) => cs.map((c) => `${(c as HTMLElement).dataset.xMin}..${(c as HTMLElement).dataset.xMax}`));
    const full = await xRanges();
    expect(new Set(full).size).toBe(1);
    const box = (await page.locator('.chart[data-chart="Memory"] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + 40, { steps: 5 });
    await page.mouse.up();
    const zoomed = await xRanges();
    expect(new Set(zoomed).size).toBe(1);
    const span = (r: string) => Number(r.split('..')[1]) - Number(r.split('..')[0]);
    expect(span(zoomed[0])).toBeLessThan(span(full[0]) * 0.5);
    expect(span(zoomed[0])).toBeGreaterThan(span(full[0]) * 0.3);
    await screenshot(page, 'host-zoomed');
    await page.mouse.dblclick(box.x + box.width * 0.7, box.y + 40);
    await expect.poll(xRanges).toEqual(full);
    // The header follows the hub's fleet events (one agent per change) and still shows it up.
    await page.waitForTimeout(1500);
    expect(await page.textContent('.host-info')).toMatch(/^up vm|^up /);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows how to add the first agent when the hub has none', async () => {
    const bare = await startUiHub();
    try {
      const { page, errors } = await newPage(rig.browser);
      await page.goto(`${bare.url}#/fleet`);
      const empty = page.locator('.empty-state');
      await empty.waitFor({ state: 'visible', timeout: 15_000 });
      await page.waitForSelector('.empty-state pre.install-command');
      const cmd = await page.textContent('.empty-state pre.install-command');
      const port = (await (await fetch(`${bare.url}api/hub/v1/status`)).json()).broker.mqtt.port as number;
      expect(cmd).toBe(`sudo scripts/install-agent.sh install --hub mqtt://127.0.0.1:${port} --token TOKEN`);
      expect(await page.locator('.empty-state a[href="#/settings"]').count()).toBe(1);
      expect(await page.locator('table.fleet').isVisible()).toBe(false);
      await screenshot(page, 'fleet-empty');
      expect(errors, errors.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await bare.stop();
    }
  }, 60_000);
});
