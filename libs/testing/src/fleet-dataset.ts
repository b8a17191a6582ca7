// The benchmarks' shared, deterministic fleet: ../shared/bench/dataset.mjs beside the
// checkout (or in $METRICS_HUB_SHARED), loaded into memory.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { progress } from './bench-output.ts';

export interface FleetSeries {
  labels: Record<string, string>;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface Fleet {
  series: FleetSeries[];
  steps: number;
  samples: number;
  end: number;
}

/** The checkout's root, from libs/testing/src. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** ../shared/bench/dataset.mjs next to the checkout (or $METRICS_HUB_SHARED/bench/dataset.mjs). */
export function datasetPath(): string {
  const shared = process.env.METRICS_HUB_SHARED ?? join(root, '..', 'shared');
  const file = join(shared, 'bench', 'dataset.mjs');
  if (!existsSync(file)) {
    throw new Error(`benchmark dataset not found at ${file}: put the shared/ folder beside the checkout or set METRICS_HUB_SHARED`);
  }
  return file;
}

/**
 * `hosts` hosts' series over `hours` hours, with the step count, sample count and last
 * timestamp. `jitterMs` moves each scrape up to that far either way of its 10 s tick, as
 * real scrapes land (the shared figures use 250 ms: `dataset.mjs --jitter-ms 250`).
 */
export async function loadFleet(hosts: number, hours: number, options: { jitterMs?: number } = {}): Promise<Fleet> {
  const { fleetSeries } = (await import(pathToFileURL(datasetPath()).href)) as {
    fleetSeries: (o: { hosts: number; hours: number; jitterMs?: number }) => Iterable<FleetSeries>;
  };
  const jitterMs = options.jitterMs ?? 0;
  progress(`generating ${hosts} hosts x ${hours} h${jitterMs ? `, jitter ${jitterMs} ms` : ''}`);
  const series = [...fleetSeries({ hosts, hours, ...(jitterMs && { jitterMs }) })];
  const steps = series[0].timestamps.length;
  let end = -Infinity;
  for (const s of series) end = Math.max(end, s.timestamps[steps - 1]);
  progress('');
  return { series, steps, samples: series.length * steps, end };
}

/** The shared query set: each PromQL line of ../shared/bench/queries.txt (beside dataset.mjs), comments and blank lines left out. */
export function benchQueries(): string[] {
  return readFileSync(join(dirname(datasetPath()), 'queries.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** When the fleet's first scrape is due (its timestamps are this plus whole intervals, plus jitter when asked for). */
export async function fleetStartMs(): Promise<number> {
  const { fleetSeries } = (await import(pathToFileURL(datasetPath()).href)) as {
    fleetSeries: (o: { hosts: number; hours: number; jitterMs: number }) => Iterator<FleetSeries>;
  };
  return fleetSeries({ hosts: 1, hours: 1, jitterMs: 0 }).next().value!.timestamps[0];
}
