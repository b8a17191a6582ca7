// Settings changed in the app (addresses, retention) without editing hub.yaml: kept in
// <data dir>/settings.yaml and applied over hub.yaml at the next start (the environment
// still wins over both). They take effect on restart: the broker and HTTP listeners and
// the store are opened once.

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kindSchema, object, readYaml, type FieldSpec } from '@metrics-hub/config';
import { ConfigError, parseHubConfig, type HubConfig } from './config.ts';
import { writeSecretFile } from './file-modes.ts';

/** What the app may change, as config keys (section.key). */
export const APP_SETTINGS = ['broker.listen', 'http.listen', 'store.retention'] as const;
export type AppSettingKey = (typeof APP_SETTINGS)[number];
export type AppSettings = Partial<Record<AppSettingKey, string>>;

// Values are checked where they apply, against the whole config (parseHubConfig): here
// they are text, as the app writes them, and a key the app does not write is a mistake.
const setting: FieldSpec<string> = { schema: kindSchema<string>('string'), help: 'as in hub.yaml' };
const SETTINGS = object(Object.fromEntries(APP_SETTINGS.map((key) => [key, setting])) as Record<AppSettingKey, FieldSpec<string>>, {
  expected: `a mapping of settings (${APP_SETTINGS.join(', ')})`,
});

export function appSettingsFile(dataDir: string): string {
  return join(dataDir, 'settings.yaml');
}

/** The saved settings; a ConfigError (file, line, fix) for a file the app would not have written. */
export function readAppSettings(dataDir: string): AppSettings {
  const file = appSettingsFile(dataDir);
  if (!existsSync(file)) return {};
  const read = readYaml(readFileSync(file, 'utf8'), file, SETTINGS);
  if (read.problems.length) throw new ConfigError(read.problems);
  const out: AppSettings = {};
  for (const key of APP_SETTINGS) if (read.value?.[key] !== undefined) out[key] = read.value[key];
  return out;
}

/** The settings as environment overrides, under whatever the real environment sets. */
export function withAppSettings(settings: AppSettings, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(settings)) merged[`METRICS_HUB_${key.replace('.', '_')}`.toUpperCase()] = value;
  return { ...merged, ...env };
}

/**
 * Checks new settings against the whole config (a non-loopback HTTP address needs a
 * token, addresses must be host:port, ...) and saves them; throws ConfigError naming the
 * problems, saving nothing.
 */
export function saveAppSettings(
  hubYamlText: string,
  hubYamlFile: string,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  changes: AppSettings,
): HubConfig {
  const next = { ...readAppSettings(dataDir) };
  for (const [key, value] of Object.entries(changes)) {
    if (!(APP_SETTINGS as readonly string[]).includes(key))
      throw new ConfigError([`${key} cannot be changed from the app: edit ${hubYamlFile}`]);
    if (value === '' || value === undefined) delete next[key as AppSettingKey];
    else next[key as AppSettingKey] = String(value);
  }
  const config = parseHubConfig(hubYamlText, hubYamlFile, withAppSettings(next, env));
  const file = appSettingsFile(dataDir);
  writeSecretFile(`${file}.tmp`, `# Changed in the app; applied over hub.yaml at the next start.\n${stringify(next)}`);
  renameSync(`${file}.tmp`, file);
  return config;
}
