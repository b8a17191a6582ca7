// Memory and CPU of the real agent (the single-file build, as installed) collecting every
// host metric and delivering to a broker, at a 10 s and a 1 s interval. Prints figures.
//
//   npx tsx apps/agent/bench/resources.bench.ts [--seconds 180]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, printTable, processCpuSeconds, processRssBytes, progress } from '@metrics-hub/testing';
import { startAedes } from '../src/testing/brokers.ts';

// Defaults as the systemd unit runs it (scripts/install-agent.sh): two malloc arenas.
const args = parseBenchArgs(process.argv.slice(2), { seconds: 180, arenas: 2 });
execFileSync(process.execPath, ['scripts/build-agent.mjs'], {
  stdio: 'ignore',
  env: { ...process.env, ...(args.arenas ? { MALLOC_ARENA_MAX: String(args.arenas) } : {}) },
});
const broker = await startAedes({ bench: 'tok' });
const TICK = 100; // USER_HZ

const cpuTicks = (pid: number) => processCpuSeconds(pid) * TICK;
const rssBytes = processRssBytes;

async function measure(interval: string, seconds: number): Promise<{ rssMedian: number; rssMax: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-res-'));
  writeFileSync(
    join(dir, 'agent.yaml'),
    ['agent:', '  id: bench', `  data_dir: ${dir}/data`, `  interval: ${interval}`, 'hub:', `  url: ${broker.url}`, '  password: tok'].join(
      '\n',
    ),
  );
  // The V8 flags of the build's shebang, as the systemd unit (scripts/install-agent.sh) runs it.
  const flags = /^#!.* node (.*)$/m.exec(readFileSync('dist/metrics-agent.mjs', 'utf8').slice(0, 300))![1].split(' ');
  const child = spawn(process.execPath, [...flags, 'dist/metrics-agent.mjs', 'run', '--config', join(dir, 'agent.yaml')], {
    stdio: 'ignore',
  });
  const pid = child.pid!;
  await new Promise((r) => setTimeout(r, 5000)); // start-up and JIT warm-up are not steady state
  const startTicks = cpuTicks(pid);
  const start = Date.now();
  const rss: number[] = [];
  while (Date.now() - start < seconds * 1000) {
    rss.push(rssBytes(pid));
    progress(`interval ${interval}: ${Math.round((Date.now() - start) / 1000)} / ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const cpu = (cpuTicks(pid) - startTicks) / TICK / ((Date.now() - start) / 1000);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  rss.sort((a, b) => a - b);
  return { rssMedian: rss[Math.floor(rss.length / 2)], rssMax: rss[rss.length - 1], cpu };
}

const slow = await measure('10s', args.seconds);
const fast = await measure('1s', Math.max(30, Math.round(args.seconds / 2)));
progress('');
await broker.stop();
const fmt = (r: typeof slow) =>
  `RSS median ${(r.rssMedian / 1e6).toFixed(1)} MB, max ${(r.rssMax / 1e6).toFixed(1)} MB; CPU ${(r.cpu * 100).toFixed(2)}% of one core`;
printTable(`agent resources (dist/metrics-agent.mjs, all host collectors, delivering to a local broker)`, [
  [`10 s interval, ${args.seconds} s`, `${fmt(slow)}  (target: <= 60 MB, <= 1%)`],
  [`1 s interval, ${Math.max(30, Math.round(args.seconds / 2))} s`, `${fmt(fast)}  (target: <= 60 MB, <= 3%)`],
]);
process.exit(0);
