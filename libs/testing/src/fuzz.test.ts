import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz, fuzzRuns } from './fuzz.ts';

describe('fuzz', () => {
  it('tries the number of inputs asked for and reports them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
    process.env.FUZZ_REPORT_DIR = dir;
    try {
      const report = await fuzz('lengths', fc.string(), (s) => void s.length, { runs: 50 });
      expect(report.inputs).toBe(50);
      expect(JSON.parse(readFileSync(join(dir, 'lengths.json'), 'utf8'))).toMatchObject({ name: 'lengths', inputs: 50 });
    } finally {
      delete process.env.FUZZ_REPORT_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on an input that crashes the check, with the input shrunk', async () => {
    await expect(
      fuzz(
        'crash',
        fc.integer(),
        (n) => {
          if (n > 10) throw new TypeError('boom');
        },
        { runs: 200 },
      ),
    ).rejects.toThrow(/^fuzz crash: boom\n[\s\S]*Counterexample: \[11\]/);
  });

  it('fails on an input slower than the bound', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    await expect(fuzz('slow', fc.constant(1), () => busy(30), { runs: 3, maxMsPerInput: 10 })).rejects.toThrow(
      /^fuzz slow: one input took \d+ ms \(bound 10 ms\)/,
    );
  });

  it('fails when one input grows the heap past the bound', async () => {
    const kept: number[][] = [];
    await expect(
      fuzz('hungry', fc.constant(1), () => void kept.push(new Array(2_000_000).fill(1.5)), { runs: 5, maxHeapGrowthBytes: 8 * 2 ** 20 }),
    ).rejects.toThrow(/^fuzz hungry: the heap grew \d+ MiB over its baseline \(bound 8 MiB\)/);
    expect(kept.length).toBeGreaterThan(0);
  });

  it('takes the number of inputs from FUZZ_RUNS', () => {
    process.env.FUZZ_RUNS = '1234';
    expect(fuzzRuns()).toBe(1234);
    process.env.FUZZ_RUNS = 'many';
    expect(fuzzRuns(7)).toBe(7);
    delete process.env.FUZZ_RUNS;
  });
});
