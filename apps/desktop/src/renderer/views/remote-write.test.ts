// Remote write in the window, in Chromium against a real hub forwarding to an endpoint
// that answers 503: Settings shows the endpoint retrying, the samples waiting and the error.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@metrics-hub/testing';
import { newPage, screenshot, uiPerFile } from '../testing/ui-harness.ts';

let endpoint: Server;
let endpointUrl = '';
let requests = 0;
beforeAll(async () => {
  endpoint = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded, try later');
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/api/v1/write`;
});
afterAll(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

const rig = uiPerFile({
  yaml: () => [
    'remote_write:',
    `  - url: ${endpointUrl}`,
    '    name: long-term',
    '    batch_send_deadline: 100ms',
    '    min_backoff: 100ms',
    '    max_backoff: 1s',
  ],
});

describe.runIf(rig.available)('remote write in Settings', () => {
  it('shows an endpoint that refuses for now: retrying, samples waiting, the last error', async () => {
    const res = await fetch(`${rig.ui.url}api/hub/v1/import?format=prometheus`, {
      method: 'POST',
      headers: { 'x-metrics-hub': '1' },
      body: `rw_gauge{k="1"} 1 ${Date.now()}\n`,
    });
    expect(res.status).toBe(200);
    const { page, errors } = await newPage(rig.browser);
    // The hub has tried (and been refused) before the page asks.
    await waitFor(() => requests > 0, 'the hub to try the endpoint', { timeoutMs: 5000, intervalMs: 100 });
    await page.goto(`${rig.ui.url}#/settings`);
    await page.waitForSelector('.remote-write .remote-write-error');
    const text = await page.textContent('.remote-write');
    expect(text).toContain('long-term');
    expect(text).toContain(endpointUrl);
    expect(text).toMatch(/retrying a failed request/);
    expect(text).toMatch(/Waiting[^0-9]*[1-9][\d,]* samples/);
    expect(await page.textContent('.remote-write .remote-write-error')).toMatch(/503/);
    expect(await page.textContent('.remote-write .remote-write-in')).toMatch(/In \(POST \/api\/v1\/write\): 0 requests stored/);
    await screenshot(page, 'settings-remote-write');
    expect(errors).toEqual([]);
  });
});
