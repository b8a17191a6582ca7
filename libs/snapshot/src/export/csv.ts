// CSV exports (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR
// or LF). Every row has both an RFC 3339 time (spreadsheets) and unix milliseconds
// (pandas, exact). Values use Prometheus's float text (NaN, +Inf, -Inf, 1e+06), which
// pandas and spreadsheets read as numbers. Staleness markers are not values, so they
// are left out: in the long form the row is skipped, in the wide form the cell is empty.

import { formatFloat } from '@metrics-hub/expfmt';
import { formatLabels, isStaleNaN } from '@metrics-hub/wire';
import type { ChunkedWriter } from './chunked-writer.ts';
import type { ExportSeries } from './selection.ts';
import { rfc3339 } from './time-text.ts';

const EOL = '\r\n';

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per sample: `timestamp,unix_ms,value,__name__,<label>...` with one column per
 * label name found in the selection (sorted; empty where a series lacks the label).
 */
export function writeCsvLong(series: readonly ExportSeries[], out: ChunkedWriter): void {
  const names = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.labels)) if (k !== '__name__') names.add(k);
  const labelNames = ['__name__', ...[...names].sort()];
  out.add(['timestamp', 'unix_ms', 'value', ...labelNames].map(csvField).join(',') + EOL);
  for (const s of series) {
    const labelCells = labelNames.map((n) => csvField(s.labels[n] ?? '')).join(',');
    for (const block of s.blocks()) {
      for (let i = 0; i < block.length; i++) {
        const v = block.values[i];
        if (isStaleNaN(v)) continue;
        const t = block.timestamps[i];
        out.add(`${rfc3339(t)},${t},${formatFloat(v)},${labelCells}${EOL}`);
      }
    }
  }
}

/**
 * One row per timestamp (the union over all series, ascending), one column per series
 * headed `name{label="value"}`, empty cells where a series has no sample at that time.
 * Series are merged one block at a time, so memory stays one block per series.
 */
export function writeCsvWide(series: readonly ExportSeries[], out: ChunkedWriter): void {
  out.add(['timestamp', 'unix_ms', ...series.map((s) => formatLabels(s.labels))].map(csvField).join(',') + EOL);
  const cursors = series.map((s) => new BlockCursor(s.blocks()[Symbol.iterator]()));
  const cells = new Array<string>(series.length);
  for (;;) {
    let t = Infinity;
    for (const c of cursors) if (c.time < t) t = c.time;
    if (t === Infinity) break;
    let any = false;
    for (let k = 0; k < cursors.length; k++) {
      const c = cursors[k];
      cells[k] = '';
      if (c.time !== t) continue;
      const v = c.value;
      c.next();
      if (isStaleNaN(v)) continue;
      cells[k] = formatFloat(v);
      any = true;
    }
    // A time where every series only has a staleness marker has nothing to show.
    if (any) out.add(`${rfc3339(t)},${t},${cells.join(',')}${EOL}`);
  }
}

/** Walks the samples of one series across its blocks; `time` is Infinity at the end. */
class BlockCursor {
  time = Infinity;
  value = NaN;
  private block: { timestamps: Float64Array; values: Float64Array; length: number } | undefined;
  private i = 0;

  constructor(private readonly blocks: Iterator<{ timestamps: Float64Array; values: Float64Array; length: number }>) {
    this.advanceBlock();
  }

  next(): void {
    this.i++;
    if (this.block && this.i < this.block.length) this.load();
    else this.advanceBlock();
  }

  private advanceBlock(): void {
    for (;;) {
      const r = this.blocks.next();
      if (r.done) {
        this.block = undefined;
        this.time = Infinity;
        return;
      }
      if (r.value.length > 0) {
        this.block = r.value;
        this.i = 0;
        this.load();
        return;
      }
    }
  }

  private load(): void {
    this.time = this.block!.timestamps[this.i];
    // Stale-marker detection tolerates V8 quieting the NaN when it is copied out here.
    this.value = this.block!.values[this.i];
  }
}
