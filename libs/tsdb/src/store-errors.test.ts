// Errors at open and on read: each names what is wrong and the way out.
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from './rollup.ts';
import { StoreError } from './errors.ts';
import { eq, readAll, storePerTest, T0 } from './testing/store-fixture.ts';

const { open, dir } = storePerTest();

describe('errors', () => {
  it('a file that is not a database gives a clear error', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(dir.file('hub.db'), 'this is not a database, just some text that is long enough to look like a header'.repeat(100));
    expect(() => open()).toThrow(StoreError);
    expect(() => open()).toThrow(/damaged.*restore it from a snapshot/);
  });

  it('a damaged chunk is reported with its series, never returned as data', async () => {
    const s = open({ chunkMaxSamples: 16 });
    const ts = Array.from({ length: 64 }, (_, i) => T0 + i * 1000);
    s.append([{ labels: { __name__: 'd', job: 'x' }, timestamps: ts, values: ts.map((_, i) => i * 1.5) }]);
    s.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dir.file('hub.db'));
    const row = db.prepare('SELECT key, data FROM chunks ORDER BY key LIMIT 1 OFFSET 1').get() as { key: number; data: Buffer };
    row.data[Math.floor(row.data.length / 2)] ^= 0x10;
    db.prepare('UPDATE chunks SET data = ? WHERE key = ?').run(row.data, row.key);
    db.close();
    const again = open({ chunkMaxSamples: 16 });
    const [series] = again.select([eq('job', 'x')], T0, T0 + 64_000);
    expect(() => readAll(series)).toThrow(
      /the chunk of d\{job="x"\} covering 2026-01-01T00:00:01.000Z\.\.2026-01-01T00:00:16.000Z is damaged/,
    );
    again.close();
  });

  it('a second process on the same file is refused with a hint', async () => {
    const s = open();
    s.append([{ labels: { __name__: 'x' }, timestamps: [T0], values: [1] }]);
    expect(() => open()).toThrow(/in use by another process/);
    s.close();
  });

  it('bad options are named with the fix', () => {
    expect(() => open({ chunkWindowMs: 5 * HOUR_MS })).toThrow(/chunkWindowMs must be a whole number of hours that divides a day/);
    expect(() => open({ outOfOrderWindowMs: HOUR_MS, retention: { rawMs: HOUR_MS * 24, rollup1mMs: HOUR_MS } })).toThrow(
      /rollup1mMs must be at least retention.rawMs/,
    );
  });
});
