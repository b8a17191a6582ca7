import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_SETTINGS, appSettingsFile, readAppSettings, saveAppSettings } from './app-settings.ts';
import { ConfigError } from './config.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'app-settings-'));
  dirs.push(dir);
  return dir;
}
function problemsOf(dir: string): string[] {
  try {
    readAppSettings(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('the app settings file', () => {
  it('reads back every key the app writes, as the settings view saves them', () => {
    const dir = dataDir();
    const saved = { 'broker.listen': '0.0.0.0:1884', 'http.listen': '127.0.0.1:9500', 'store.retention': '30d' };
    expect(Object.keys(saved).sort()).toEqual([...APP_SETTINGS].sort());
    saveAppSettings(`hub:\n  data_dir: ${dir}\n`, join(dir, 'hub.yaml'), {}, dir, saved);
    expect(readAppSettings(dir)).toEqual(saved);
    // A setting cleared in the app is left out of the file, which still reads.
    saveAppSettings(`hub:\n  data_dir: ${dir}\n`, join(dir, 'hub.yaml'), {}, dir, { 'broker.listen': '' });
    expect(readAppSettings(dir)).toEqual({ 'http.listen': '127.0.0.1:9500', 'store.retention': '30d' });
    saveAppSettings(`hub:\n  data_dir: ${dir}\n`, join(dir, 'hub.yaml'), {}, dir, { 'http.listen': '', 'store.retention': '' });
    expect(readFileSync(appSettingsFile(dir), 'utf8')).toContain('{}');
    expect(readAppSettings(dir)).toEqual({});
  });

  it('refuses a key the app does not write, with its line and the key it likely meant', () => {
    const dir = dataDir();
    writeFileSync(appSettingsFile(dir), '# Changed in the app\nhttp.listen: 127.0.0.1:9500\nstore.retension: 30d\n');
    expect(problemsOf(dir)).toEqual([
      `${appSettingsFile(dir)}:3: unknown key "store.retension": did you mean "store.retention"? Known keys are broker.listen, http.listen, store.retention`,
    ]);
    writeFileSync(appSettingsFile(dir), '- http.listen\n');
    expect(problemsOf(dir)[0]).toMatch(
      /settings\.yaml:1: the config must be a mapping of settings \(broker\.listen, http\.listen, store\.retention\)/,
    );
    writeFileSync(appSettingsFile(dir), 'http.listen: [a]\n');
    expect(problemsOf(dir)).toEqual([`${appSettingsFile(dir)}:1: http.listen must be text (got a list): as in hub.yaml`]);
  });
});
