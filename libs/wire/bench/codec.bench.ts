/// <reference types="node" />
// Chunk codec benchmark on the shared fleet dataset. Prints figures, asserts nothing.
//   npx tsx libs/wire/bench/codec.bench.ts [--hosts 50] [--hours 24] [--runs 5]
import { decodeChunk, decodeColumns, encodeChunk, encodeColumns } from '../src/index.ts';

interface Series {
  labels: Record<string, string>;
  timestamps: Float64Array;
  values: Float64Array;
}
interface DatasetModule {
  fleetSeries(opts: { hosts?: number; hours?: number; jitterMs?: number }): Iterable<Series>;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const hosts = arg('hosts', 50);
const hours = arg('hours', 24);
const runs = arg('runs', 5);
const jitterMs = arg('jitter', 0);

// A computed specifier: the dataset is plain JavaScript shared by all benchmarks.
const datasetUrl = new URL('../../../../shared/bench/dataset.mjs', import.meta.url).href;
const { fleetSeries } = (await import(datasetUrl)) as DatasetModule;

const series = [...fleetSeries({ hosts, hours, jitterMs })];
let totalSamples = 0;
for (const s of series) totalSamples += s.timestamps.length;
console.log(`dataset: ${series.length} series, ${totalSamples} samples (hosts ${hosts}, hours ${hours}, jitter ${jitterMs} ms)`);

interface Chunk {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
}

function cut(size: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (const s of series) {
    for (let i = 0; i < s.timestamps.length; i += size) {
      const end = Math.min(i + size, s.timestamps.length);
      chunks.push({ name: s.labels.__name__, timestamps: s.timestamps.subarray(i, end), values: s.values.subarray(i, end) });
    }
  }
  return chunks;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// Byte 1 of a single-series chunk names its value encoding (FORMAT.md); chunkHeader folds
// near decimals into 'decimal', the benchmark tells them apart.
const ENCODINGS: Record<number, string> = { 1: 'xor', 2: 'decimal', 3: 'near decimal' };
const encodingOf = (chunk: Uint8Array) => ENCODINGS[chunk[1]] ?? `kind ${chunk[1]}`;
const fmt = (x: number, d = 3) => x.toFixed(d);

for (const size of [120, 720]) {
  const chunks = cut(size);
  const encoded = chunks.map((c) => encodeChunk(c.timestamps, c.values));

  let bytes = 0;
  let mismatches = 0;
  const perName = new Map<string, { bytes: number; samples: number }>();
  const perEncoding = new Map<string, number>();
  for (let k = 0; k < chunks.length; k++) {
    const c = chunks[k];
    const b = encoded[k];
    bytes += b.length;
    const entry = perName.get(c.name) ?? { bytes: 0, samples: 0 };
    entry.bytes += b.length;
    entry.samples += c.timestamps.length;
    perName.set(c.name, entry);
    const enc = encodingOf(b);
    perEncoding.set(enc, (perEncoding.get(enc) ?? 0) + 1);
    const d = decodeChunk(b);
    for (let i = 0; i < d.count; i++) {
      if (!Object.is(d.values[i], c.values[i]) || d.timestamps[i] !== c.timestamps[i]) {
        mismatches++;
        break;
      }
    }
  }

  const encodeRates: number[] = [];
  const decodeRates: number[] = [];
  const out = { timestamps: new Float64Array(size), values: new Float64Array(size) };
  let sink = 0;
  for (let run = 0; run < runs; run++) {
    let t = performance.now();
    for (const c of chunks) sink += encodeChunk(c.timestamps, c.values).length;
    encodeRates.push(totalSamples / ((performance.now() - t) / 1000));
    t = performance.now();
    for (const b of encoded) sink += decodeChunk(b, out).count;
    decodeRates.push(totalSamples / ((performance.now() - t) / 1000));
  }

  console.log(`\n== chunks of ${size} samples: ${chunks.length} chunks${mismatches ? `, ${mismatches} ROUND-TRIP MISMATCHES` : ''}`);
  console.log(`bytes/sample overall: ${fmt(bytes / totalSamples)}  (${bytes} bytes)`);
  const shares = [...perEncoding].map(([e, n]) => `${e} ${fmt((100 * n) / chunks.length, 1)}%`).join(', ');
  console.log(`chunks per encoding: ${shares}`);
  console.log(
    `encode: ${fmt(median(encodeRates) / 1e6, 1)} M samples/s   decode: ${fmt(median(decodeRates) / 1e6, 1)} M samples/s   (median of ${runs}; sink ${sink % 7})`,
  );
  console.log('bytes/sample per metric:');
  for (const [name, e] of [...perName].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(
      `  ${name.padEnd(38)} ${fmt(e.bytes / e.samples).padStart(6)}   share of bytes ${fmt((100 * e.bytes) / bytes, 1).padStart(5)}%`,
    );
  }
}

// Rollups as the store might keep them: per 5-minute bucket count, sum, min, max, first, last
// (sums added in float64, as a store would), one multi-column chunk per series and day.
{
  const bucket = 30;
  const names = ['count', 'sum', 'min', 'max', 'first', 'last'];
  let rows = 0;
  let bytes = 0;
  const alone: number[] = new Array(names.length).fill(0);
  let emptyBytes = 0;
  const columnEncodings = new Map<string, number>();
  const encoded: Uint8Array[] = [];
  for (const s of series) {
    const n = Math.floor(s.timestamps.length / bucket);
    const ts = new Float64Array(n);
    const cols = names.map(() => new Float64Array(n));
    for (let b = 0; b < n; b++) {
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = b * bucket; i < (b + 1) * bucket; i++) {
        const v = s.values[i];
        sum += v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      ts[b] = s.timestamps[b * bucket];
      cols[0][b] = bucket;
      cols[1][b] = sum;
      cols[2][b] = lo;
      cols[3][b] = hi;
      cols[4][b] = s.values[b * bucket];
      cols[5][b] = s.values[(b + 1) * bucket - 1];
    }
    const chunk = encodeColumns(ts, cols);
    encoded.push(chunk);
    rows += n;
    bytes += chunk.length;
    const empty = encodeColumns(ts, []).length;
    emptyBytes += empty;
    cols.forEach((c, k) => {
      const enc = encodingOf(encodeChunk(ts, c));
      columnEncodings.set(enc, (columnEncodings.get(enc) ?? 0) + 1);
      alone[k] += encodeColumns(ts, [c]).length - empty;
    });
  }
  const t = performance.now();
  let sink = 0;
  for (const b of encoded) sink += decodeColumns(b).count;
  const rate = (rows * names.length) / ((performance.now() - t) / 1000);
  console.log(`\n== rollups: ${names.join(', ')} per ${bucket}-sample bucket, one chunk per series (${rows / series.length} rows)`);
  console.log(
    `bytes/row: ${fmt(bytes / rows, 2)} (timestamps and framing ${fmt(emptyBytes / rows, 2)}), i.e. ${fmt(bytes / totalSamples)} bytes per raw sample`,
  );
  console.log(
    `columns alone, bytes/row: ${names.map((name, k) => `${name} ${fmt(alone[k] / rows, 2)}`).join(', ')}; sum of alone ${fmt((alone.reduce((a, b) => a + b, 0) + emptyBytes) / rows, 2)}`,
  );
  const shares = [...columnEncodings].map(([e, n]) => `${e} ${fmt((100 * n) / (series.length * names.length), 1)}%`).join(', ');
  console.log(`columns per encoding: ${shares}   decode: ${fmt(rate / 1e6, 1)} M values/s (sink ${sink % 7})`);
}
