import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fleetFile } from './fleet-files.ts';
import { tempDir } from './temp-dir.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0)) c();
});

/** A generator shaped like ../shared/bench/dataset.mjs that logs each run to `runs.log` beside it. */
function fakeShared(body = ''): { shared: string; runs: () => string[] } {
  const shared = tempDir('fleet-files-test-', cleanups);
  mkdirSync(shared.file('bench'));
  writeFileSync(
    shared.file('bench/dataset.mjs'),
    `import { appendFileSync } from 'node:fs';
const argv = process.argv.slice(2);
appendFileSync(new URL('./runs.log', import.meta.url), argv.join(' ') + '\\n');
const hosts = Number(argv[argv.indexOf('--hosts') + 1]);
${body}
if (argv.includes('--stats')) console.log(JSON.stringify({ series: hosts, samples: hosts * 2 }));
else if (argv.includes('--ms')) console.log('x 1 1000');
else console.log('x 1 1\\n# EOF');
`,
  );
  vi.stubEnv('METRICS_HUB_SHARED', shared.path);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const log = shared.file('bench/runs.log');
  return { shared: shared.path, runs: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('fleetFile', () => {
  it('writes the file once per set of arguments, with its counts, and finds it in the cache the next time', async () => {
    const { runs } = fakeShared();
    const cache = tempDir('fleet-cache-', cleanups).path;
    const om = await fleetFile({ hosts: 3, hours: 2, jitterMs: 250, format: 'openmetrics' }, cache);
    expect(readFileSync(om.path, 'utf8')).toBe('x 1 1\n# EOF\n');
    expect(om).toMatchObject({ series: 3, samples: 6, bytes: 12 });
    expect(om.path).toMatch(/fleet-3h-2hr-j250-[0-9a-f]{8}\.om$/);
    expect(runs()).toEqual(['--hosts 3 --hours 2 --jitter-ms 250 --stats', '--hosts 3 --hours 2 --jitter-ms 250']);

    expect(await fleetFile({ hosts: 3, hours: 2, jitterMs: 250, format: 'openmetrics' }, cache)).toEqual(om);
    expect(runs()).toHaveLength(2);

    const prom = await fleetFile({ hosts: 3, hours: 2, jitterMs: 250, format: 'prometheus' }, cache);
    expect(readFileSync(prom.path, 'utf8')).toBe('x 1 1000\n');
    expect(prom.path).toMatch(/\.prom$/);
    expect(runs().at(-1)).toBe('--hosts 3 --hours 2 --jitter-ms 250 --ms');
  });

  it('writes anew when the generator changed', async () => {
    const { shared, runs } = fakeShared();
    const cache = tempDir('fleet-cache-', cleanups).path;
    const first = await fleetFile({ hosts: 1, hours: 1, jitterMs: 0, format: 'openmetrics' }, cache);
    appendFileSync(`${shared}/bench/dataset.mjs`, '// changed\n');
    const second = await fleetFile({ hosts: 1, hours: 1, jitterMs: 0, format: 'openmetrics' }, cache);
    expect(second.path).not.toBe(first.path);
    expect(runs()).toHaveLength(4);
  });

  it('leaves nothing behind when the generator fails, and says how it failed', async () => {
    fakeShared("if (!argv.includes('--stats')) { console.error('disk full'); process.exit(3); }");
    const cache = tempDir('fleet-cache-', cleanups).path;
    await expect(fleetFile({ hosts: 1, hours: 1, jitterMs: 0, format: 'openmetrics' }, cache)).rejects.toThrow(/exited 3 .*disk full/s);
    expect(readdirSync(cache)).toEqual([]);
  });
});
