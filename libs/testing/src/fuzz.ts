// Property-based fuzzing of parsers that take untrusted input (fast-check). Each fuzz
// target asserts three things per input: no crash other than the parser's own refusal, no
// input taking longer than a bound, and no heap growth past a bound. `npm test` runs a
// modest number of inputs per target; the fuzz benchmark (libs/testing/bench/fuzz.bench.ts,
// part of `npm run bench`) runs many more and prints how many each target tried.
//
//   FUZZ_RUNS=<n>         inputs per target (default 300)
//   FUZZ_REPORT_DIR=<dir> each target writes <dir>/<name>.json: inputs, slowest, peak heap
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

export interface FuzzLimits {
  /** Longest one input may take (default 1,000 ms): a parser that backtracks or loops fails. */
  maxMsPerInput?: number;
  /** Most the heap may grow over the baseline while one input is parsed (default 256 MiB). */
  maxHeapGrowthBytes?: number;
  /** Inputs to try; default FUZZ_RUNS or 300. */
  runs?: number;
  /** Replays one failure found earlier: fast-check prints the seed and path. */
  seed?: number;
  path?: string;
}

export interface FuzzReport {
  name: string;
  inputs: number;
  slowestMs: number;
  peakHeapGrowthBytes: number;
  seconds: number;
}

/** How many inputs each fuzz target tries in this run. */
export function fuzzRuns(fallback = 300): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Runs `check` on inputs drawn from `input`. `check` throws only for a real bug: it should
 * catch the parser's documented refusal (its error class) itself and let anything else out.
 */
export async function fuzz<T>(
  name: string,
  input: fc.Arbitrary<T>,
  check: (value: T) => void | Promise<void>,
  limits: FuzzLimits = {},
): Promise<FuzzReport> {
  const maxMs = limits.maxMsPerInput ?? 1000;
  const maxHeap = limits.maxHeapGrowthBytes ?? 256 * 1024 * 1024;
  const started = performance.now();
  const baseline = process.memoryUsage().heapUsed;
  let inputs = 0;
  let slowestMs = 0;
  let peakHeapGrowthBytes = 0;
  const property = fc.asyncProperty(input, async (value) => {
    inputs++;
    const t0 = performance.now();
    await check(value);
    const ms = performance.now() - t0;
    slowestMs = Math.max(slowestMs, ms);
    const growth = process.memoryUsage().heapUsed - baseline;
    peakHeapGrowthBytes = Math.max(peakHeapGrowthBytes, growth);
    if (ms > maxMs) throw new Error(`one input took ${ms.toFixed(0)} ms (bound ${maxMs} ms)`);
    if (growth > maxHeap)
      throw new Error(`the heap grew ${(growth / 2 ** 20).toFixed(0)} MiB over its baseline (bound ${(maxHeap / 2 ** 20).toFixed(0)} MiB)`);
  });
  try {
    await fc.assert(property, { numRuns: limits.runs ?? fuzzRuns(), seed: limits.seed, path: limits.path });
  } catch (e) {
    // fast-check keeps the failure's own message in `cause`: put it first, with the
    // shrunk input and the seed and path that replay it.
    const cause = (e as Error).cause as Error | undefined;
    throw new Error(`fuzz ${name}: ${cause?.message ?? 'failed'}\n${(e as Error).message}`, { cause });
  }
  const report: FuzzReport = { name, inputs, slowestMs, peakHeapGrowthBytes, seconds: (performance.now() - started) / 1000 };
  const dir = process.env.FUZZ_REPORT_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.json`), JSON.stringify(report));
  }
  return report;
}
