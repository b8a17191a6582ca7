// The Fleet view in Chromium says what the hub refused from an agent and why: a clock
// running 3 h 12 min ahead (its samples refused at the door) and a series only the hub may
// write; against a real hub that took the batches through its ingester.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '@metrics-hub/wire';
import { newPage, screenshot, uiPerFile } from '../testing/ui-harness.ts';
import { agentNotes, formatClock } from './fleet-notes.ts';
import type { FleetAgent } from '@metrics-hub/hub-api';

const rig = uiPerFile();
const AHEAD_MS = (3 * 60 + 12) * 60_000;

describe('fleet notes', () => {
  it('say how far a clock is off, and what was refused lately', () => {
    const base = { samplesTooFarAhead: 0, seriesRefused: 0 } as FleetAgent;
    expect(formatClock(AHEAD_MS)).toBe('3 h 12 min');
    expect(formatClock(45_000)).toBe('45 s');
    expect(formatClock(73 * 365.25 * 86_400_000 + 5)).toBe('73 years');
    expect(agentNotes({ ...base, clockOffsetMs: 20_000 }, 0)).toEqual([]);
    expect(agentNotes({ ...base, clockOffsetMs: -45_000 }, 0).map((n) => n.text)).toEqual(['clock behind by 45 s']);
    const refused = { ...base, samplesTooFarAhead: 1234, lastRejection: 'why', lastRejectionMs: 1000 };
    expect(agentNotes(refused, 2000)).toEqual([{ text: '1,234 samples refused (stamped ahead of the hub’s clock)', detail: 'why' }]);
    // An hour later it is history (the counts stay in the fleet JSON).
    expect(agentNotes(refused, 1000 + 61 * 60_000)).toEqual([]);
  });
});

describe.runIf(rig.available)('the Fleet view', () => {
  it('shows "clock ahead by 3 h 12 min" and the refused samples for an agent whose clock runs ahead', async () => {
    const hub = rig.ui.hub;
    const now = Date.now();
    hub.fleet.noteStatus('edge-fast', new TextEncoder().encode('online'));
    const outcome = await hub.ingester.submit(
      'edge-fast',
      encodeBatch({
        agentId: 'edge-fast',
        firstSeq: 1,
        lastSeq: 1,
        createdMs: now + AHEAD_MS,
        series: [
          {
            labels: { __name__: 'node_load1', job: 'node', instance: 'edge-fast' },
            timestamps: Float64Array.of(now + AHEAD_MS),
            values: Float64Array.of(1),
          },
          { labels: { __name__: 'up', job: 'node', instance: 'db-1' }, timestamps: Float64Array.of(now), values: Float64Array.of(0) },
        ],
      }),
    );
    // (The hub hands the outcome to its fleet registry, as for a batch that came over MQTT.)
    expect(outcome).toMatchObject({ kind: 'stored', tooFarAhead: 1, rejectedSeries: 1 });

    const { page, errors } = await newPage(rig.browser);
    await page.goto(`${rig.ui.url}#/fleet`);
    const notes = page.locator('tr[data-agent="edge-fast"] .agent-note');
    await notes.first().waitFor({ timeout: 15_000 });
    expect(await notes.allTextContents()).toEqual([
      'clock ahead by 3 h 12 min',
      '1 sample refused (stamped ahead of the hub’s clock), 1 series refused',
    ]);
    expect(await notes.nth(1).getAttribute('title')).toMatch(
      /up\{job="node"\} is written by the hub for each agent.*1 samples refused: stamped up to 3 h 12 min ahead of the hub's clock/,
    );
    await screenshot(page, 'fleet-clock-ahead');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 60_000);
});
