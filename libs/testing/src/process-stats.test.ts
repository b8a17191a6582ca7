import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processCpuSeconds, processRssBytes } from './process-stats.ts';

describe.runIf(process.platform === 'linux')('process figures from /proc', () => {
  it('reads the resident set and CPU time of a running process', () => {
    const rss = processRssBytes(process.pid);
    expect(rss).toBeGreaterThan(process.memoryUsage().rss / 2);
    expect(rss).toBeLessThan(process.memoryUsage().rss * 2);
    const { user, system } = process.cpuUsage();
    expect(Math.abs(processCpuSeconds(process.pid) - (user + system) / 1e6)).toBeLessThan(0.5);
  });

  it('gives a resident set of 0 once the process is gone', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(processRssBytes(child.pid!)).toBe(0);
  });
});
