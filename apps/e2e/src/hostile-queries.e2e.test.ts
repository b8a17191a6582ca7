// Queries a web page or a script can send to a real `hub serve` with a plain GET: none of
// them may stop the hub answering others, nor outlive its timeout.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { freePort, tempDir } from '@metrics-hub/testing';
import { query, startHubProcess } from './processes.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../desktop/src/headless/cli.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A GET that gives up after `ms` (a hub whose event loop is stuck never answers). */
async function timedGet(url: string, ms: number): Promise<{ status: number; body: { status: string; errorType?: string }; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: res.status, body: (await res.json()) as { status: string; errorType?: string }, ms: performance.now() - started };
}

it('a regex that backtracks exponentially neither freezes the hub nor outlives timeout=1s', async () => {
  const dir = tempDir('e2e-regex-', cleanups).path;
  const env = {
    METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
    METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${await freePort()}`,
    METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
    METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
  };
  const hub = await startHubProcess(env);
  // SIGKILL: a hub stuck in a regex does not get to handle SIGTERM.
  cleanups.push(() => hub.kill9());
  // A label value of 40 a's: `(a|a)*b` takes a backtracking engine 2^40 steps on it (the
  // hub froze for 15.7 s at 32 characters, doubling per character).
  const t = Math.floor(Date.now() / 1000) - 60;
  writeFileSync(join(dir, 'victim.prom'), `victim{v="${'a'.repeat(40)}"} 1 ${t * 1000}\n`);
  await run(process.execPath, ['--import', 'tsx', CLI, 'import', join(dir, 'victim.prom'), '--format', 'prometheus'], {
    env: { ...process.env, ...env },
  });
  expect(await query(hub.http, 'count(victim)')).toHaveLength(1);

  const bad = encodeURIComponent('{v=~"(a|a)*b"}');
  // Both must arrive within generous bounds (far below the hours the old engine needed).
  const [hostile, other] = await Promise.all([
    timedGet(`${hub.http}/api/v1/query?query=${bad}&timeout=1s`, 20_000),
    timedGet(`${hub.http}/api/v1/query?query=${encodeURIComponent('count(victim)')}`, 20_000),
  ]);
  expect(hostile.status).toBe(200);
  expect(hostile.body.status).toBe('success');
  expect(other.status).toBe(200);
  // And a query that runs for minutes is cut at its timeout while the hub answers others.
  const slow = encodeURIComponent('quantile_over_time(0.5, vector(1)[7d:1s])');
  const end = Math.floor(Date.now() / 1000);
  const [timedOut, meanwhile] = await Promise.all([
    timedGet(`${hub.http}/api/v1/query_range?query=${slow}&start=${end - 10_800 * 60}&end=${end}&step=60&timeout=1s`, 30_000),
    new Promise((r) => setTimeout(r, 100)).then(() => timedGet(`${hub.http}/api/v1/status/buildinfo`, 30_000)),
  ]);
  expect(timedOut.status).toBe(503);
  expect(timedOut.body.errorType).toBe('timeout');
  expect(meanwhile.status).toBe(200);
});
