// The peers for real, where Debian's packages are installed (CI installs them).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importIntoVictoriaMetrics, startPrometheus, startVictoriaMetrics, type PeerServer } from './peer-servers.ts';
import { processRssBytes } from './process-stats.ts';
import { systemTool } from './system-tools.ts';
import { tempDir } from './temp-dir.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.UTC(2026, 0, 1);
const instant = async (peer: PeerServer, query: string, timeMs: number) =>
  (await (await fetch(`${peer.url}/api/v1/query?${new URLSearchParams({ query, time: String(timeMs / 1000) })}`)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };

describe.runIf(systemTool('victoria-metrics', 'victoria-metrics', 'the peer tests'))('VictoriaMetrics as a peer', () => {
  it('imports Prometheus text with ms timestamps older than now, and answers once all series are searchable', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = tempDir('vm-peer-test-', cleanups);
    const vm = await startVictoriaMetrics(dir.file('data'));
    cleanups.push(() => vm.stop());
    const file = dir.file('fleet.prom');
    writeFileSync(
      file,
      `# TYPE load gauge\nload{host="a"} 1.5 ${T0}\nload{host="a"} 2.5 ${T0 + 10_000}\nload{host="b"} 7 ${T0 + 10_000}\n`,
    );
    const seconds = await importIntoVictoriaMetrics(vm, file, { series: 2, samples: 3, startMs: T0, endMs: T0 + 10_000 });
    expect(seconds).toBeGreaterThan(0);
    const answer = await instant(vm, 'load', T0 + 10_000);
    expect(answer.data.result.map((r) => [r.metric.host, r.value[1]]).sort()).toEqual([
      ['a', '2.5'],
      ['b', '7'],
    ]);
    await vm.stop();
    expect(processRssBytes(vm.pid)).toBe(0);
  });
});

describe.runIf(systemTool('promtool', 'prometheus', 'the peer tests'))('Prometheus as a peer', () => {
  it('serves blocks promtool made from OpenMetrics, however old', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = tempDir('prom-peer-test-', cleanups);
    writeFileSync(
      dir.file('fleet.om'),
      `# TYPE load gauge\nload{host="a"} 1.5 ${T0 / 1000}\nload{host="a"} 2.5 ${T0 / 1000 + 10}\n# EOF\n`,
    );
    const made = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', dir.file('fleet.om'), dir.file('data')]);
    expect(made.status).toBe(0);
    const prom = await startPrometheus(dir.file('data'));
    cleanups.push(() => prom.stop());
    expect((await instant(prom, 'load', T0 + 10_000)).data.result).toEqual([
      { metric: { __name__: 'load', host: 'a' }, value: [T0 / 1000 + 10, '2.5'] },
    ]);
  });

  it('says why a server that exits at start failed, with its log', async () => {
    const dir = tempDir('prom-peer-test-', cleanups);
    writeFileSync(dir.file('not-a-folder'), '');
    await expect(startPrometheus(dir.file('not-a-folder'))).rejects.toThrow(
      /prometheus exited \(\d+\) before answering http:\/\/127\.0\.0\.1:\d+\/-\/ready: .*not a directory/s,
    );
  });
});
