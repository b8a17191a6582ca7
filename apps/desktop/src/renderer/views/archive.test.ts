// Cold storage in the window, in Chromium against a real hub whose raw retention is two
// days: a week of imported history moves to archive files; Explore says when a chart's
// samples came from there, and Settings shows the archive and the file a check finds damaged.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, screenshot, uiPerFile } from '../testing/ui-harness.ts';

const rig = uiPerFile({ yaml: (dir) => ['store:', '  retention: 2d', `  archive_dir: ${join(dir, 'archive')}`] });
const available = rig.available;
const NOW_S = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  if (!available) return;
  // Six days of a gauge every 10 minutes, up to now: the import settles retention, so the
  // days older than two move to the archive folder.
  const lines = ['# TYPE archived_temp_celsius gauge'];
  for (let t = NOW_S - 6 * 86_400; t <= NOW_S; t += 600) lines.push(`archived_temp_celsius{room="a"} ${20 + (t % 5)} ${t}`);
  lines.push('# EOF', '');
  // Older than store.retention: said, and allowed (allow_old) to go to the archive.
  const res = await fetch(`${rig.ui.url}api/hub/v1/import?format=openmetrics&allow_old=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/openmetrics-text; version=1.0.0' },
    body: lines.join('\n'),
  });
  const summary = (await res.json()) as { committed: boolean; pastRetention: { fate: string } };
  expect(summary.committed).toBe(true);
  expect(summary.pastRetention.fate).toMatch(/^moved to cold storage in /);
}, 60_000);

describe.runIf(available)('cold storage', () => {
  it('Explore says that a chart over archived days read the archive', async () => {
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/explore/${encodeURIComponent('archived_temp_celsius')}/7d`);
    await page.waitForSelector('main[data-ran]', { timeout: 30_000 });
    const notes = page.locator('.explore .query-notes');
    await notes.locator('.note-info').first().waitFor();
    expect((await notes.locator('li').allTextContents()).join('\n')).toMatch(
      /samples for \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d were read from the cold archive \(.*archive\)/,
    );
    await screenshot(page, 'explore-archive');
    // The last hour is hot data only: nothing to say.
    await page.goto(`${rig.ui.url}#/explore/${encodeURIComponent('archived_temp_celsius')}/1h`);
    await page.waitForSelector('main[data-ran]', { timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(await notes.locator('li').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('Settings shows the archive, and a check names the damaged file', async () => {
    const folder = join(rig.ui.dir, 'archive');
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.mharc'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const victim = join(folder, files[1]);
    const bytes = readFileSync(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(victim, bytes);
    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/settings`);
    await page.waitForSelector('.archive button.archive-verify');
    expect(await page.textContent('.archive')).toContain(folder);
    expect(await page.textContent('.archive')).toMatch(new RegExp(`${files.length} \\(`));
    await page.click('.archive button.archive-verify');
    await page.waitForSelector('.archive ul.archive-damaged li');
    expect(await page.locator('.archive ul.archive-damaged li').allTextContents()).toEqual([
      `${victim}: sha-256 mismatch: its bytes changed after it was written`,
    ]);
    expect(await page.textContent('.archive')).toMatch(/1 damaged file, left out of every answer/);
    await screenshot(page, 'settings-archive');
    expect(errors).toEqual([]);
  });
});
