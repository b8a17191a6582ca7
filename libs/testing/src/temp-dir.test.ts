import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.ts';

describe('tempDir', () => {
  it('makes a new empty folder under the temp directory, and removes it with what is in it', () => {
    const a = tempDir('temp-dir-test-');
    const b = tempDir('temp-dir-test-');
    expect(a.path).not.toBe(b.path);
    expect(dirname(a.path)).toBe(tmpdir());
    expect(basename(a.path)).toMatch(/^temp-dir-test-.{6}$/);
    expect(readdirSync(a.path)).toEqual([]);
    expect(a.file('x.db')).toBe(join(a.path, 'x.db'));
    writeFileSync(a.file('x.db'), 'data');
    a.remove();
    expect(existsSync(a.path)).toBe(false);
    a.remove();
    b.remove();
  });

  it('queues its removal on a list of cleanups', () => {
    const cleanups: (() => unknown)[] = [];
    const d = tempDir('temp-dir-test-', cleanups);
    expect(cleanups).toHaveLength(1);
    for (const c of cleanups) c();
    expect(existsSync(d.path)).toBe(false);
  });
});
