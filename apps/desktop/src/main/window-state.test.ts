import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clampToDisplays, defaultWindowState, loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState } from './window-state.ts';

const PRIMARY = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT = { x: 1920, y: 0, width: 2560, height: 1400 };
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'window-state-'));
  file = join(dir, 'window-state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('window state', () => {
  it('round-trips bounds and maximized', () => {
    const state = { bounds: { x: 2000, y: 100, width: 1400, height: 900 }, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file, [PRIMARY, RIGHT])).toEqual(state);
    expect(readdirSync(dir)).toEqual(['window-state.json']);
  });

  it('uses the default, centred on the primary display, without a file', () => {
    expect(existsSync(file)).toBe(false);
    expect(loadWindowState(file, [PRIMARY])).toEqual({ bounds: { x: 320, y: 110, width: 1280, height: 820 }, maximized: false });
  });

  it.each([
    ['{not json'],
    [''],
    ['null'],
    ['[]'],
    ['{"bounds":{"x":"1","y":0,"width":10,"height":10}}'],
    ['{"bounds":{"x":0,"y":0,"width":-5,"height":10}}'],
    ['{"bounds":{"x":0,"y":0,"width":1e999,"height":10}}'],
  ])('uses the default for a broken file: %s', (text) => {
    writeFileSync(file, text);
    expect(loadWindowState(file, [PRIMARY])).toEqual(defaultWindowState(PRIMARY));
  });

  it('moves a window from a display that is gone onto the primary', () => {
    saveWindowState(file, { bounds: { x: 2200, y: 200, width: 1200, height: 800 }, maximized: false });
    expect(loadWindowState(file, [PRIMARY])).toEqual({ bounds: { x: 720, y: 200, width: 1200, height: 800 }, maximized: false });
  });

  it('keeps a window on the display it overlaps most, inside it', () => {
    expect(clampToDisplays({ x: 1800, y: -50, width: 1000, height: 700 }, [PRIMARY, RIGHT])).toEqual({
      x: 1920,
      y: 0,
      width: 1000,
      height: 700,
    });
  });

  it('shrinks a window bigger than its display and grows a tiny one', () => {
    expect(clampToDisplays({ x: 0, y: 0, width: 5000, height: 3000 }, [PRIMARY])).toEqual(PRIMARY);
    expect(clampToDisplays({ x: 10, y: 10, width: 50, height: 20 }, [PRIMARY])).toEqual({
      x: 10,
      y: 10,
      width: MIN_WIDTH,
      height: MIN_HEIGHT,
    });
  });

  it('handles displays at negative coordinates', () => {
    const left = { x: -1280, y: 0, width: 1280, height: 1000 };
    expect(clampToDisplays({ x: -1300, y: 100, width: 800, height: 600 }, [PRIMARY, left])).toEqual({
      x: -1280,
      y: 100,
      width: 800,
      height: 600,
    });
  });

  it('writes a private file', () => {
    saveWindowState(file, defaultWindowState(PRIMARY));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(defaultWindowState(PRIMARY));
  });
});
