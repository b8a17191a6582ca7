import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  checkCaptureRequest,
  checkChooseRequest,
  checkHubRequest,
  checkSaveRequest,
  checkUploadRequest,
  externalUrlToOpen,
  isAllowedNavigation,
  isAppUrl,
  isFromAppPage,
  isFromWindow,
  isJobNumber,
  MAX_FILE_NAME_CHARS,
  MAX_REQUEST_BODY_BYTES,
  MAX_UPLOAD_BYTES,
  safeFileName,
  uploadSizeProblem,
} from './ipc-policy.ts';

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
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', 'x'.repeat(MAX_REQUEST_BODY_BYTES))).toMatchObject({
      ok: false,
      status: 413,
    });
    expect(checkHubRequest(FRAME, 'GET', '/api/v1/query', { q: 1 })).toMatchObject({ ok: false, status: 400 });
    expect(checkHubRequest(FRAME, 'POST', '/api/hub/v1/silences', { matchers: ['a="b"'] })).toMatchObject({ ok: true });
  });
});

describe('navigation and links', () => {
  it("lets the window go only to the app's own pages", () => {
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

describe('transfer:save checks', () => {
  const exportReq = { method: 'GET', path: '/api/hub/v1/export?format=csv-long&query=up' };

  it('allows a GET of the API or a POST with a JSON body, with a plain file name', () => {
    expect(checkSaveRequest(FRAME, 1, exportReq, 'metrics.csv')).toEqual({ ok: true, job: 1, request: exportReq, name: 'metrics.csv' });
    const incident = { method: 'POST', path: '/api/hub/v1/incidents', body: { dashboardId: 'db', title: 'Outage', start: 1, end: 2 } };
    expect(checkSaveRequest(FRAME, 2, incident, 'incident.ndjson')).toMatchObject({ ok: true, request: incident });
  });

  it.each([
    ['another frame', 'https://evil.example/', 1, exportReq, 'x.csv', /not from the app/],
    ['a job that is not a positive integer', FRAME, 0, exportReq, 'x.csv', /job 0/],
    ['a job that is a string', FRAME, '1', exportReq, 'x.csv', /job 1 is not/],
    ['no request', FRAME, 1, null, 'x.csv', /not \{method, path/],
    ['a DELETE', FRAME, 1, { method: 'DELETE', path: '/api/hub/v1/dashboards/x' }, 'x.csv', /GET or a POST/],
    ['a path outside the API', FRAME, 1, { method: 'GET', path: '/index.html' }, 'x.csv', /not a path of the hub's API/],
    ['an encoded climb out of it', FRAME, 1, { method: 'GET', path: '/api/v1/%2e%2e/%2e%2e/x' }, 'x.csv', /leaves the hub's API/],
    ['a body on a GET', FRAME, 1, { method: 'GET', path: '/api/hub/v1/export', body: { a: 1 } }, 'x.csv', /GET has no body/],
    [
      'a body too big',
      FRAME,
      1,
      { method: 'POST', path: '/api/hub/v1/incidents', body: 'x'.repeat(MAX_REQUEST_BODY_BYTES) },
      'x.csv',
      /over/,
    ],
    ['no usable name', FRAME, 1, exportReq, '../..', /no file name/],
    ['a name that is not a string', FRAME, 1, exportReq, 7, /no file name/],
  ])('refuses %s', (_what, frame, job, request, name, error) => {
    const r = checkSaveRequest(frame, job, request, name);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(error);
  });

  it("keeps only the request's own fields", () => {
    const r = checkSaveRequest(FRAME, 1, { ...exportReq, extra: 'dropped' }, 'x.csv');
    expect(r.ok && r.request).toEqual(exportReq);
  });
});

describe('file names offered in save dialogs', () => {
  it.each([
    ['metrics-2026.csv', 'metrics-2026.csv'],
    ['../../etc/passwd', 'etc-passwd'],
    ['C:\\Windows\\system32\\x.dll', 'C-Windows-system32-x.dll'],
    ['.bashrc', 'bashrc'],
    ['a\u0000b\nc.txt', 'a-b-c.txt'],
    ['trailing. ', 'trailing'],
    ['', undefined],
    ['...', undefined],
  ])('%j becomes %j', (name, expected) => {
    expect(safeFileName(name)).toBe(expected);
  });

  it('cuts a long name', () => {
    expect(safeFileName('x'.repeat(1000))).toHaveLength(MAX_FILE_NAME_CHARS);
  });
});

describe('transfer:choose checks', () => {
  it('allows a short title and filters of letters and digits', () => {
    const filters = [
      { name: 'Incident files', extensions: ['ndjson', 'gz'] },
      { name: 'All files', extensions: ['*'] },
    ];
    expect(checkChooseRequest(FRAME, 'Open incident file', filters)).toEqual({ ok: true, title: 'Open incident file', filters });
  });

  it.each([
    ['a long title', 'x'.repeat(201), []],
    ['filters that are not a list', 'Open', { name: 'x' }],
    ['too many filters', 'Open', Array.from({ length: 9 }, () => ({ name: 'x', extensions: ['a'] }))],
    ['an extension with a dot or a path', 'Open', [{ name: 'x', extensions: ['../x'] }]],
    ['an extension that is not a string', 'Open', [{ name: 'x', extensions: [1] }]],
  ])('refuses %s', (_what, title, filters) => {
    expect(checkChooseRequest(FRAME, title, filters).ok).toBe(false);
  });

  it('refuses another frame', () => {
    expect(checkChooseRequest('https://evil.example/', 'Open', []).ok).toBe(false);
  });
});

describe('transfer:upload checks', () => {
  const fileId = 'a'.repeat(24);

  it.each([['/api/hub/v1/import?format=openmetrics&partial=true'], ['/api/hub/v1/incidents/open'], ['/api/hub/v1/incidents/import']])(
    'allows an upload to %s',
    (path) => {
      expect(checkUploadRequest(FRAME, 3, fileId, path, 'application/openmetrics-text; version=1.0.0')).toEqual({
        ok: true,
        job: 3,
        fileId,
        path,
        contentType: 'application/openmetrics-text; version=1.0.0',
      });
    },
  );

  it.each([
    ['another frame', 'metrics-hub://other/', 3, fileId, '/api/hub/v1/import', 'text/plain', /not from the app/],
    ['a bad job', FRAME, -1, fileId, '/api/hub/v1/import', 'text/plain', /job -1/],
    ['a file id that was never given out', FRAME, 3, '/etc/passwd', '/api/hub/v1/import', 'text/plain', /not the id of a chosen file/],
    ['an API path that takes no file', FRAME, 3, fileId, '/api/hub/v1/settings', 'text/plain', /does not take a file/],
    ['a path outside the API', FRAME, 3, fileId, '/upload', 'text/plain', /not a path of the hub's API/],
    ['a climb out of an upload path', FRAME, 3, fileId, '/api/hub/v1/incidents/%2e%2e/import', 'text/plain', /leaves the hub's API/],
    ['a content type with a header in it', FRAME, 3, fileId, '/api/hub/v1/import', 'text/plain\r\nx-evil: 1', /media type/],
    ['a content type that is not a string', FRAME, 3, fileId, '/api/hub/v1/import', 5, /media type/],
  ])('refuses %s', (_what, frame, job, id, path, type, error) => {
    const r = checkUploadRequest(frame, job, id, path, type);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(error);
  });
});

describe('transfer:capture checks', () => {
  it('allows a rectangle in the window, in whole pixels', () => {
    expect(checkCaptureRequest(FRAME, { x: 10.5, y: 20.2, width: 600.4, height: 300 }, 'chart.png')).toEqual({
      ok: true,
      rect: { x: 10, y: 20, width: 601, height: 300 },
      name: 'chart.png',
    });
  });

  it.each([
    [null],
    [{ x: 0, y: 0, width: 0, height: 10 }],
    [{ x: -1, y: 0, width: 10, height: 10 }],
    [{ x: 0, y: 0, width: 1e9, height: 10 }],
    [{ x: 0, y: 0, width: Number.NaN, height: 10 }],
    [{ x: '0', y: 0, width: 10, height: 10 }],
  ])('refuses %j', (rect) => {
    expect(checkCaptureRequest(FRAME, rect, 'chart.png').ok).toBe(false);
  });
});

describe('job numbers', () => {
  it.each([
    [1, true],
    [2 ** 40, true],
    [0, false],
    [-3, false],
    [1.5, false],
    ['1', false],
    [Number.MAX_VALUE, false],
  ])('%j is a job number: %j', (job, ok) => {
    expect(isJobNumber(job)).toBe(ok);
  });
});

describe('IPC senders', () => {
  const contents = { id: 1 };
  it('accepts the app window only, and its own pages for the sender-frame checks', () => {
    expect(isFromWindow(contents, { sender: contents, senderFrame: { url: 'https://example.com/' } })).toBe(true);
    expect(isFromWindow(contents, { sender: { id: 2 } })).toBe(false);
    expect(isFromWindow(undefined, { sender: undefined })).toBe(false);
    expect(isFromAppPage(contents, { sender: contents, senderFrame: { url: FRAME } })).toBe(true);
    expect(isFromAppPage(contents, { sender: contents, senderFrame: { url: 'https://example.com/' } })).toBe(false);
    expect(isFromAppPage(contents, { sender: contents, senderFrame: null })).toBe(false);
    expect(isFromAppPage(undefined, { sender: undefined, senderFrame: { url: FRAME } })).toBe(false);
  });
});

describe('upload sizes', () => {
  it('refuses a chosen file over the limit, naming it without its folders', () => {
    expect(uploadSizeProblem('/home/u/big.prom', MAX_UPLOAD_BYTES)).toBeUndefined();
    expect(uploadSizeProblem('/home/u/big.prom', MAX_UPLOAD_BYTES + 1)).toBe(
      `big.prom is ${MAX_UPLOAD_BYTES + 1} bytes, over the ${MAX_UPLOAD_BYTES} this window sends: use \`hub import\` on the hub's machine`,
    );
  });
});
