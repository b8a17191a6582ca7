// Query threads yield the CPU to ingest: on Linux each query worker lowers its own thread's
// priority (nice 10), and the hub's main thread, which commits batches and sends PUBACKs,
// keeps its own.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Nice value of every thread of this process (field 19 of /proc/<pid>/task/<tid>/stat), by thread id. */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // After "pid (comm) ", the state is field 3: nice, field 19, is the 17th from there.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

it.runIf(process.platform === 'linux')('runs query workers at nice 10 and leaves the main thread at its own', async () => {
  const before = threadNices();
  const main = before.get(process.pid)!;
  const dir = tempDir('query-priority-', cleanups);
  const hub = await Hub.start(testHubConfig(dir.path, ['query:', '  max_concurrency: 2']), { log: () => {} });
  cleanups.push(() => hub.stop());
  await hub.queries!.warm();
  const after = threadNices();
  const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice === main + 10);
  // Two query workers' threads (a worker may start helper threads of its own, at its nice).
  expect(lowered.length).toBeGreaterThanOrEqual(2);
  expect(after.get(process.pid)).toBe(main);
  expect([...after].filter(([tid]) => before.has(tid)).every(([tid, nice]) => nice === before.get(tid))).toBe(true);
});
