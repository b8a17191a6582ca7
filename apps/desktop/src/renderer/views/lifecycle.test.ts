// Leaving a view leaves nothing running, in Chromium against a real hub and agent: the page
// counts its open EventSources and live timers (an init script wraps them before the app
// loads), the test goes through every view ten times, and back on one view the counts are
// those of a single visit to it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, uiPerFile } from '../testing/ui-harness.ts';

const rig = uiPerFile({ localAgent: true });

interface LiveCounts {
  eventSources: number;
  intervals: number;
  timeouts: number;
}

/** Runs in the page before its scripts: keeps what is open, and forgets what was closed, cleared or fired. */
function countLiveThings(): void {
  const sources = new Set<EventSource>();
  const intervals = new Set<number>();
  const timeouts = new Set<number>();
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      sources.add(this);
    }
    override close(): void {
      sources.delete(this);
      super.close();
    }
  };
  const { setTimeout: setT, clearTimeout: clearT, setInterval: setI, clearInterval: clearI } = window;
  // Either clear function clears either kind of timer in a browser: both forget the id.
  const forget = (id: number | undefined) => {
    if (id === undefined) return;
    timeouts.delete(id);
    intervals.delete(id);
  };
  window.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = setT(
      (...a: unknown[]) => {
        timeouts.delete(id);
        if (typeof fn === 'function') fn(...a);
      },
      ms,
      ...args,
    );
    timeouts.add(id);
    return id;
  }) as typeof window.setTimeout;
  window.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = setI(fn, ms, ...args);
    intervals.add(id);
    return id;
  }) as typeof window.setInterval;
  window.clearTimeout = ((id?: number) => {
    forget(id);
    clearT(id);
  }) as typeof window.clearTimeout;
  window.clearInterval = ((id?: number) => {
    forget(id);
    clearI(id);
  }) as typeof window.clearInterval;
  (window as unknown as { __liveCounts: () => LiveCounts }).__liveCounts = () => ({
    // A stream the server ended is closed without close(): count only those still open.
    eventSources: [...sources].filter((s) => s.readyState !== NativeEventSource.CLOSED).length,
    intervals: intervals.size,
    timeouts: timeouts.size,
  });
}

/** Each view's route, and what says it has loaded and started its timers and streams: marks on <main>, an element in it. */
const VISITS: { route: string; main?: string; shows?: string }[] = [
  { route: 'fleet', shows: 'tr[data-agent="ui-host"] canvas.sparkline' },
  { route: 'host/ui-host', shows: '.chart[data-chart="CPU busy"]:not([data-points="0"])' },
  { route: `explore/${encodeURIComponent('up')}`, main: '[data-ran]', shows: '.explore-chart canvas' },
  { route: 'alerts', main: '[data-refreshed]' },
  { route: 'dashboards', main: '[data-loaded]', shows: '.dashboard-list' },
  { route: `dashboards/${encodeURIComponent('builtin:fleet')}`, main: '[data-drawn]' },
  { route: 'incidents', main: '[data-loaded]' },
  { route: 'settings', main: '[data-loaded]' },
];

async function visit(page: Page, v: (typeof VISITS)[number]): Promise<void> {
  await page.evaluate((route) => (location.hash = `#/${route}`), v.route);
  const view = v.route.split('/')[0];
  await page.waitForSelector(`main#view[data-view="${view}"]${v.main ?? ''} ${v.shows ?? ''}`.trim(), { timeout: 30_000 });
}

const counts = (page: Page): Promise<LiveCounts> =>
  page.evaluate(() => (window as unknown as { __liveCounts: () => LiveCounts }).__liveCounts());

/**
 * The counts over two seconds: streams and intervals as they stand at the end, timeouts at
 * their highest (Fleet's render debounce comes and goes with the hub's events).
 */
async function sampleCounts(page: Page): Promise<LiveCounts> {
  let highest = 0;
  let last = await counts(page);
  for (let i = 0; i < 8; i++) {
    await page.waitForTimeout(250);
    last = await counts(page);
    highest = Math.max(highest, last.timeouts);
  }
  return { ...last, timeouts: highest };
}

/** What the page holds, against a single visit's sample: the same streams and intervals, no more timeouts than it had at most. */
async function likeASingleVisit(page: Page, single: LiveCounts): Promise<LiveCounts> {
  const now = await counts(page);
  return now.timeouts <= single.timeouts ? { ...now, timeouts: single.timeouts } : now;
}

describe.runIf(rig.available)('leaving a view', () => {
  it('leaves no stream or timer behind: after every view ten times, one view counts as on a single visit', async () => {
    const { page, errors } = await newPage(rig.browser);
    await page.addInitScript(countLiveThings);
    const fleet = VISITS[0];
    const settings = VISITS[VISITS.length - 1];

    // Single visits: the page loads on Settings (no stream, no timer of its own), then Fleet.
    await page.goto(`${rig.ui.url}#/settings`);
    await page.waitForSelector('main[data-loaded]');
    const onSettings = await sampleCounts(page);
    await visit(page, fleet);
    const onFleet = await sampleCounts(page);
    // Fleet's own stream and refresh are there while it is shown, beside the shell's status timer.
    expect(onFleet.eventSources).toBe(onSettings.eventSources + 1);
    expect(onFleet.intervals).toBe(onSettings.intervals + 1);

    // Each round ends on Settings: a leak shows from the first round on, before leaked
    // streams use up the browser's six connections to the hub and views stop loading.
    for (let round = 0; round < 10; round++) {
      for (const v of VISITS) await visit(page, v);
      await expect.poll(() => likeASingleVisit(page, onSettings), { timeout: 15_000 }).toEqual(onSettings);
    }

    await visit(page, fleet);
    await expect.poll(() => likeASingleVisit(page, onFleet), { timeout: 15_000 }).toEqual(onFleet);
    await visit(page, settings);
    await expect.poll(() => likeASingleVisit(page, onSettings), { timeout: 15_000 }).toEqual(onSettings);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 240_000);
});
