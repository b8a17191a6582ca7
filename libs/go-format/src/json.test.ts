// encoding/json's output as Alertmanager's receivers send it. Expected texts are what Go's
// encoder writes.

import { describe, expect, it } from 'vitest';
import { goJson, sortedKeys } from './index.ts';

describe('Go encodings', () => {
  it('escapes <, >, & and line separators as Go does, and ends with a newline', () => {
    expect(goJson({ a: '<b> & \u2028', n: 1 })).toBe('{"a":"\\u003cb\\u003e \\u0026 \\u2028","n":1}\n');
  });

  it('sorts map keys by bytes', () => {
    expect(Object.keys(sortedKeys({ b: '', a: '', B: '', _x: '', a1: '' }))).toEqual(['B', '_x', 'a', 'a1', 'b']);
  });
});
