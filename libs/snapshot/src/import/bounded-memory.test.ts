// An import's memory is bounded by its series, not by its samples: samples are staged on
// disk, so an all-or-nothing import of any length runs in a child Node with a small heap,
// and three times the samples cost about the same memory. Series are what an import keeps
// in memory (to find them again), and past its limit it refuses, naming the limit.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('../testing/import-child.ts', import.meta.url));

function importInChild(lines: number, series: number, mode: 'all' | 'partial') {
  const res = spawnSync(process.execPath, ['--max-old-space-size=128', '--import', 'tsx', CHILD, String(lines), String(series), mode], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(res.stderr).not.toMatch(/heap out of memory/);
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as {
    committed: boolean;
    error?: string;
    samples: number;
    appended: number;
    stored: number;
    rssAtCommitMb: number;
    maxRssMb: number;
  };
}

describe('imports under a 128 MB heap', () => {
  it('refuses 3 million series of one family, all or nothing, naming the limit and what to do', () => {
    const summary = importInChild(3_000_000, 3_000_000, 'all');
    expect(summary.committed).toBe(false);
    expect(summary.error).toMatch(/memory limit of \d+ MiB \(maxStagedBytes\).*split the file by series/);
    expect(summary.stored).toBe(0);
  }, 300_000);

  it('imports 9 million samples all or nothing in about the memory of 3 million', () => {
    const small = importInChild(3_000_000, 100, 'all');
    const big = importInChild(9_000_000, 100, 'all');
    expect(small).toMatchObject({ committed: true, samples: 3_000_000, appended: 3_000_000, stored: 100 });
    expect(big).toMatchObject({ committed: true, samples: 9_000_000, appended: 9_000_000, stored: 100 });
    // Holding the 6 million more samples, even as bare times and values, would take 96 MB;
    // on disk they take next to none, when read and staged or after the commit (by then the
    // heap and the store's page cache are as full as they get, already with 3 million).
    expect(big.rssAtCommitMb - small.rssAtCommitMb).toBeLessThan(48);
    expect(big.maxRssMb - small.maxRssMb).toBeLessThan(48);
  }, 300_000);
});
