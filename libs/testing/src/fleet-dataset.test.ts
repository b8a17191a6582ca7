import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchQueries, datasetPath, fleetStartMs, loadFleet } from './fleet-dataset.ts';
import { tempDir } from './temp-dir.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const c of cleanups.splice(0)) c();
});

const checkout = fileURLToPath(new URL('../../../', import.meta.url));

describe('the fleet dataset', () => {
  it('is ../shared/bench/dataset.mjs beside the checkout by default', () => {
    expect((JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { name: string }).name).toBe('metrics-hub');
    vi.stubEnv('METRICS_HUB_SHARED', undefined);
    const expected = join(checkout, '..', 'shared', 'bench', 'dataset.mjs');
    if (existsSync(expected)) expect(datasetPath()).toBe(expected);
    else expect(() => datasetPath()).toThrow(`benchmark dataset not found at ${expected}`);
  });

  it('is in $METRICS_HUB_SHARED when that is set, and its absence says how to provide it', () => {
    const shared = tempDir('fleet-dataset-test-', cleanups);
    vi.stubEnv('METRICS_HUB_SHARED', shared.path);
    expect(() => datasetPath()).toThrow(
      `benchmark dataset not found at ${shared.file('bench/dataset.mjs')}: put the shared/ folder beside the checkout or set METRICS_HUB_SHARED`,
    );
    mkdirSync(shared.file('bench'));
    writeFileSync(shared.file('bench/dataset.mjs'), '');
    expect(datasetPath()).toBe(shared.file('bench/dataset.mjs'));
  });

  it('loads the series the dataset generates, with their step count, sample count and last timestamp', async () => {
    const shared = tempDir('fleet-dataset-test-', cleanups);
    mkdirSync(shared.file('bench'));
    writeFileSync(
      shared.file('bench/dataset.mjs'),
      `export function* fleetSeries({ hosts, hours }) {
  const steps = hours * 4;
  for (let h = 0; h < hosts; h++) {
    const timestamps = Float64Array.from({ length: steps }, (_, i) => 1000 * (i + h));
    yield { labels: { __name__: 'load', host: 'h' + h }, timestamps, values: new Float64Array(steps) };
  }
}
`,
    );
    vi.stubEnv('METRICS_HUB_SHARED', shared.path);
    const fleet = await loadFleet(3, 2);
    expect(fleet.series.map((s) => s.labels.host)).toEqual(['h0', 'h1', 'h2']);
    expect(fleet.steps).toBe(8);
    expect(fleet.samples).toBe(24);
    expect(fleet.end).toBe(1000 * (7 + 2));
    expect(await fleetStartMs()).toBe(0);
  });

  it('starts the real fleet on the first of January 2026', async () => {
    vi.stubEnv('METRICS_HUB_SHARED', undefined);
    if (!existsSync(join(checkout, '..', 'shared', 'bench', 'dataset.mjs'))) return;
    expect(new Date(await fleetStartMs()).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads the query set beside the dataset, one expression a line, without comments and blank lines', () => {
    const shared = tempDir('fleet-dataset-test-', cleanups);
    mkdirSync(shared.file('bench'));
    writeFileSync(shared.file('bench/dataset.mjs'), '');
    writeFileSync(shared.file('bench/queries.txt'), '# a comment\nup\n\n  sum(rate(x[5m]))  \n# another\n');
    vi.stubEnv('METRICS_HUB_SHARED', shared.path);
    expect(benchQueries()).toEqual(['up', 'sum(rate(x[5m]))']);
  });

  it('passes jitter to the dataset, so that scrapes land off their ticks as the shared figures assume', async () => {
    const shared = tempDir('fleet-dataset-test-', cleanups);
    mkdirSync(shared.file('bench'));
    writeFileSync(
      shared.file('bench/dataset.mjs'),
      `export function* fleetSeries({ hosts, hours, jitterMs = 0 }) {
  for (let h = 0; h < hosts; h++) {
    const timestamps = Float64Array.from({ length: hours }, (_, i) => 10000 * i + (i % 2 ? jitterMs : -jitterMs));
    yield { labels: { __name__: 'load', host: 'h' + h }, timestamps, values: new Float64Array(hours) };
  }
}
`,
    );
    vi.stubEnv('METRICS_HUB_SHARED', shared.path);
    expect([...(await loadFleet(1, 3)).series[0].timestamps]).toEqual([0, 10000, 20000]);
    expect([...(await loadFleet(1, 3, { jitterMs: 250 })).series[0].timestamps]).toEqual([-250, 10250, 19750]);
  });
});
