import { describe, expect, it } from 'vitest';
import { trayTitle, trayTooltip } from './tray-text.ts';

describe('tray text', () => {
  it.each([
    [undefined, undefined, 'Metrics hub: starting', ''],
    [undefined, 'http://127.0.0.1:9464', 'Metrics hub at http://127.0.0.1:9464', ''],
    [0, 'http://127.0.0.1:9464', 'Metrics hub: no alerts firing', ''],
    [1, 'http://127.0.0.1:9464', 'Metrics hub: 1 alert firing', '1'],
    [12, 'http://127.0.0.1:9464', 'Metrics hub: 12 alerts firing', '12'],
  ])('firing %s at %s', (firing, url, tooltip, title) => {
    expect(trayTooltip(firing, url)).toBe(tooltip);
    expect(trayTitle(firing)).toBe(title);
  });
});
