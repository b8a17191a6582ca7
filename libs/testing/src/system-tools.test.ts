import { chmodSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findProgram, systemTool, systemTools } from './system-tools.ts';
import { tempDir, type TempDir } from './temp-dir.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const c of cleanups.splice(0)) c();
});

/** A folder holding an executable `name`, as the only directory on $PATH. */
function pathWith(name: string): TempDir {
  const dir = tempDir('system-tools-test-', cleanups);
  writeFileSync(dir.file(name), '#!/bin/sh\n');
  chmodSync(dir.file(name), 0o755);
  vi.stubEnv('PATH', dir.path);
  return dir;
}

describe('system tools', () => {
  it('finds an absolute path as given and a bare name on $PATH', () => {
    expect(findProgram(process.execPath)).toBe(process.execPath);
    expect(findProgram('/nonexistent/metrics-hub-tool')).toBeUndefined();
    const dir = pathWith('fake-tool');
    expect(findProgram('fake-tool')).toBe(dir.file('fake-tool'));
    expect(findProgram('other-tool')).toBeUndefined();
  });

  it('returns undefined for a missing program outside CI, so that its tests skip', () => {
    vi.stubEnv('CI', '');
    expect(systemTool('/nonexistent/promtool', 'prometheus')).toBeUndefined();
    vi.stubEnv('CI', 'false');
    expect(systemTool('/nonexistent/promtool', 'prometheus')).toBeUndefined();
  });

  it('throws under CI=true for a missing program, naming it, its Debian package and the install script', () => {
    vi.stubEnv('CI', 'true');
    expect(() => systemTool('/nonexistent/promtool', 'prometheus', 'the promtool round trip')).toThrow(
      'the promtool round trip need /nonexistent/promtool (Debian package prometheus), not installed: run scripts/install-system-deps.sh, which CI must do before the tests',
    );
    expect(systemTool(process.execPath, 'nodejs')).toBe(process.execPath);
  });

  it('checks several programs at once and names every missing one', () => {
    const dir = pathWith('dunst');
    vi.stubEnv('CI', '');
    expect(systemTools({ dunst: 'dunst' })).toEqual({ dunst: dir.file('dunst') });
    expect(systemTools({ dunst: 'dunst', Xvfb: 'xvfb', 'notify-send': 'libnotify-bin' })).toBeUndefined();
    vi.stubEnv('CI', 'true');
    expect(() => systemTools({ dunst: 'dunst', Xvfb: 'xvfb', 'notify-send': 'libnotify-bin' }, 'desktop notification tests')).toThrow(
      'desktop notification tests need Xvfb (Debian package xvfb), notify-send (Debian package libnotify-bin), not installed',
    );
  });
});
