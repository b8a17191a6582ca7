// The data folder holds the store (series, samples, agent token hashes), alerting.yml
// (SMTP passwords, webhook URLs), the API token, the app's settings and snapshots of all
// of it: only the user the hub runs as may read it. A folder made by an older version, or
// by hand, keeps whatever mode it was given, so at every start the folder becomes 0700
// and everything in it 0600 (subfolders 0700), with one log line naming what changed.
// Files the hub writes later are created 0600 (`writeSecretFile`).

import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o600;
/** How deep the start-up pass goes: the folder's own subfolders (snapshots, local-agent/data, rules). */
const MAX_DEPTH = 3;

/** Writes `text` to `file` readable by this user only, whether the file existed or not. */
export function writeSecretFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: SECRET_FILE_MODE });
  chmodSync(file, SECRET_FILE_MODE);
}

/** Makes `dir` (created if missing) a folder only this user can enter. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  const mode = lstatSync(dir).mode & 0o777;
  if (mode & 0o077) chmodSync(dir, mode & DATA_DIR_MODE);
}

/**
 * Takes every group and other permission off the data folder and what is in it; returns
 * what changed as "path 755 -> 700", relative to the folder (empty when nothing did).
 * Symbolic links are left alone (their target may be anywhere); on Windows modes mean
 * little and nothing is reported.
 */
export function tightenDataDir(dataDir: string): string[] {
  if (process.platform === 'win32') return [];
  const changed: string[] = [];
  const visit = (path: string, depth: number): void => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      return; // gone meanwhile
    }
    if (st.isSymbolicLink() || !(st.isDirectory() || st.isFile())) return;
    const mode = st.mode & 0o777;
    const wanted = st.isDirectory() ? DATA_DIR_MODE : SECRET_FILE_MODE;
    // Only ever takes permissions away: a file the user made 0400 stays 0400.
    const next = mode & wanted;
    if (next !== mode) {
      try {
        chmodSync(path, next);
        changed.push(`${relative(dataDir, path) || '.'} ${octal(mode)} -> ${octal(next)}`);
      } catch (e) {
        changed.push(
          `${relative(dataDir, path) || '.'} left ${octal(mode)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
    }
    if (st.isDirectory() && depth < MAX_DEPTH) for (const name of readdirSync(path)) visit(join(path, name), depth + 1);
  };
  visit(dataDir, 0);
  return changed;
}

/** The log line for what `tightenDataDir` changed, or undefined when nothing did. */
export function tightenedLine(dataDir: string, changed: string[]): string | undefined {
  if (changed.length === 0) return undefined;
  const shown = changed.slice(0, 12).join(', ');
  const more = changed.length > 12 ? ` and ${changed.length - 12} more` : '';
  return `data folder ${dataDir}: readable by other users, now this user's only: ${shown}${more}`;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(3, '0');
}
