// The HTTP API token of a hub run by the desktop app: one per data folder, kept in
// `<data>/http-token` (readable by this user only), so that Grafana, scripts and the
// `hub export | import | ...` commands can use the API the app protects, across restarts.
// A token set in hub.yaml (http.token) takes its place.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function apiTokenFile(dataDir: string): string {
  return join(dataDir, 'http-token');
}

/** The folder's token, if one was made. */
export function readApiToken(dataDir: string): string | undefined {
  const file = apiTokenFile(dataDir);
  if (!existsSync(file)) return undefined;
  const token = readFileSync(file, 'utf8').trim();
  return token.length >= 32 ? token : undefined;
}

/** The folder's token, made (at random, 256 bits) the first time. */
export function ensureApiToken(dataDir: string): string {
  const existing = readApiToken(dataDir);
  if (existing) return existing;
  const token = randomBytes(32).toString('hex');
  const file = apiTokenFile(dataDir);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // A file that existed (too short, damaged) keeps its old mode otherwise.
  chmodSync(file, 0o600);
  return token;
}
