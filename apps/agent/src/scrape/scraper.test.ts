import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeOnce } from './scraper.ts';

const PAGE = `# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{method="get",path="/a \\"quoted\\"\\n"} 1027 1767225600000
http_requests_total{method="post",job="from-page"} 3
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 5
latency_seconds_bucket{le="+Inf"} 7
latency_seconds_sum 1.5
latency_seconds_count 7
this line is { not valid
temperature_celsius NaN
`;

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.end('x 1\n'), 2000);
      return;
    }
    if (req.url === '/missing') {
      res.statusCode = 404;
      res.end('no');
      return;
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const target = (path: string, timeoutMs = 1000) => ({
  job: 'app',
  url: base + path,
  intervalMs: 5000,
  timeoutMs,
  labels: { team: 'core' },
});
const find = (r: Awaited<ReturnType<typeof scrapeOnce>>, name: string, extra: Record<string, string> = {}) =>
  r.samples.filter((s) => s.labels.__name__ === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v));

describe('scrapes', () => {
  it('keep the page, add the target labels and the scrape series, and count bad lines', async () => {
    const logs: string[] = [];
    const r = await scrapeOnce(
      target('/metrics'),
      () => 1767225601000,
      (l) => logs.push(l),
    );
    const instance = new URL(base).host;
    const a = find(r, 'http_requests_total', { method: 'get' });
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      value: 1027,
      timestampMs: 1767225600000,
      labels: { path: '/a "quoted"\n', job: 'app', instance, team: 'core' },
    });
    // The page's own job label steps aside, as with Prometheus's honor_labels: false.
    expect(find(r, 'http_requests_total', { method: 'post' })[0].labels).toMatchObject({ job: 'app', exported_job: 'from-page' });
    expect(find(r, 'latency_seconds_bucket')).toHaveLength(2);
    expect(Number.isNaN(find(r, 'temperature_celsius')[0].value)).toBe(true);
    expect(find(r, 'up')[0].value).toBe(1);
    expect(find(r, 'scrape_samples_malformed')[0].value).toBe(1);
    expect(find(r, 'scrape_samples_scraped')[0].value).toBe(7);
    expect(r.families.find((f) => f.name === 'http_requests_total')).toMatchObject({ type: 'counter', help: 'Requests served.' });
    expect(logs[0]).toMatch(/1 malformed line\(s\) skipped, first: line 10/);
  });

  it('report a failed or slow target as up 0 with the reason', async () => {
    const missing = await scrapeOnce(target('/missing'), Date.now, () => undefined);
    expect(find(missing, 'up')[0].value).toBe(0);
    expect(missing.error).toMatch(/HTTP 404/);
    const slow = await scrapeOnce(target('/slow', 200), Date.now, () => undefined);
    expect(find(slow, 'up')[0].value).toBe(0);
    expect(slow.error).toBe('timed out after 200 ms');
    expect(find(slow, 'scrape_duration_seconds')[0].value).toBeLessThan(1);
    const closed = await scrapeOnce({ ...target('/'), url: 'http://127.0.0.1:1/metrics' }, Date.now, () => undefined);
    expect(find(closed, 'up')[0].value).toBe(0);
  });
});
