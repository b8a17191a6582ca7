import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importText, SERIES_PER_APPEND, type ImportProgress } from '../index.ts';
import { dumpBits, tempStore, type TempStore } from '../testing/temp-store.ts';

let ts: TempStore;
beforeEach(() => {
  ts = tempStore();
});
afterEach(() => ts.cleanup());

const GOOD = [
  '# HELP temp Temperature.',
  '# TYPE temp gauge',
  'temp{room="a"} 21.5 1000',
  'temp{room="a"} 22 2000',
  'temp{room="b"} 19 1000',
  '',
].join('\n');

describe('importText', () => {
  it('imports Prometheus text with timestamps and metadata', async () => {
    const summary = await importText({ text: GOOD }, ts.store);
    expect(summary).toMatchObject({
      format: 'prometheus',
      committed: true,
      samples: 3,
      appended: 3,
      series: 2,
      families: 1,
      rejected: [],
      problemCount: 0,
    });
    expect(dumpBits(ts.store)).toEqual(
      new Map([
        ['temp{room="a"}', '1000:4035800000000000 2000:4036000000000000'],
        ['temp{room="b"}', '1000:4033000000000000'],
      ]),
    );
    expect(ts.store.metadata('temp').get('temp')).toEqual({ type: 'gauge', help: 'Temperature.', unit: '' });
  });

  it('reads OpenMetrics timestamps as seconds (format from # EOF)', async () => {
    const summary = await importText({ text: '# TYPE c counter\nc_total 5 1.5\n# EOF\n' }, ts.store);
    expect(summary.format).toBe('openmetrics');
    expect(dumpBits(ts.store)).toEqual(new Map([['c_total', '1500:4014000000000000']]));
    expect(ts.store.metadata().get('c_total')?.type).toBe('counter');
  });

  it('rejects a malformed file with line numbers and commits nothing by default', async () => {
    const text = `${GOOD}temp{room="c"} abc 1000\ntemp{room= 1 1000\n`;
    const summary = await importText({ text }, ts.store);
    expect(summary.committed).toBe(false);
    expect(summary.appended).toBe(0);
    expect(summary.problemCount).toBe(2);
    expect(summary.rejected.map((r) => r.line)).toEqual([6, 7]);
    expect(summary.error).toMatch(/^2 problem\(s\) in the input, so nothing was imported \(first: line 6: /);
    expect(dumpBits(ts.store).size).toBe(0);
    expect(ts.store.metadata().size).toBe(0);
  });

  it('commits the good lines and reports the bad ones with partial: true', async () => {
    const text = `${GOOD}temp{room="c"} abc 1000\ntemp{room="d"} 4 3000\n`;
    const summary = await importText({ text }, ts.store, { partial: true });
    expect(summary).toMatchObject({ committed: true, samples: 4, appended: 4, problemCount: 1 });
    expect(summary.rejected[0].line).toBe(6);
    expect([...dumpBits(ts.store).keys()]).toEqual(['temp{room="a"}', 'temp{room="b"}', 'temp{room="d"}']);
  });

  it('rejects samples without timestamps unless a default is given', async () => {
    const text = 'x 1\ny 2 5000\n';
    const rejected = await importText({ text }, ts.store);
    expect(rejected).toMatchObject({ committed: false, missingTimestamps: { count: 1, action: 'rejected' }, skippedFamilies: ['x'] });
    expect(rejected.rejected[0].reason).toMatch(/family x: 1 sample\(s\) without a timestamp/);
    expect(dumpBits(ts.store).size).toBe(0);

    const defaulted = await importText({ text }, ts.store, { defaultTimestamp: 7000 });
    expect(defaulted).toMatchObject({
      committed: true,
      samples: 2,
      missingTimestamps: { count: 1, action: 'defaulted' },
      skippedFamilies: [],
    });
    expect(dumpBits(ts.store)).toEqual(
      new Map([
        ['x', '7000:3ff0000000000000'],
        ['y', '5000:4000000000000000'],
      ]),
    );
  });

  it('refuses an import whose series take more memory than its limit, naming the limit and what to do', async () => {
    const lines = `${Array.from({ length: 50 }, (_, i) => `m{i="${i}"} ${i} ${1000 + i}`).join('\n')}\n`;
    const big = await importText({ text: lines }, ts.store, { maxStagedBytes: 2000, stagingDir: join(ts.dir, 'staging') });
    expect(big.committed).toBe(false);
    expect(big.error).toMatch(/memory limit of 0 MiB \(maxStagedBytes\).*split the file by series/);
    expect(dumpBits(ts.store).size).toBe(0);
    expect(readdirSync(join(ts.dir, 'staging'))).toEqual([]);
  });

  it('stages on disk in the staging folder, and leaves nothing there when done', async () => {
    const staging = join(ts.dir, 'staging');
    const seen: string[][] = [];
    const appender = {
      append: (batch: Parameters<typeof ts.store.append>[0]) => {
        seen.push(readdirSync(staging));
        return ts.store.append(batch);
      },
    };
    const text = `${Array.from({ length: 5000 }, (_, i) => `d{k="${i % 3}"} ${i} ${1000 + i}`).join('\n')}\n`;
    const summary = await importText({ text }, appender, { stagingDir: staging });
    expect(summary).toMatchObject({ committed: true, samples: 5000, appended: 5000, series: 3 });
    expect(seen[0]).toEqual([expect.stringMatching(/^import-.*\.db$/)]);
    expect(readdirSync(staging)).toEqual([]);
    const bad = await importText({ text: `${text}d{k="0"} x 1\n` }, appender, { stagingDir: staging });
    expect(bad.committed).toBe(false);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('counts exactly the samples at or before the retention cutoff, refusing unless allowed', async () => {
    // 3 series of 10,000 samples: many staged rows wholly before, wholly after and across the cutoff.
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) for (let i = 0; i < 10_000; i++) lines.push(`r{k="${k}"} ${i} ${1_000_000 + i * 1000 + k}`);
    const text = `${lines.join('\n')}\n`;
    const cutoffs: number[] = [];
    const retention = (allow: boolean) => ({
      cutoff: (newest: number) => {
        cutoffs.push(newest);
        return newest - 2_500_000;
      },
      fate: 'gone',
      allow,
      allowName: 'allowOld',
    });
    const refused = await importText({ text }, ts.store, { stagingDir: join(ts.dir, 'staging'), retention: retention(false) });
    expect(cutoffs).toEqual([1_000_000 + 9_999_000 + 2]);
    // The cutoff is 10,999,002 - 2,500,000: samples 1,000,000 + i * 1000 + k at or before it.
    const expected = [0, 1, 2].reduce((n, k) => n + Math.floor((8_499_002 - 1_000_000 - k) / 1000) + 1, 0);
    expect(refused.committed).toBe(false);
    expect(refused.error).toMatch(
      new RegExp(
        `^${expected} of the 30000 samples are older than the hub keeps raw data .*would be gone\\. Nothing was imported: import them anyway with allowOld`,
      ),
    );
    expect(dumpBits(ts.store).size).toBe(0);
    const allowed = await importText({ text }, ts.store, { stagingDir: join(ts.dir, 'staging'), retention: retention(true) });
    expect(allowed).toMatchObject({
      committed: true,
      appended: 30_000,
      pastRetention: { samples: expected, cutoffMs: 8_499_002, fate: 'gone' },
    });
  });

  it('streams a file with progress in bytes and samples while reading, then samples committed', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`big{k="${i % 7}"} ${i * 0.25} ${1_000_000 + i}`);
    const path = join(ts.dir, 'big.prom');
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path, text);
    const seen: ImportProgress[] = [];
    const committing: { samples: number; series: number }[] = [];
    const summary = await importText({ path }, ts.store, {
      stagingDir: join(ts.dir, 'staging'),
      onProgress: (p) => seen.push(p),
      onCommit: (c) => committing.push(c),
    });
    const size = Buffer.byteLength(text);
    expect(summary).toMatchObject({ committed: true, samples: 300_000, series: 7, bytesRead: size });
    expect(committing).toEqual([{ samples: 300_000, series: 7 }]);
    const reading = seen.filter((p) => p.phase === 'reading');
    const commit = seen.filter((p) => p.phase === 'committing');
    expect(seen).toEqual([...reading, ...commit]);
    expect(reading.length).toBeGreaterThan(2);
    for (let i = 1; i < reading.length; i++) {
      expect(reading[i].bytesRead).toBeGreaterThan(reading[i - 1].bytesRead);
      expect(reading[i].samples).toBeGreaterThan(reading[i - 1].samples);
    }
    expect(reading.at(-1)).toEqual({ phase: 'reading', bytesRead: size, totalBytes: size, samples: 300_000, committed: 0 });
    expect(commit.length).toBeGreaterThan(1);
    for (let i = 1; i < commit.length; i++) expect(commit[i].committed).toBeGreaterThan(commit[i - 1].committed);
    expect(commit.at(-1)).toEqual({ phase: 'committing', bytesRead: size, totalBytes: size, samples: 300_000, committed: 300_000 });
  });

  it('reports lossless lines that are broken, by number', async () => {
    const text = '{"format":"mhb-json","version":1}\n{"labels":{"__name__":"a"},"timestamps":[1],"values":["zz"]}\nnot json\n';
    const summary = await importText({ text }, ts.store);
    expect(summary.format).toBe('mhb-json');
    expect(summary.rejected.map((r) => r.line)).toEqual([2, 3]);
    expect(summary.committed).toBe(false);
  });
});

describe('importText committing many series', () => {
  it('appends slices of SERIES_PER_APPEND series and lets other work run between them', async () => {
    const text = `${Array.from({ length: 2 * SERIES_PER_APPEND + 10 }, (_, i) => `wide{i="${i}"} 1 1000`).join('\n')}\n`;
    const slices: number[] = [];
    let ticks = 0;
    const ticksAtSlices: number[] = [];
    const appender = {
      append: (batch: Parameters<typeof ts.store.append>[0]) => {
        slices.push(batch.length);
        ticksAtSlices.push(ticks);
        return ts.store.append(batch);
      },
    };
    const ticker = setInterval(() => ticks++, 0);
    try {
      const summary = await importText({ text }, appender);
      expect(summary).toMatchObject({ committed: true, appended: 2 * SERIES_PER_APPEND + 10, series: 2 * SERIES_PER_APPEND + 10 });
    } finally {
      clearInterval(ticker);
    }
    expect(slices).toEqual([SERIES_PER_APPEND, SERIES_PER_APPEND, 10]);
    // Timers fired between the first slice and the last: the event loop was free meanwhile.
    expect(ticksAtSlices.at(-1)!).toBeGreaterThan(ticksAtSlices[0]);
  });
});
