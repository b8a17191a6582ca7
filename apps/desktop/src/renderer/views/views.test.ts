// The Explore, Alerts, Settings and Dashboards views in Chromium against a real hub
// with a real agent (and, for Alerts, a rule that fires at once and a webhook receiver).
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, newPage, screenshot, startUiHub, type UiHub } from '../testing/ui-harness.ts';

const available = chromiumAvailable();
let ui: UiHub;
let browser: Browser;
let webhook: Server;
const delivered: unknown[] = [];

const RULES = `groups:
  - name: ui-test
    interval: 1s
    rules:
      - alert: Always
        expr: vector(1)
        for: 0s
        labels: { severity: warning, team: ui }
        annotations: { summary: "It always fires" }
`;

beforeAll(async () => {
  if (!available) return;
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      delivered.push(JSON.parse(body || 'null'));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const port = (webhook.address() as { port: number }).port;
  const notifierConfig = `route:
  receiver: hook
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:${port}/hook
`;
  ui = await startUiHub({ localAgent: true, rules: RULES, notifierConfig });
  browser = await launchChromium();
  // The local agent's first samples and the hub's first `up` heartbeat: the views read them.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    const r = (await (await fetch(`${ui.url}api/v1/query?query=${encodeURIComponent('up or node_load1')}`)).json()) as {
      data: { result: { metric: Record<string, string> }[] };
    };
    if (new Set(r.data.result.map((s) => s.metric.__name__)).size === 2) break;
    await new Promise((res) => setTimeout(res, 300));
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await new Promise((r) => (webhook ? webhook.close(r) : r(undefined)));
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const p = await newPage(browser);
  await p.page.goto(`${ui.url}#/${path}`);
  return p;
}

/** True when the canvas has pixels that are not all one colour (a drawn line). */
async function canvasDrawn(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 7) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2] | (px[i + 3] << 24));
    return colours.size > 2;
  });
}

describe.runIf(available)('Explore', () => {
  it('runs `up` as a graph (from the hash) and as a table with the local agent', async () => {
    const { page, errors } = await open(`explore/${encodeURIComponent('up')}`);
    await page.waitForSelector('.explore-chart canvas');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.explore-chart')?.dataset.series) > 0);
    expect(await canvasDrawn(page, '.explore-chart canvas')).toBe(true);
    expect(await page.textContent('.query-info')).toMatch(/series/);
    await screenshot(page, 'explore-graph');
    await page.click('button[data-tab="table"]');
    await page.waitForSelector('.result-table td code');
    const rows = await page.locator('.result-table tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('instance="ui-host"') && /1$/.test(r.trim()))).toBe(true);
    await screenshot(page, 'explore-table');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it("exports the query's data as CSV and the chart as a PNG file", async () => {
    const { page, errors } = await open(`explore/${encodeURIComponent('up{instance="ui-host"}')}/15m`);
    await page.waitForSelector('.chart-box canvas, canvas');
    await page.selectOption('select.export-format', 'csv-long');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button.export-data')]);
    expect(csv.suggestedFilename()).toMatch(/^metrics-.*\.csv$/);
    const text = readFileSync((await csv.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('timestamp,unix_ms,value,__name__,instance,job');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,\d+,1,up,ui-host,node$/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('button.export-png')]);
    const bytes = readFileSync((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it("shows a bad query's error with its position, marked in the editor", async () => {
    const { page } = await open('explore');
    await page.click('.promql-editor .cm-content');
    await page.keyboard.type('up == == 1');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.query-error strong');
    expect(await page.textContent('.query-error')).toMatch(/^line 1, column 7: parse error: unexpected "=="/);
    expect(location_hash(page.url())).toBe('up == == 1');
    // The hub's diagnostic is drawn in the editor (lint marks), beside the offline linter's.
    await page.waitForSelector('.promql-editor .cm-lintRange-error');
    await screenshot(page, 'explore-error');
  });

  it('completes metric names from the hub: node_lo offers node_load1', async () => {
    const { page } = await open('explore');
    await page.click('.promql-editor .cm-content');
    await page.keyboard.type('node_lo');
    await page.waitForSelector('.cm-tooltip-autocomplete li', { timeout: 10_000 });
    const options = await page.locator('.cm-tooltip-autocomplete li').allTextContents();
    expect(options.some((o) => o.startsWith('node_load1'))).toBe(true);
    await screenshot(page, 'explore-complete');
  });
});

function location_hash(url: string): string {
  return decodeURIComponent(new URL(url).hash.split('/')[2] ?? '');
}

describe.runIf(available)('Alerts', () => {
  it('shows the firing alert, silences it from the UI, lists and expires the silence, and shows history and rule health', async () => {
    const { page, errors } = await open('alerts');
    const row = page.locator('tr.alert[data-alertname="Always"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.badge.firing').count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('active');
    await screenshot(page, 'alerts-firing');

    await row.locator('button[data-action="silence"]').click();
    const form = page.locator('form.silence-form');
    expect(await form.locator('textarea[name="matchers"]').inputValue()).toContain('alertname="Always"');
    await form.locator('input[name="for"]').fill('30m');
    await form.locator('input[name="comment"]').fill('ui test');
    await form.locator('input[name="createdBy"]').fill('vitest');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('tr.alert.suppressed[data-alertname="Always"] .mute-reasons');
    expect(await page.textContent('tr.alert[data-alertname="Always"] .mute-reasons')).toMatch(/silenced by/);
    const silence = page.locator('tr.silence.active');
    await silence.waitFor();
    expect(await silence.textContent()).toContain('alertname="Always"');
    await screenshot(page, 'alerts-silenced');
    await silence.locator('button[data-action="expire"]').click();
    await page.waitForSelector('tr.silence.expired');
    await page.waitForSelector('tr.alert.active[data-alertname="Always"]');

    await page.fill('input.history-filter', 'Always');
    await page.waitForSelector('.history-list tr[data-kind="firing"]');
    expect(await page.locator('.history-list tr[data-kind="silenced"]').count()).toBeGreaterThan(0);
    const rule = page.locator('tr.rule[data-rule="Always"]');
    expect(await rule.locator('.badge.health').textContent()).toBe('ok');
    expect(await rule.locator('.badge.firing').count()).toBe(1);
    await screenshot(page, 'alerts-history');
    expect(errors, errors.join('\n')).toEqual([]);
    // The webhook receiver was notified of it (the route works end to end).
    expect(JSON.stringify(delivered)).toContain('Always');
  });

  it('acknowledges and snoozes an alert', async () => {
    const { page } = await open('alerts');
    const row = page.locator('tr.alert[data-alertname="Always"]');
    await row.waitFor({ timeout: 30_000 });
    await row.locator('button[data-action="ack"]').click();
    await page.waitForFunction(() =>
      /acknowledged/.test(document.querySelector('tr.alert[data-alertname="Always"] .mute-reasons')?.textContent ?? ''),
    );
    await page.locator('tr.alert[data-alertname="Always"] button[data-action="snooze"]').click();
    await page.waitForFunction(() =>
      /snoozed/.test(document.querySelector('tr.alert[data-alertname="Always"] .mute-reasons')?.textContent ?? ''),
    );
  });
});

describe.runIf(available)('Settings', () => {
  it('shows the addresses and retention, creates a token (token, config and install command shown once) and revokes it', async () => {
    const { page, errors } = await open('settings');
    await page.waitForSelector('main[data-loaded="true"]');
    const addresses = await page.textContent('.addresses');
    expect(addresses).toMatch(/mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(addresses).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(await page.textContent('.files')).toMatch(/15d[\s\S]*alerting\.yml/);
    await page.fill('input[name="agentId"]', 'web-7');
    await page.click('form.token-form button[type="submit"]');
    await page.waitForSelector('.issued .install pre');
    const token = (await page.textContent('.issued .token pre'))!.trim();
    expect(token.length).toBeGreaterThan(10);
    expect(await page.textContent('.issued .install pre')).toContain(`--token ${token} --id web-7`);
    expect(await page.textContent('.issued .config pre')).toContain('id: web-7');
    await page.waitForSelector('tr.token.active[data-agent="web-7"]');
    await screenshot(page, 'settings-token');
    await page.click('tr.token[data-agent="web-7"] button[data-action="revoke"]');
    await page.click('tr.token[data-agent="web-7"] button[data-action="confirm-revoke"]');
    await page.waitForSelector('tr.token.revoked[data-agent="web-7"]');
    const fleet = (await (await fetch(`${ui.url}api/hub/v1/fleet`)).json()) as { tokens: { agentId: string; revokedMs?: number }[] };
    expect(fleet.tokens.find((t) => t.agentId === 'web-7')?.revokedMs).toBeGreaterThan(0);
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

describe.runIf(available)('Settings: notifications', () => {
  it('edits the notifier config: a broken one is refused with its line and nothing changes, a good one is saved', async () => {
    const { page, errors } = await open('settings');
    const editor = page.locator('textarea.config-editor');
    await page.waitForFunction(() =>
      ((document.querySelector('textarea.config-editor') as HTMLTextAreaElement | null)?.value ?? '').includes('receivers'),
    );
    const original = await editor.inputValue();
    await editor.fill(original.replace(/receiver: (\S+)/, 'receiver: nobody'));
    await page.click('.notifications button.primary');
    await page.waitForSelector('.config-problems li');
    expect(await page.textContent('.config-problems')).toMatch(/alerting\.yml:\d+: .*nobody/);
    expect(await page.textContent('.config-note')).toContain('Not saved');
    const onDisk = (await (await fetch(`${ui.url}api/hub/v1/alerting-config`)).json()) as { text: string };
    expect(onDisk.text).toBe(original);
    await editor.fill(`${original}\n# edited in the app\n`);
    await page.click('.notifications button.primary');
    await page.waitForFunction(() => /Saved and applied/.test(document.querySelector('.config-note')?.textContent ?? ''));
    const saved = (await (await fetch(`${ui.url}api/hub/v1/alerting-config`)).json()) as { text: string };
    expect(saved.text).toContain('# edited in the app');
    await screenshot(page, 'settings-notifications');
    expect(
      errors.filter((e) => !/status of 400/.test(e)),
      errors.join('\n'),
    ).toEqual([]);
  });
});

describe.runIf(available)('Settings: addresses and retention', () => {
  it('refuses an HTTP address beyond this machine without a token, and saves a retention for the next start', async () => {
    const { page } = await open('settings');
    await page.waitForSelector('form.hub-settings input[name="store.retention"]');
    await page.fill('form.hub-settings input[name="http.listen"]', '0.0.0.0:9464');
    await page.click('form.hub-settings button[type="submit"]');
    await page.waitForSelector('.settings-problems li');
    expect(await page.textContent('.settings-problems')).toMatch(/set http\.token/);
    const http = (await (await fetch(`${ui.url}api/hub/v1/settings`)).json()) as {
      current: Record<string, string>;
      saved: Record<string, string>;
    };
    await page.fill('form.hub-settings input[name="http.listen"]', http.current['http.listen']);
    await page.fill('form.hub-settings input[name="store.retention"]', '30d');
    await page.click('form.hub-settings button[type="submit"]');
    await page.waitForFunction(() => /restart the hub to apply/.test(document.querySelector('.settings-note')?.textContent ?? ''));
    const after = (await (await fetch(`${ui.url}api/hub/v1/settings`)).json()) as { saved: Record<string, string> };
    expect(after.saved['store.retention']).toBe('30d');
  });
});

describe.runIf(available)('Settings: snapshots', () => {
  it('takes a whole-hub snapshot from the app and lists it', async () => {
    const { page, errors } = await open('settings');
    await page.waitForSelector('button.take-snapshot');
    await page.click('button.take-snapshot');
    await page.waitForSelector('.snapshot-list li', { timeout: 30_000 });
    expect(await page.textContent('.snapshot-list')).toMatch(/hub-.*\.tar\.gz \d+\.\d MB, taken \d{4}-/);
    const listed = (await (await fetch(`${ui.url}api/hub/v1/snapshots`)).json()) as { snapshots: { name: string; bytes: number }[] };
    expect(listed.snapshots).toHaveLength(1);
    // A copy saved elsewhere: the hub sends its size, so the bar can say how far it is.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.snapshot-list button.snapshot-save')]);
    expect(download.suggestedFilename()).toBe(listed.snapshots[0].name);
    expect(readFileSync((await download.path())!).length).toBe(listed.snapshots[0].bytes);
    await page.waitForFunction(() =>
      /^Snapshot: hub-.*\.tar\.gz \([\d.]+ (KiB|MiB)\) is in your browser's downloads\.$/.test(
        document.querySelector('.snapshot-save-note')?.textContent ?? '',
      ),
    );
    expect(await page.getAttribute('.snapshots .transfer', 'data-total')).toBe(String(listed.snapshots[0].bytes));
    expect(errors, errors.join('\n')).toEqual([]);
  });
});

describe.runIf(available)('Settings: import', () => {
  it('imports an OpenMetrics file, and refuses a bad one whole naming its line', async () => {
    const { page } = await open('settings');
    await page.waitForSelector('button.import-choose');
    const t = Math.floor(Date.now() / 1000) - 300;
    const good = `# TYPE ui_import_gauge gauge\nui_import_gauge{k="a"} 1.5 ${t}\nui_import_gauge{k="b"} 2 ${t}\n# EOF\n`;
    const choose = async (name: string, text: string) => {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('button.import-choose')]);
      await chooser.setFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
      await page.waitForFunction((n) => (document.querySelector('.import-file-name')?.textContent ?? '').startsWith(`${n} (`), name);
    };
    await choose('bad.om', good.replace('2 ', 'two '));
    await page.click('button.import-go');
    await page.waitForSelector('.import-problems li');
    expect(await page.textContent('.import-problems')).toMatch(/^line 3: /);
    expect(await page.textContent('.import-note')).toMatch(/nothing was stored/);
    await choose('good.om', good);
    expect(await page.inputValue('select.import-format')).toBe('openmetrics');
    await page.click('button.import-go');
    await page.waitForFunction(() => /Imported 2 samples in 2 series/.test(document.querySelector('.import-note')?.textContent ?? ''));
    const q = (await (await fetch(`${ui.url}api/v1/query?query=${encodeURIComponent('count(ui_import_gauge)')}&time=${t}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    expect(q.data.result[0].value[1]).toBe('2');
  });
});

describe.runIf(available)('Dashboards', () => {
  it("draws a built-in dashboard from the local agent's data", async () => {
    const { page, errors } = await open('dashboards');
    await page.click('.dashboard-list a:text-is("Fleet overview")');
    await page.waitForSelector('main[data-drawn]', { timeout: 30_000 });
    const panels = page.locator('.dash-panel');
    expect(await panels.count()).toBe(4);
    // CPU, memory and disk of the local agent: each panel has its series and a drawn line.
    for (let i = 0; i < 3; i++) {
      expect(await panels.nth(i).getAttribute('data-series')).toBe('1');
      expect(await canvasDrawn(page, `.dash-panel:nth-child(${i + 1}) canvas`)).toBe(true);
    }
    expect(await page.locator('button[data-action="delete"]').count()).toBe(0);
    await screenshot(page, 'dashboards-builtin');
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('creates a user dashboard with one panel that survives a reload, and deletes it', async () => {
    const { page, errors } = await open('dashboards');
    await page.fill('input[name="title"]', 'My load');
    await page.click('form.new-dashboard button[type="submit"]');
    await page.waitForSelector('form.add-panel');
    await page.fill('input[name="panel-title"]', 'Load');
    await page.fill('input[name="panel-expr"]', 'node_load1');
    await page.click('form.add-panel button[type="submit"]');
    await page.waitForSelector('.dash-panel[data-series="1"]');
    const url = page.url();
    expect(url).toMatch(/#\/dashboards\/my-load-/);
    await page.reload();
    await page.waitForSelector('.dash-panel[data-series="1"]');
    expect(await page.textContent('.dash-title')).toBe('My load');
    expect(await page.textContent('.dash-panel h3')).toBe('Load');
    await screenshot(page, 'dashboards-user');
    await page.click('button[data-action="delete"]');
    await page.click('button[data-action="confirm-delete"]');
    await page.waitForSelector('.dashboard-list');
    expect(await page.locator('.dashboard-list a:text-is("My load")').count()).toBe(0);
    const stored = (await (await fetch(`${ui.url}api/hub/v1/dashboards`)).json()) as { dashboards: unknown[] };
    expect(stored.dashboards).toEqual([]);
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
