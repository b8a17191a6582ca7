// Child process for the unjournaled-append test: appends `series` series of 100 samples
// without journal rows, seals them when told to, prints "done" and waits to be killed.
import { writeSync } from 'node:fs';
import { TimeSeriesStore } from '../store.ts';

export const UNJOURNALED_T0 = Date.UTC(2026, 0, 1, 0, 10);

const [path, seriesArg, seal] = process.argv.slice(2);
const store = TimeSeriesStore.open({ path });
// A live series, journaled as usual, beside the import.
store.append([{ labels: { __name__: 'live' }, timestamps: [UNJOURNALED_T0], values: [1] }]);
for (let s = 0; s < Number(seriesArg); s++) {
  const timestamps = Array.from({ length: 100 }, (_, i) => UNJOURNALED_T0 + i * 10_000 + ((i * 37) % 200));
  store.append([{ labels: { __name__: 'imported', s: String(s) }, timestamps, values: timestamps.map((_, i) => i * s) }], {
    journaled: false,
  });
}
if (seal === 'seal') store.sealUnjournaled();
writeSync(1, 'done\n');
setInterval(() => {}, 1000);
