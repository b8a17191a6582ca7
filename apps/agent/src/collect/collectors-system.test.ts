// The system collectors (uname, time) against the fixture tree recorded from a real machine
// (fixtures/README.md), and every collector over an empty tree: expected values are worked
// out by hand from the fixture files, quoted in the comments.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linuxCollectors } from './collector.ts';
import { timeCollector } from './time.ts';
import { unameCollector } from './uname.ts';
import { family, fixtureContext, tempDir, value, values, labelKey as k } from './testing/testkit.ts';

describe('uname', () => {
  it('labels node_uname_info from /proc/sys/kernel', async () => {
    const fams = await unameCollector().collect(fixtureContext());
    expect(family(fams, 'node_uname_info')).toMatchObject({
      type: 'gauge',
      help: 'Labeled system information as provided by the uname system call.',
      samples: [
        {
          name: 'node_uname_info',
          value: 1,
          labels: {
            sysname: 'Linux',
            release: '6.18.44-fc-v657',
            version: '#1 SMP PREEMPT_DYNAMIC @0',
            machine: 'x86_64',
            nodename: 'vm',
            domainname: '(none)',
          },
        },
      ],
    });
  });
});

describe('time', () => {
  it('exposes the context clock, the zone and the clock sources', async () => {
    const at = Date.UTC(2026, 0, 15, 10, 30, 0, 250);
    const fams = await timeCollector({ zone: () => ({ name: 'CET', offsetSeconds: 3600 }) }).collect(fixtureContext({ now: () => at }));
    expect(value(fams, 'node_time_seconds')).toBe(at / 1000);
    expect(values(fams, 'node_time_zone_offset_seconds')).toEqual({ [k({ time_zone: 'CET' })]: 3600 });
    // available_clocksource: "tsc kvm-clock", current_clocksource: "tsc"
    expect(values(fams, 'node_time_clocksource_available_info')).toEqual({
      [k({ clocksource: 'tsc', device: '0' })]: 1,
      [k({ clocksource: 'kvm-clock', device: '0' })]: 1,
    });
    expect(values(fams, 'node_time_clocksource_current_info')).toEqual({ [k({ clocksource: 'tsc', device: '0' })]: 1 });
  });
});

describe('missing files', () => {
  it('every collector that needs a file says which one is missing', async () => {
    const root = tempDir();
    const paths = { procfs: path.join(root, 'proc'), sysfs: path.join(root, 'sys'), rootfs: root };
    mkdirSync(paths.procfs);
    mkdirSync(paths.sysfs);
    const ctx = { paths, now: Date.now, platform: 'linux' };
    const outcome: Record<string, string> = {};
    for (const c of linuxCollectors()) {
      try {
        await c.collect(ctx);
        outcome[c.name] = 'ok';
      } catch (err) {
        outcome[c.name] = (err as Error).message;
      }
    }
    const p = paths.procfs;
    expect(outcome).toEqual({
      cpu: `cpu: ${p}/stat not found`,
      diskstats: `diskstats: ${p}/diskstats not found (kernel without block device statistics)`,
      filesystem: `filesystem: ${p}/mounts not found`,
      hwmon: `hwmon: ${paths.sysfs}/class/hwmon not found (no hardware monitoring drivers, as in most virtual machines and containers)`,
      loadavg: `loadavg: ${p}/loadavg not found`,
      meminfo: `meminfo: ${p}/meminfo not found`,
      netdev: `netdev: ${p}/net/dev not found`,
      pressure: `pressure: ${p}/pressure/cpu not found (kernel without PSI, or running in a container)`,
      processes: `processes: ${p}/sys/kernel/threads-max not found`,
      stat: `stat: ${p}/stat not found`,
      time: 'ok', // needs nothing but the clock
      uname: `uname: ${p}/sys/kernel/ostype not found`,
      vmstat: `vmstat: ${p}/vmstat not found`,
      top_processes: 'ok', // no processes: nothing to rank
    });
  });
});
