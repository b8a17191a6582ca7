import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, rendererFileFor, rendererHeaders } from './renderer-files.ts';

const DIR = '/opt/metrics-hub/renderer';

describe("the app scheme's files", () => {
  it.each([
    ['metrics-hub://app/', 'index.html'],
    ['metrics-hub://app/index.html', 'index.html'],
    ['metrics-hub://app/index.html#/alerts', 'index.html'],
    ['metrics-hub://app/app.js?v=1', 'app.js'],
    ['metrics-hub://app/assets/font.woff2', 'assets/font.woff2'],
  ])('%s is %s', (url, file) => {
    expect(rendererFileFor(DIR, url)).toBe(join(DIR, file));
  });

  it.each([
    ['metrics-hub://app/..%2f..%2fetc%2fpasswd'],
    ['metrics-hub://app/a%5c..%5c..%5cx'],
    ['metrics-hub://app/x%00.js'],
    ['metrics-hub://app/%zz'],
    ['metrics-hub://other/index.html'],
    ['file:///etc/passwd'],
    ['http://app/index.html'],
    ['nonsense'],
  ])('%s is refused', (url) => {
    expect(rendererFileFor(DIR, url)).toBeUndefined();
  });

  it.each([['metrics-hub://app/../../etc/passwd'], ['metrics-hub://app/%2e%2e/%2e%2e/etc/passwd']])(
    '%s stops at the renderer dir (the URL parser drops leading ..)',
    (url) => {
      expect(rendererFileFor(DIR, url)).toBe(join(DIR, 'etc/passwd'));
    },
  );

  it('serves every file with the strict policy: no network, no inline script', () => {
    const h = rendererHeaders('/x/app.js');
    expect(h['content-type']).toMatch(/javascript/);
    expect(h['content-security-policy']).toBe(RENDERER_CSP);
    expect(RENDERER_CSP).toContain("connect-src 'none'");
    expect(RENDERER_CSP).toContain("default-src 'none'");
    expect(RENDERER_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(h['x-content-type-options']).toBe('nosniff');
  });
});
