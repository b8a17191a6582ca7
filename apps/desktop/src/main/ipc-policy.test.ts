import { describe, expect, it } from 'vitest';
import { APP_ENTRY, checkHubRequest, externalUrlToOpen, isAllowedNavigation, isAppUrl, MAX_REQUEST_BODY_BYTES } from './ipc-policy.ts';

const FRAME = `${APP_ENTRY}#/explore`;

describe('hub:request checks', () => {
  it.each([
    ['GET', '/api/v1/query?query=up'],
    ['GET', '/api/v1/query_range?query=rate(node_cpu_seconds_total%5B5m%5D)&start=1&end=2&step=15'],
    ['GET', '/api/hub/v1/fleet'],
    ['POST', '/api/hub/v1/silences'],
    ['DELETE', '/api/hub/v1/agents/web-1/token'],
    ['PUT', '/api/hub/v1/dashboards/d1'],
  ])('allows %s %s', (method, path) => {
    expect(checkHubRequest(FRAME, method, path, undefined)).toEqual({ ok: true, method, path, body: undefined });
  });

  it.each([
    ['/api/../etc/passwd', 400],
    ['/api/v1/../../index.html', 400],
    ['/api/v1/%2e%2e/%2e%2e/index.html', 400],
    ['/api/v1/%2E%2E/x', 400],
    ['/api/v1/./query', 400],
    ['/api/v1/%5c..%5cx', 400],
    ['/api/v1/%00', 400],
    ['/api/v1/%zz', 400],
    ['file:///etc/passwd', 400],
    ['http://evil.example/api/v1/query', 400],
    ['//evil.example/api/v1/query', 400],
    ['/metrics', 400],
    ['/index.html', 400],
    ['/api/v2/query', 400],
    ['api/v1/query', 400],
    ['/api/v1/query#frag', 400],
  ])('refuses the path %s', (path, status) => {
    const r = checkHubRequest(FRAME, 'GET', path, undefined);
    expect(r.ok).toBe(false);
    expect(r.ok ? 0 : r.status).toBe(status);
  });

  it.each([['PATCH'], ['OPTIONS'], ['get'], [1], [undefined]])('refuses the method %j', (method) => {
    expect(checkHubRequest(FRAME, method, '/api/v1/query', undefined)).toMatchObject({ ok: false, status: 405 });
  });

  it('refuses a path that is not a string', () => {
    expect(checkHubRequest(FRAME, 'GET', { toString: () => '/api/v1/query' }, undefined)).toMatchObject({ ok: false, status: 400 });
  });

  it.each([
    ['http://127.0.0.1:9464/'],
    ['https://evil.example/'],
    ['file:///work/apps/desktop/dist/renderer/index.html'],
    ['metrics-hub://other/index.html'],
    ['metrics-hub://user:pw@app/index.html'],
    ['devtools://devtools/bundled/inspector.html'],
    ['about:blank'],
    ['not a url'],
    [undefined],
  ])('refuses a request from the frame %s', (frame) => {
    expect(checkHubRequest(frame, 'GET', '/api/v1/query', undefined)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a body that is not JSON, too big, or on a GET', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', cyclic)).toMatchObject({ ok: false, status: 400 });
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', () => 1)).toMatchObject({ ok: false, status: 400 });
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', 'x'.repeat(MAX_REQUEST_BODY_BYTES))).toMatchObject({ ok: false, status: 413 });
    expect(checkHubRequest(FRAME, 'GET', '/api/v1/query', { q: 1 })).toMatchObject({ ok: false, status: 400 });
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', { matchers: ['a="b"'] })).toMatchObject({ ok: true });
  });
});

describe('navigation and links', () => {
  it('lets the window go only to the app\'s own pages', () => {
    expect(isAllowedNavigation(`${APP_ENTRY}#/alerts`)).toBe(true);
    expect(isAllowedNavigation('metrics-hub://app/')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:9464/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('metrics-hub://app:99/')).toBe(false);
    expect(isAppUrl('javascript:alert(1)')).toBe(false);
  });

  it.each([
    ['https://prometheus.io/docs/', 'https://prometheus.io/docs/'],
    ['http://grafana.local:3000/d/x', 'http://grafana.local:3000/d/x'],
    ['file:///etc/passwd', undefined],
    ['javascript:alert(1)', undefined],
    ['smb://host/share', undefined],
    ['ms-msdt:/id PCWDiagnostic', undefined],
    ['https://user:pw@example.com/', undefined],
    [`https://example.com/${'a'.repeat(3000)}`, undefined],
    ['not a url', undefined],
  ])('external link %s opens as %s', (url, expected) => {
    expect(externalUrlToOpen(url)).toBe(expected);
  });
});
