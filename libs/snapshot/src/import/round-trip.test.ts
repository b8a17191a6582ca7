import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_NAN } from '@metrics-hub/wire';
import { exportSelection, importText, type ExportFormat } from '../index.ts';
import { PROMTOOL, promtoolAvailable } from '../testing/promtool.ts';
import { dumpBits, tempStore, type TempStore } from '../testing/temp-store.ts';

const T0 = 1704067200000;
// Bits written out by hand: the values below, in order.
const SPECIALS = Float64Array.of(STALE_NAN, NaN, Infinity, -Infinity, -0, 0, 5e-324, 1.7976931348623157e308, 0.1, -1.5);
const SPECIAL_BITS = [
  '7ff0000000000002',
  '7ff8000000000000',
  '7ff0000000000000',
  'fff0000000000000',
  '8000000000000000',
  '0',
  '1',
  '7fefffffffffffff',
  '3fb999999999999a',
  'bff8000000000000',
];

let src: TempStore;
let dst: TempStore;
beforeEach(() => {
  src = tempStore();
  dst = tempStore();
  const timestamps = Array.from(SPECIALS, (_, i) => T0 + i * 15_000);
  src.store.append([{ labels: { __name__: 'special', kind: 'all' }, timestamps, values: SPECIALS }]);
  // Many series, long enough to span several stored chunks.
  const many = Array.from({ length: 40 }, (_, s) => {
    const n = 3000;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = T0 + i * 10_000 + s;
      vs[i] = i % 500 === 499 ? STALE_NAN : Math.sin(i + s) * 10 ** ((s % 9) - 4);
    }
    return { labels: { __name__: s % 2 ? 'odd_total' : 'even', series: String(s), note: 'a "quoted"\nvalue' }, timestamps: ts, values: vs };
  });
  expect(src.store.append(many).rejected).toEqual([]);
  src.store.setMetadata('odd_total', { type: 'counter', help: 'Odd ones.', unit: '' });
  src.store.setMetadata('even', { type: 'gauge', help: 'Even ones.', unit: '' });
});
afterEach(() => {
  src.cleanup();
  dst.cleanup();
});

function exportAll(format: ExportFormat): string {
  const chunks: string[] = [];
  exportSelection(src.store, { format, selection: { selector: '{__name__=~".+"}' }, startMs: T0, endMs: T0 + 40_000_000 }, (c) =>
    chunks.push(c),
  );
  return chunks.join('');
}

/** The source dump with staleness markers removed (what formats without them carry). */
function withoutStale(dump: Map<string, string>): Map<string, string> {
  return new Map(
    [...dump].map(([k, v]) => [
      k,
      v
        .split(' ')
        .filter((p) => !p.endsWith(':7ff0000000000002'))
        .join(' '),
    ]),
  );
}

describe('round trips', () => {
  it('stores the special values as written (the fixture is what we think)', () => {
    const dump = dumpBits(src.store);
    expect(dump.get('special{kind="all"}')).toBe(SPECIAL_BITS.map((b, i) => `${T0 + i * 15_000}:${b}`).join(' '));
    expect(dump.size).toBe(41);
  });

  it('mhb-json: export then import gives bit-identical samples, staleness markers included', async () => {
    const text = exportAll('mhb-json');
    expect(text).toContain('"7ff0000000000002"');
    const summary = await importText({ text }, dst.store);
    expect(summary).toMatchObject({
      format: 'mhb-json',
      committed: true,
      series: 41,
      problemCount: 0,
      samples: 40 * 3000 + SPECIALS.length,
    });
    expect(dumpBits(dst.store)).toEqual(dumpBits(src.store));
    expect(dst.store.metadata()).toEqual(src.store.metadata());
  });

  it('openmetrics: every value but the staleness markers round-trips exactly; markers are skipped', async () => {
    const text = exportAll('openmetrics');
    const summary = await importText({ text }, dst.store);
    expect(summary).toMatchObject({
      format: 'openmetrics',
      committed: true,
      series: 41,
      problemCount: 0,
      samples: 40 * 3000 - 40 * 6 + SPECIALS.length - 1,
    });
    expect(dumpBits(dst.store)).toEqual(withoutStale(dumpBits(src.store)));
    expect(dst.store.metadata().get('odd_total')).toEqual({ type: 'counter', help: 'Odd ones.', unit: '' });
  });

  it('promtool accepts the OpenMetrics export', (ctx) => {
    if (!promtoolAvailable()) ctx.skip();
    const file = join(src.dir, 'export.om.txt');
    writeFileSync(file, exportAll('openmetrics'));
    const out = join(src.dir, 'blocks');
    const run = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, out], { encoding: 'utf8' });
    expect(run.stderr + run.stdout).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(readdirSync(out).length).toBeGreaterThan(0);
    const list = spawnSync(PROMTOOL, ['tsdb', 'list', out], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    // Columns: BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, NUM CHUNKS, NUM SERIES, SIZE.
    const rows = list.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    const samples = rows.reduce((sum, r) => sum + Number(r[4]), 0);
    const series = new Set(rows.map((r) => r[6]));
    expect(samples).toBe(40 * 3000 - 40 * 6 + SPECIALS.length - 1);
    expect(series.size).toBeGreaterThan(0);
  });
});
