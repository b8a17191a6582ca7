import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat } from './procstat.ts';
import { topProcessesCollector } from './topprocesses.ts';
import { FIXTURE_PATHS, family, fixtureContext, labelKey as k, tempDir, values } from './testing/testkit.ts';

/** Rewrites fields (numbered as in proc(5): 14 utime, 15 stime, 22 starttime, 24 rss) of <proc>/<pid>/stat. */
function setStat(proc: string, pid: number, changes: Record<number, number>, comm?: string): void {
  const file = path.join(proc, String(pid), 'stat');
  const text = readFileSync(file, 'utf8').trim();
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  for (const [field, v] of Object.entries(changes)) rest[Number(field) - 3] = String(v);
  const name = comm ?? text.slice(text.indexOf('(') + 1, close);
  writeFileSync(file, `${pid} (${name}) ${rest.join(' ')}\n`);
}

function newProcess(proc: string, pid: number, comm: string, fields: Record<number, number>): void {
  mkdirSync(path.join(proc, String(pid)), { recursive: true });
  cpSync(path.join(proc, '1', 'stat'), path.join(proc, String(pid), 'stat'));
  setStat(proc, pid, { 14: 0, 15: 0, 22: 0, 24: 0, ...fields }, comm);
  const file = path.join(proc, String(pid), 'stat');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^1 /, `${pid} `));
}

describe('parseProcStat', () => {
  it('takes the comm up to the last parenthesis', () => {
    const s = parseProcStat(readFileSync(path.join(FIXTURE_PATHS.procfs, '29982/stat'), 'utf8'));
    expect(s).toMatchObject({ pid: 29982, comm: 'we ird) x', state: 'S', utime: 0, stime: 0, numThreads: 1, starttime: 389322, rss: 410 });
  });
});

describe('top_processes', () => {
  it('ranks programs by resident memory, processes of one name summed, from the first collection', async () => {
    const fams = await topProcessesCollector({ n: 5 }).collect(fixtureContext());
    // rss pages × 4096 (no <procfs>/self/smaps in the fixture): postgres 20000 + 5000, node 15190,
    // systemd 3000, "we ird) x" 410; kernel threads and the zombie have none and are not ranked.
    expect(values(fams, 'agent_top_process_resident_memory_bytes')).toEqual({
      [k({ rank: '1', comm: 'postgres' })]: 25000 * 4096,
      [k({ rank: '2', comm: 'node' })]: 15190 * 4096,
      [k({ rank: '3', comm: 'systemd' })]: 3000 * 4096,
      [k({ rank: '4', comm: 'we ird) x' })]: 410 * 4096,
    });
    expect(family(fams, 'agent_top_process_resident_memory_bytes')).toMatchObject({ type: 'gauge', unit: 'bytes' });
    // No previous collection: no CPU figures yet.
    expect(fams.map((f) => f.name)).toEqual(['agent_top_process_resident_memory_bytes']);
  });

  it('ranks CPU use between two collections, per second of wall-clock time', async () => {
    const proc = tempDir();
    cpSync(FIXTURE_PATHS.procfs, proc, { recursive: true });
    writeFileSync(path.join(proc, 'uptime'), '5000.00 9000.00\n'); // 500000 ticks after boot
    let now = 1_000_000;
    const c = topProcessesCollector({ n: 5 });
    const ctx = fixtureContext({ paths: { ...FIXTURE_PATHS, procfs: proc }, now: () => now });
    await c.collect(ctx);

    setStat(proc, 3001, { 14: 700, 15: 150 }); // postgres: +200 +50 ticks
    setStat(proc, 3002, { 14: 250 }); // postgres: +50
    setStat(proc, 29983, { 14: 106 }); // node: +100
    newProcess(proc, 5000, 'sh', { 14: 30, 15: 10, 22: 510000 }); // started since: all 40 ticks count
    setStat(proc, 4000, { 14: 5, 15: 5, 22: 505000 }, 'cron'); // pid reused by a new cron: its 10 ticks
    newProcess(proc, 6000, 'old', { 14: 1000, 22: 100 }); // older than the previous collection but unseen then: skipped
    rmSync(path.join(proc, '2'), { recursive: true }); // kthreadd exited
    writeFileSync(path.join(proc, 'uptime'), '5010.00 9000.00\n');
    now += 10_000;

    const fams = await c.collect(ctx);
    const cpu = family(fams, 'agent_top_process_cpu_ratio');
    expect(cpu).toMatchObject({ type: 'gauge', unit: 'ratio' });
    expect(cpu.samples.map((s) => [s.labels.rank, s.labels.comm])).toEqual([
      ['1', 'postgres'],
      ['2', 'node'],
      ['3', 'sh'],
      ['4', 'cron'],
    ]);
    // ticks / 100 / 10 s; systemd used nothing and is not ranked
    expect(cpu.samples.map((s) => s.value)).toEqual([3 / 10, 1 / 10, 0.4 / 10, 0.1 / 10]);
    expect(Object.keys(cpu.samples[0].labels).sort()).toEqual(['comm', 'rank']);
  });

  it('keeps at most N per family', async () => {
    const c = topProcessesCollector({ n: 2 });
    const fams = await c.collect(fixtureContext());
    expect(family(fams, 'agent_top_process_resident_memory_bytes').samples.map((s) => s.labels)).toEqual([
      { rank: '1', comm: 'postgres' },
      { rank: '2', comm: 'node' },
    ]);
  });

  it('reports nothing for CPU when the clock did not move', async () => {
    const c = topProcessesCollector({ n: 3 });
    const ctx = fixtureContext();
    await c.collect(ctx);
    const fams = await c.collect(ctx);
    expect(fams.map((f) => f.name)).toEqual(['agent_top_process_resident_memory_bytes']);
  });
});
