// `hub import | export | snapshot | restore` as a user runs them, against a real hub process.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tempDir } from '@metrics-hub/testing';
import { query, startHubProcess, type HubProcess } from './processes.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../desktop/src/headless/cli.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubCli(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env } });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

/** A fresh folder and the environment of a hub keeping its data there, on ports of its own. */
async function hubFolder(
  prefix: string,
  extra: (dir: string) => Record<string, string> = () => ({}),
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = tempDir(prefix, cleanups).path;
  const env = {
    METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
    METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${await freePort()}`,
    METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
    METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
    ...extra(dir),
  };
  return { dir, env };
}

describe('hub data commands', () => {
  it('imports a file (refusing a bad one whole), exports it back, snapshots the hub and restores it into a fresh one', async () => {
    const { dir, env } = await hubFolder('e2e-data-');
    const hub: HubProcess = await startHubProcess(env);
    cleanups.push(() => hub.stop());
    const t = Math.floor(Date.now() / 1000) - 600;
    const good = [
      '# HELP room_temp_celsius Room temperature.',
      '# TYPE room_temp_celsius gauge',
      `room_temp_celsius{room="a"} 21.5 ${t}`,
      `room_temp_celsius{room="a"} 22.25 ${t + 60}`,
      `room_temp_celsius{room="b"} -3e-7 ${t}`,
      '# EOF',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'bad.om'), good.replace('22.25', 'warm'));
    writeFileSync(join(dir, 'good.om'), good);
    const refused = await hubCli(env, 'import', join(dir, 'bad.om'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/NOT imported \(nothing was stored\)/);
    expect(refused.stdout).toMatch(new RegExp(`${join(dir, 'bad.om').replace(/[.]/g, '\\.')}:4: `));
    expect(await query(hub.http, 'count(room_temp_celsius)')).toEqual([]);
    const imported = await hubCli(env, 'import', join(dir, 'good.om'));
    expect(imported.stdout).toMatch(/^imported: 3 samples in 2 series/);
    const exported = await hubCli(
      env,
      'export',
      '--format',
      'openmetrics',
      '--selector',
      'room_temp_celsius',
      '--start',
      String(t - 1),
      '--end',
      String(t + 61),
      '--out',
      join(dir, 'out.om'),
    );
    expect(exported.code).toBe(0);
    const text = readFileSync(join(dir, 'out.om'), 'utf8');
    expect(text).toContain(`room_temp_celsius{room="a"} 22.25 ${t + 60}`);
    expect(text).toContain('-3e-07');
    // An incident: the dashboard that shows the series, with their window, in one file.
    const hubApi = `${hub.http}/api/hub/v1`;
    await fetch(`${hubApi}/dashboards/rooms`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Rooms', panels: [{ title: 'Temperature', expr: 'room_temp_celsius' }] }),
    });
    const incident = await hubCli(
      env,
      'incident',
      'create',
      '--dashboard',
      'rooms',
      '--start',
      new Date((t - 60) * 1000).toISOString(),
      '--end',
      new Date((t + 120) * 1000).toISOString(),
      '--out',
      join(dir, 'rooms.incident.gz'),
    );
    expect(incident.stdout).toMatch(/^incident: /);
    const snap = await hubCli(env, 'snapshot');
    const archive = /snapshot: (\S+\.tar\.gz)/.exec(snap.stdout)?.[1];
    expect(archive && existsSync(archive)).toBe(true);
    await hub.stop();
    const restored = await hubCli({}, 'restore', archive!, '--data-dir', join(dir, 'restored'));
    expect(restored.stdout).toMatch(/^restored \d+ files into/);
    const again = await startHubProcess({
      ...env,
      METRICS_HUB_HUB_DATA_DIR: join(dir, 'restored'),
      METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
    });
    cleanups.push(() => again.stop());
    const back = await query(again.http, 'room_temp_celsius{room="a"}', t + 60);
    expect(back.map((s) => s.value![1])).toEqual(['22.25']);
    // A third, empty hub takes the incident: its samples and its dashboard.
    const third = await startHubProcess({
      ...env,
      METRICS_HUB_HUB_DATA_DIR: join(dir, 'third'),
      METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
      METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${await freePort()}`,
    });
    cleanups.push(() => third.stop());
    const thirdEnv = { ...env, METRICS_HUB_HTTP_LISTEN: third.http.replace('http://', '') };
    const taken = await hubCli(thirdEnv, 'incident', 'import', join(dir, 'rooms.incident.gz'));
    expect(taken.stdout).toMatch(/^incident imported: 3 samples; dashboard incident-rooms/);
    expect((await query(third.http, 'count(room_temp_celsius)', t))[0].value![1]).toBe('2');
  }, 120_000);

  it('moves days past retention to the archive folder, answers from it, and `hub archive verify` names a damaged file', async () => {
    const { dir, env } = await hubFolder('e2e-archive-', (d) => ({
      METRICS_HUB_STORE_RETENTION: '2d',
      METRICS_HUB_STORE_ARCHIVE_DIR: join(d, 'archive'),
    }));
    const hub: HubProcess = await startHubProcess(env);
    cleanups.push(() => hub.stop());
    // Five days of a gauge every 5 minutes, up to now: the oldest days go to the archive on
    // import, which says so first (and refuses), then with --allow-old says where they went.
    const now = Math.floor(Date.now() / 1000);
    const lines = ['# TYPE room_temp_celsius gauge'];
    for (let t = now - 5 * 86_400; t <= now; t += 300) lines.push(`room_temp_celsius{room="a"} ${(t % 7) + 20} ${t}`);
    writeFileSync(join(dir, 'week.om'), [...lines, '# EOF', ''].join('\n'));
    const refused = await hubCli(env, 'import', join(dir, 'week.om'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/are older than the hub keeps raw data .*: they would be moved to cold storage in .*--allow-old/);
    const allowed = await hubCli(env, 'import', join(dir, 'week.om'), '--allow-old');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/\n {2}\d+ samples older than store\.retention \(at or before \S+\): moved to cold storage in /);
    const files = readdirSync(join(dir, 'archive'))
      .filter((f) => f.endsWith('.mharc'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const status = await hubCli(env, 'archive');
    expect(status.stdout).toContain(`${files.length} files`);
    // A query four days back reads the archive, says so, and sees every sample of its hour.
    const t = now - 4 * 86_400;
    const res = (await (
      await fetch(`${hub.http}/api/v1/query?query=${encodeURIComponent('count_over_time(room_temp_celsius[59m])')}&time=${t}`)
    ).json()) as { data: { result: { value: [number, string] }[] }; infos?: string[] };
    // Seen empty once in a flake hunt under heavy load, not reproduced since: say what was there.
    const seen = async () => `${JSON.stringify(res)}; archive: ${(await hubCli(env, 'archive')).stdout}; files: ${files.join(', ')}`;
    expect(res.data.result, await seen()).toHaveLength(1);
    expect(res.data.result[0].value[1]).toBe('12');
    expect(res.infos?.[0]).toMatch(/were read from the cold archive/);
    // Damage one file: verify reports it (and fails), naming the file.
    const victim = join(dir, 'archive', files[0]);
    const bytes = readFileSync(victim);
    bytes[Math.floor(statSync(victim).size / 2)] ^= 0xff;
    writeFileSync(victim, bytes);
    const verify = await hubCli(env, 'archive', 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`DAMAGED ${victim}`);
  }, 120_000);
});
