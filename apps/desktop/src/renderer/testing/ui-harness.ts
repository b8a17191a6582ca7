// The renderer's test rig: the real hub (in this process) serving the built renderer on
// 127.0.0.1 with a real agent feeding it, and Debian's Chromium driven by Playwright.
// Screenshots go to test-results/ui/ (kept as CI artifacts).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Hub } from '@metrics-hub/hub';
import { testHubConfig } from '@metrics-hub/hub/testing';
import { systemTool } from '@metrics-hub/testing';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const UI_DIR = join(ROOT, 'apps/desktop/dist/renderer');
export const SCREENSHOTS = join(ROOT, 'test-results/ui');
const CHROMIUM = '/usr/bin/chromium';

/** True when Debian's Chromium is installed; under CI=true a missing one is a failure. */
export function chromiumAvailable(): boolean {
  return systemTool(CHROMIUM, 'chromium', 'the renderer tests') !== undefined;
}

let built = false;
/** Builds the renderer once per test process. */
export function buildRenderer(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-renderer.mjs')], { stdio: 'ignore' });
  built = true;
}

export interface UiHub {
  hub: Hub;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A hub serving the renderer. With `localAgent`, a real agent (its sources, through tsx)
 * reports this machine every second, as a fresh hub's own agent does.
 */
export async function startUiHub(
  o: { localAgent?: boolean; rules?: string; notifierConfig?: string; yaml?: (dir: string) => string[] } = {},
): Promise<UiHub> {
  buildRenderer();
  const dir = mkdtempSync(join(tmpdir(), 'ui-hub-'));
  const lines: string[] = [];
  // Extra sections of hub.yaml, given the test's folder (for paths inside it).
  if (o.yaml) lines.push(...o.yaml(dir));
  if (o.rules !== undefined || o.notifierConfig !== undefined) {
    lines.push('alerting:');
    if (o.rules !== undefined) {
      writeFileSync(join(dir, 'test.rules.yml'), o.rules);
      lines.push(`  rules: [${join(dir, 'test.rules.yml')}]`);
    }
    if (o.notifierConfig !== undefined) {
      writeFileSync(join(dir, 'alerting.yml'), o.notifierConfig);
      lines.push(`  notifier_config: ${join(dir, 'alerting.yml')}`);
    }
  }
  const localAgent = [`  enabled: ${o.localAgent ? 'true' : 'false'}`, '  id: ui-host', '  interval: 1s'];
  const hub = await Hub.start(testHubConfig(join(dir, 'data'), lines, {}, { localAgent }), {
    log: () => undefined,
    uiDir: UI_DIR,
    localAgentCommand: [process.execPath, '--import', 'tsx', join(ROOT, 'apps/agent/src/cli.ts')],
  });
  return {
    hub,
    dir,
    url: `http://127.0.0.1:${hub.httpAddress.port}/`,
    stop: async () => {
      await hub.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless; `extraArgs` adds launch flags (e.g. --host-resolver-rules). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** A page that records console errors and uncaught exceptions, in a fixed time zone. */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * One hub and one Chromium for a test file: started before its tests (when Chromium is
 * there), stopped after. Read `.ui` and `.browser` inside the tests.
 */
export function uiPerFile(
  options: Parameters<typeof startUiHub>[0] = {},
  chromiumArgs: readonly string[] = [],
): {
  available: boolean;
  readonly ui: UiHub;
  readonly browser: Browser;
} {
  const available = chromiumAvailable();
  let ui: UiHub | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!available) return;
    ui = await startUiHub(options);
    browser = await launchChromium(chromiumArgs);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });
  return {
    available,
    get ui() {
      return ui!;
    },
    get browser() {
      return browser!;
    },
  };
}
