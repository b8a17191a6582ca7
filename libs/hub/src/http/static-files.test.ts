import { describe, expect, it } from 'vitest';
import { contentTypeFor, fileWithin } from './static-files.ts';

describe('renderer files', () => {
  it('resolve only inside their folder', () => {
    expect(fileWithin('/ui', '/')).toBe('/ui/index.html');
    expect(fileWithin('/ui', '/app.js')).toBe('/ui/app.js');
    expect(fileWithin('/ui', '/a/../app.css')).toBe('/ui/app.css');
    for (const bad of ['/../etc/passwd', '/%2e%2e/etc/passwd', '/..%2fetc', '/a\\\\b', '/x%00.js', '/%E0%A4%A'])
      expect([bad, fileWithin('/ui', bad)]).toEqual([bad, undefined]);
    // A sibling folder that shares the prefix is outside too.
    expect(fileWithin('/ui', '/../ui-secrets/key')).toBeUndefined();
  });

  it('carry their content type', () => {
    expect(contentTypeFor('/ui/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/ui/app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/ui/x.bin')).toBe('application/octet-stream');
  });
});
