// An import's memory is bounded by its limits, not by the file: millions of lines of one
// family (what once ended in "JavaScript heap out of memory") run in a child Node with a
// small heap, where holding the family whole cannot fit.
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
  };
}

describe('import staging under a 128 MB heap', () => {
  it('refuses 3 million series of one family, all or nothing, naming the limit and what to do', () => {
    const summary = importInChild(3_000_000, 3_000_000, 'all');
    expect(summary.committed).toBe(false);
    expect(summary.error).toMatch(/staging limit of \d+ MiB \(maxStagedBytes\).*partial: true.*split the file/);
    expect(summary.stored).toBe(0);
  }, 300_000);

  it('imports 1 million samples of one family with partial, committing as the staging fills', () => {
    const summary = importInChild(1_000_000, 100, 'partial');
    expect(summary).toMatchObject({ committed: true, samples: 1_000_000, appended: 1_000_000, stored: 100 });
  }, 300_000);
});
