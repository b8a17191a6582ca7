import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processCpuSeconds, processRssBytes, sampleRss, waitForIdle } from './process-stats.ts';

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

describe.runIf(process.platform === 'linux')('watching a child process', () => {
  /** A child that spins for `busyMs`, then sleeps until killed. */
  const spinner = (busyMs: number) => {
    const child = spawn(
      process.execPath,
      ['-e', `const end = Date.now() + ${busyMs}; while (Date.now() < end); setTimeout(() => {}, 60000);`],
      {
        stdio: 'ignore',
      },
    );
    return child;
  };

  it('waits until a busy process goes idle', async () => {
    const child = spinner(1200);
    try {
      const t0 = Date.now();
      const busy: number[] = [];
      const waited = await waitForIdle(child.pid!, { windowMs: 300, onBusy: (cores) => busy.push(cores) });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(waited).toBeGreaterThanOrEqual(1000);
      expect(Math.max(...busy)).toBeGreaterThan(0.1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('gives up on a process that stays busy, saying how busy', async () => {
    const child = spinner(10_000);
    try {
      await expect(waitForIdle(child.pid!, { windowMs: 200, timeoutMs: 500 })).rejects.toThrow(
        new RegExp(`process ${child.pid} still used [0-9.]+ cores after [0-9]+ s: it is not settling`),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('samples the resident set of a process until stopped', async () => {
    const before = processRssBytes(process.pid);
    const sampler = sampleRss(process.pid, 20);
    const hold = Buffer.alloc(64 * 1024 * 1024, 1);
    await new Promise((r) => setTimeout(r, 150));
    const figures = sampler.stop();
    expect(hold[0]).toBe(1);
    expect(figures.count).toBeGreaterThan(2);
    expect(figures.maxBytes).toBeGreaterThanOrEqual(figures.medianBytes);
    expect(figures.maxBytes).toBeGreaterThan(before + 48 * 1024 * 1024);
  });
});
