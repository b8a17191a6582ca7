import { describe, expect, it } from 'vitest';
import { decideLaunch, type LaunchFacts } from './launch-decision.ts';

const BIN = '/repo/node_modules/electron/dist/electron';
const present = (p: string) => p === BIN;
const absent = () => false;

describe('npm start: window or headless', () => {
  it.each<[string, Partial<LaunchFacts>, string]>([
    ['binary and X11', { platform: 'linux', env: { DISPLAY: ':0' } }, 'electron'],
    ['binary and Wayland', { platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } }, 'electron'],
    ['binary on macOS without DISPLAY', { platform: 'darwin', env: {} }, 'electron'],
    ['binary on Windows without DISPLAY', { platform: 'win32', env: {} }, 'electron'],
    ['binary, no display', { platform: 'linux', env: {} }, 'no display'],
    ['binary, empty DISPLAY', { platform: 'linux', env: { DISPLAY: '' } }, 'no display'],
    ['binary on FreeBSD without display', { platform: 'freebsd', env: {} }, 'no display'],
    ['path given but no binary there', { platform: 'linux', env: { DISPLAY: ':0' }, exists: absent }, 'no Electron binary at'],
    [
      'no path.txt (the download never ran)',
      { platform: 'linux', env: { DISPLAY: ':0' }, electron: { error: 'path.txt is missing: its install script never ran' } },
      'no Electron binary: path.txt is missing',
    ],
    ['no binary and no display: the binary is named first', { platform: 'linux', env: {}, exists: absent }, 'no Electron binary'],
    ['asked for headless', { platform: 'darwin', env: { METRICS_HUB_HEADLESS: '1' } }, 'METRICS_HUB_HEADLESS'],
  ])('%s', (_name, facts, expected) => {
    const d = decideLaunch({ platform: 'linux', env: {}, electron: { path: BIN }, exists: present, ...facts });
    if (expected === 'electron') expect(d).toEqual({ mode: 'electron', electronPath: BIN });
    else {
      expect(d.mode).toBe('headless');
      expect(d.mode === 'headless' && d.reason).toContain(expected);
    }
  });

  it('tells how to get Electron when it is missing', () => {
    const d = decideLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, electron: { path: BIN }, exists: absent });
    expect(d.mode === 'headless' && d.reason).toMatch(/npm install electron.*node node_modules\/electron\/install\.js/);
  });
});
