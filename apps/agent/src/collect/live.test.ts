// Against this machine's /proc and /sys: every collector either delivers or says clearly
// why not; the basic ones must deliver, with sane values.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { collectAll, DEFAULT_HOST_PATHS, linuxCollectors, type CollectContext } from './collector.ts';
import { family, value } from './testing/testkit.ts';

const linux = process.platform === 'linux';
const ctx: CollectContext = { paths: DEFAULT_HOST_PATHS, now: Date.now };

describe.skipIf(!linux)('live machine', () => {
  it('every collector returns families or throws a clear error', async () => {
    for (const c of linuxCollectors()) {
      try {
        const fams = await c.collect(ctx);
        for (const f of fams) {
          expect(f.name).toMatch(/^(node|agent)_[a-zA-Z0-9_:]+$/);
          expect(f.help).not.toBe('');
          for (const s of f.samples) expect(Number.isNaN(s.value)).toBe(false);
        }
      } catch (err) {
        // "<collector>: <what> …": names the collector and what it could not do.
        expect((err as Error).message).toMatch(new RegExp(`^${c.name}: \\S`));
      }
    }
  });

  it('cpu, meminfo, loadavg and stat succeed with sane values', async () => {
    const lines: string[] = [];
    const fams = await collectAll(linuxCollectors(), ctx, (l) => lines.push(l));
    const ok = (name: string) =>
      fams.find((f) => f.name === 'node_scrape_collector_success')!.samples.find((s) => s.labels.collector === name)?.value;
    for (const name of ['cpu', 'meminfo', 'loadavg', 'stat', 'uname', 'time', 'vmstat', 'processes']) expect(ok(name), name).toBe(1);

    const total = value(fams, 'node_memory_MemTotal_bytes');
    const available = value(fams, 'node_memory_MemAvailable_bytes');
    expect(total).toBeGreaterThan(available);
    expect(available).toBeGreaterThan(0);
    expect(total).toBe(os.totalmem());

    const boot = value(fams, 'node_boot_time_seconds');
    const now = Date.now() / 1000;
    expect(boot).toBeLessThan(now);
    expect(boot).toBeGreaterThan(now - 5 * 365 * 86400);
    expect(Math.abs(now - os.uptime() - boot)).toBeLessThan(5);

    const cpus = new Set(family(fams, 'node_cpu_seconds_total').samples.map((s) => s.labels.cpu));
    expect(cpus.size).toBe(os.cpus().length);
    const idle = family(fams, 'node_cpu_seconds_total').samples.filter((s) => s.labels.mode === 'idle');
    for (const s of idle) expect(s.value).toBeGreaterThan(0);

    expect(value(fams, 'node_load1')).toBeCloseTo(os.loadavg()[0], 0);
    expect(value(fams, 'node_procs_running')).toBeGreaterThanOrEqual(1);
    expect(value(fams, 'node_processes_pids')).toBeGreaterThan(1);
    const uname = family(fams, 'node_uname_info').samples[0].labels;
    expect(uname).toMatchObject({ sysname: 'Linux', release: os.release(), nodename: os.hostname(), machine: os.machine() });
    expect(Math.abs(value(fams, 'node_time_seconds') - Date.now() / 1000)).toBeLessThan(5);
  });

  it('the root filesystem is there when it is not excluded', async () => {
    const fams: MetricFamily[] = await linuxCollectors()
      .find((c) => c.name === 'filesystem')!
      .collect(ctx);
    const root = family(fams, 'node_filesystem_size_bytes').samples.find((s) => s.labels.mountpoint === '/');
    if (root) {
      const avail = family(fams, 'node_filesystem_avail_bytes').samples.find((s) => s.labels.mountpoint === '/')!;
      expect(root.value).toBeGreaterThan(0);
      expect(avail.value).toBeLessThanOrEqual(root.value);
    }
  });
});
