// Run in a child Node with a small heap by the bounded-memory import test:
//   node --max-old-space-size=MB --import tsx import-child.ts LINES SERIES partial|all
// imports LINES lines of one family (`big_family{i="N % SERIES"} 1 <ms>`), generated as a
// stream, into a real store with the import's default limits, staged in a folder beside
// it as the hub stages, and prints the summary, the peak heap, the RSS when everything
// is read and staged, and the peak RSS as one JSON line.
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { importText } from '../import/import-text.ts';
import { tempStore } from './temp-store.ts';

const [lines, series, mode] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const ts = tempStore();
let peakHeap = 0;
let rssAtCommitMb = 0;
const notePeak = () => {
  peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
};
async function* body(): AsyncGenerator<string> {
  const T0 = 1_700_000_000_000;
  let piece: string[] = [];
  for (let n = 0; n < lines; n++) {
    piece.push(`big_family{i="${n % series}"} 1 ${T0 + Math.floor(n / series) * 1000}\n`);
    if (piece.length === 2000) {
      yield piece.join('');
      piece = [];
      notePeak();
    }
  }
  if (piece.length) yield piece.join('');
}
try {
  const summary = await importText({ stream: body() }, ts.store, {
    format: 'prometheus',
    partial: mode === 'partial',
    stagingDir: join(ts.dir, 'staging'),
    onCommit: () => {
      rssAtCommitMb = process.memoryUsage().rss / 1024 / 1024;
    },
  });
  notePeak();
  const stored = ts.store.select([{ type: '=', name: '__name__', value: 'big_family' }], -1e15, 1e15).length;
  process.stdout.write(
    `${JSON.stringify({ committed: summary.committed, error: summary.error, samples: summary.samples, appended: summary.appended, stored, peakHeap, rssAtCommitMb, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} finally {
  ts.cleanup();
}
