// Child process for the crash test: appends numbered payloads to a queue forever and
// prints "ok <n>" after each append returns, until killed.
import { writeSync } from 'node:fs';
import { SegmentQueue } from '../buffer/segment-queue.ts';

const [dir] = process.argv.slice(2);
const q = SegmentQueue.open(dir, { segmentBytes: 4096 });
for (let n = 0; ; n++) {
  const payload = new TextEncoder().encode(`payload-${n}-`.padEnd(50 + (n % 200), 'x'));
  q.append(payload);
  writeSync(1, `ok ${n}\n`);
}
