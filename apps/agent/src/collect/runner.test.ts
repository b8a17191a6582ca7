import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { collectAll, linuxCollectors, type Collector } from './collector.ts';
import { family, fixtureContext, labelKey as k, value, values } from './testing/testkit.ts';

const ok = (name: string, fam: MetricFamily): Collector => ({ name, collect: async () => [fam] });
const gaugeFam = (name: string, v: number, labels: Record<string, string> = {}): MetricFamily => ({
  name,
  type: 'gauge',
  help: name,
  unit: '',
  samples: [{ name, labels, value: v }],
});

describe('collectAll', () => {
  it('reports a failing collector with success 0 and a log line; the others still deliver', async () => {
    const lines: string[] = [];
    const failing: Collector = {
      name: 'pressure',
      collect: async () => {
        throw new Error('pressure: /proc/pressure/cpu not found (kernel without PSI, or running in a container)');
      },
    };
    const fams = await collectAll(
      [ok('loadavg', gaugeFam('node_load1', 0.5)), failing, ok('time', gaugeFam('node_time_seconds', 42))],
      fixtureContext(),
      (l) => lines.push(l),
    );
    expect(value(fams, 'node_load1')).toBe(0.5);
    expect(value(fams, 'node_time_seconds')).toBe(42);
    expect(values(fams, 'node_scrape_collector_success')).toEqual({
      [k({ collector: 'loadavg' })]: 1,
      [k({ collector: 'pressure' })]: 0,
      [k({ collector: 'time' })]: 1,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^collector pressure failed after \d+\.\d{3}s: pressure: \/proc\/pressure\/cpu not found \(kernel without PSI, or running in a container\)$/,
    );
    expect(family(fams, 'node_scrape_collector_success')).toMatchObject({
      type: 'gauge',
      help: 'node_exporter: Whether a collector succeeded.',
    });
  });

  it('times every collector', async () => {
    const slow: Collector = { name: 'slow', collect: () => new Promise((r) => setTimeout(() => r([]), 60)) };
    const fams = await collectAll([slow, ok('fast', gaugeFam('x', 1))], fixtureContext(), () => {});
    const d = values(fams, 'node_scrape_collector_duration_seconds');
    expect(d[k({ collector: 'slow' })]).toBeGreaterThanOrEqual(0.05);
    expect(d[k({ collector: 'fast' })]).toBeLessThan(0.05);
    expect(family(fams, 'node_scrape_collector_duration_seconds')).toMatchObject({
      type: 'gauge',
      help: 'node_exporter: Duration of a collector scrape.',
      unit: 'seconds',
    });
  });

  it('survives a collector that throws synchronously or rejects with a non-Error', async () => {
    const sync = {
      name: 'sync',
      collect: () => {
        throw new Error('boom');
      },
    } as unknown as Collector;
    const weird: Collector = { name: 'weird', collect: () => Promise.reject('just a string') };
    const lines: string[] = [];
    const fams = await collectAll([sync, weird], fixtureContext(), (l) => lines.push(l));
    expect(values(fams, 'node_scrape_collector_success')).toEqual({ [k({ collector: 'sync' })]: 0, [k({ collector: 'weird' })]: 0 });
    expect(lines.map((l) => l.replace(/after \S+s/, 'after Xs'))).toEqual([
      'collector sync failed after Xs: boom',
      'collector weird failed after Xs: just a string',
    ]);
  });

  it('logs a repeated failure once, and its recovery', async () => {
    let fail = true;
    const flaky: Collector = {
      name: 'hwmon',
      collect: async () => {
        if (fail) throw new Error('hwmon: /sys/class/hwmon not found');
        return [];
      },
    };
    const lines: string[] = [];
    const log = (l: string) => lines.push(l.replace(/after \S+s/, 'after Xs'));
    await collectAll([flaky], fixtureContext(), log);
    await collectAll([flaky], fixtureContext(), log);
    fail = false;
    const fams = await collectAll([flaky], fixtureContext(), log);
    expect(values(fams, 'node_scrape_collector_success')).toEqual({ [k({ collector: 'hwmon' })]: 1 });
    expect(lines).toEqual(['collector hwmon failed after Xs: hwmon: /sys/class/hwmon not found', 'collector hwmon succeeded again']);
  });

  it('merges families of the same name from two collectors', async () => {
    const fams = await collectAll(
      [ok('a', gaugeFam('shared', 1, { from: 'a' })), ok('b', gaugeFam('shared', 2, { from: 'b' }))],
      fixtureContext(),
      () => {},
    );
    expect(fams.filter((f) => f.name === 'shared')).toHaveLength(1);
    expect(values(fams, 'shared')).toEqual({ [k({ from: 'a' })]: 1, [k({ from: 'b' })]: 2 });
  });

  it('runs every Linux collector against the fixture tree', async () => {
    const lines: string[] = [];
    const { fakeStatfs, FIXTURE_PATHS } = await import('./testing/testkit.ts');
    const statfs = fakeStatfs(FIXTURE_PATHS.rootfs, { '/': { bsize: 4096, blocks: 10, bfree: 5, bavail: 4, files: 10, ffree: 5 } });
    const fams = await collectAll(linuxCollectors(), fixtureContext({ statfs }), (l) => lines.push(l));
    expect(lines).toEqual([]);
    const success = values(fams, 'node_scrape_collector_success');
    expect(Object.keys(success)).toHaveLength(14);
    expect(Object.values(success).every((v) => v === 1)).toBe(true);
    // Every sample carries its family's name (counters keep _total), and every family has samples.
    for (const f of fams) {
      expect(f.samples.length).toBeGreaterThan(0);
      for (const s of f.samples) expect(s.name).toBe(f.name);
    }
    expect(new Set(fams.map((f) => f.name)).size).toBe(fams.length);
  });
});

describe('other platforms', () => {
  it('every Linux collector reports "not supported yet on darwin" instead of crashing', async () => {
    const lines: string[] = [];
    const collectors = linuxCollectors();
    const fams = await collectAll(collectors, fixtureContext({ platform: 'darwin' }), (l) => lines.push(l));
    expect(fams.map((f) => f.name)).toEqual(['node_scrape_collector_duration_seconds', 'node_scrape_collector_success']);
    expect(Object.values(values(fams, 'node_scrape_collector_success'))).toEqual(collectors.map(() => 0));
    expect(lines).toHaveLength(collectors.length);
    for (const [i, c] of collectors.entries())
      expect(lines[i]).toMatch(new RegExp(`^collector ${c.name} failed after \\S+: ${c.name}: not supported yet on darwin$`));
  });

  it('a collector called directly refuses too', async () => {
    const [cpu] = linuxCollectors();
    await expect(cpu.collect(fixtureContext({ platform: 'win32' }))).rejects.toThrow('cpu: not supported yet on win32');
  });
});
