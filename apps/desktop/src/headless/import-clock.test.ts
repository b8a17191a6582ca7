// `hub import` of a file with a sample dated 2100-01-01: the hub stores the rest, the
// command prints what the store refused and why, and every series the hub held is still there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Hub, parseHubConfig } from '@metrics-hub/hub';
import { freePort, tempDir } from '@metrics-hub/testing';
import { main } from './cli.ts';

const removals: (() => unknown)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const remove of removals.splice(0)) remove();
});

describe('hub import', () => {
  it('says which samples the hub refused for being ahead of its clock, and the store keeps everything else', async () => {
    const dir = tempDir('hub-import-clock-', removals).path;
    const listen = `127.0.0.1:${await freePort()}`;
    const yaml = `hub:\n  data_dir: ${dir}\nbroker:\n  listen: 127.0.0.1:0\nhttp:\n  listen: ${listen}\nlocal_agent:\n  enabled: false\n`;
    writeFileSync(join(dir, 'hub.yaml'), yaml);
    const hub = await Hub.start(parseHubConfig(yaml, 'hub.yaml', {}), { log: () => undefined });
    try {
      const now = Date.now();
      hub.store.append(['a', 'b', 'c'].map((k) => ({ labels: { __name__: 'before', k }, timestamps: [now - 60_000], values: [1] })));
      const count = async () => {
        const res = await fetch(
          `http://${listen}/api/v1/query?query=${encodeURIComponent('count({__name__="before"})')}&time=${now / 1000}`,
        );
        return ((await res.json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1];
      };
      expect(await count()).toBe('3');
      const file = join(dir, 'future.prom');
      writeFileSync(file, `x_future 1 4102444800000\nimported_now 2 ${now - 30_000}\n`);
      const out: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(await main(['import', file, '--config', join(dir, 'hub.yaml')])).toBe(0);
      expect(out.join('\n')).toContain(
        "1 samples refused by the store: stamped too far ahead of the hub's clock (store.max_future); check the clock of the system that wrote them",
      );
      expect(await count()).toBe('3');
      expect(hub.store.select([{ type: '=', name: '__name__', value: 'x_future' }], 0, Infinity)).toEqual([]);
      expect(hub.store.select([{ type: '=', name: '__name__', value: 'imported_now' }], 0, Infinity)).toHaveLength(1);
    } finally {
      await hub.stop();
    }
  });
});
