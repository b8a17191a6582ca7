// The renderer shell in Chromium against the headless hub with a real agent.
import { describe, expect, it } from 'vitest';
import { newPage, screenshot, uiPerFile } from './testing/ui-harness.ts';

const rig = uiPerFile({ localAgent: true });
const available = rig.available;

describe.runIf(available)('renderer shell', () => {
  it('loads from the hub with its strict CSP, navigates every section, and shows the agents up', async () => {
    const { page, errors } = await newPage(rig.browser);
    const res = await page.goto(rig.ui.url);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    const nav = await page.locator('nav.nav a').allTextContents();
    expect(nav).toEqual(['Fleet', 'Explore', 'Alerts', 'Dashboards', 'Incidents', 'Settings']);
    for (const section of nav) {
      await page.click(`nav.nav a:text-is("${section}")`);
      await page.waitForSelector(`main#view[data-view="${section.toLowerCase()}"]`);
      expect(await page.title()).toBe(`${section} · Metrics Hub`);
    }
    await page.waitForFunction(() => /1 of 1 agents up/.test(document.querySelector('.hub-status')?.textContent ?? ''), undefined, {
      timeout: 30_000,
    });
    await screenshot(page, 'shell');
    expect(errors, errors.join('\n')).toEqual([]);
  }, 60_000);
});
