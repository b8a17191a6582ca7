// Pull: scrapes Prometheus/OpenMetrics text endpoints on their own intervals, with a
// timeout, and adds the series Prometheus adds to every scrape (up, scrape_duration_seconds,
// scrape_samples_scraped) plus the count of malformed lines, which are skipped while the
// rest of the page is kept.

import { parseExposition, type MetricFamily } from '@metrics-hub/expfmt';
import type { CollectedSample } from '../buffer/accumulator.ts';
import type { ScrapeTarget } from '../config.ts';

export interface ScrapeResult {
  target: ScrapeTarget;
  samples: CollectedSample[];
  families: MetricFamily[];
  error: string | undefined;
}

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';

/** Scrapes one target once; never throws (a failed scrape is `up 0` with the reason). */
export async function scrapeOnce(target: ScrapeTarget, now: () => number, log: (line: string) => void): Promise<ScrapeResult> {
  const started = now();
  const instance = new URL(target.url).host;
  const base = { job: target.job, instance, ...target.labels };
  let samples: CollectedSample[] = [];
  let families: MetricFamily[] = [];
  let error: string | undefined;
  let malformed = 0;
  try {
    const res = await fetch(target.url, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(target.timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const text = await res.text();
    const parsed = parseExposition(text, { contentType: res.headers.get('content-type') ?? undefined });
    malformed = parsed.problems.length;
    if (malformed)
      log(
        `scrape ${target.url}: ${malformed} malformed line(s) skipped, first: line ${parsed.problems[0].line}: ${parsed.problems[0].message}`,
      );
    families = parsed.families;
    const at = now();
    for (const f of families) {
      for (const s of f.samples) {
        const labels: Record<string, string> = { __name__: s.name };
        // Like Prometheus's honor_labels: false, the target's own labels win; the page's move aside.
        for (const [k, v] of Object.entries(s.labels)) labels[k in base ? `exported_${k}` : k] = v;
        samples.push({ labels: { ...labels, ...base }, timestampMs: s.timestampMs ?? at, value: s.value });
      }
    }
  } catch (e) {
    const err = e as Error;
    error = err.name === 'TimeoutError' ? `timed out after ${target.timeoutMs} ms` : err.message;
    log(`scrape ${target.url} failed: ${error}`);
    samples = [];
  }
  const end = now();
  const scraped = samples.length;
  const synthetic = (name: string, value: number): CollectedSample => ({
    labels: { __name__: name, ...base },
    timestampMs: started,
    value,
  });
  samples.push(
    synthetic('up', error ? 0 : 1),
    synthetic('scrape_duration_seconds', (end - started) / 1000),
    synthetic('scrape_samples_scraped', scraped),
    synthetic('scrape_samples_malformed', malformed),
  );
  return { target, samples, families, error };
}

/** Runs every target on its own interval and hands results to `deliver`. */
export class Scraper {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly targets: ScrapeTarget[],
    private readonly deliver: (result: ScrapeResult) => void,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    for (const t of this.targets) {
      const run = () => void scrapeOnce(t, this.now, this.log).then(this.deliver);
      run();
      this.timers.push(setInterval(run, t.intervalMs));
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
