// Fresh folders under the system's temporary directory, for real files in tests and benchmarks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  /** A path inside the folder. */
  file(name: string): string;
  /** Removes the folder and everything in it (again is fine). */
  remove(): void;
}

/**
 * A new empty folder `<tmp>/<prefix>XXXXXX`. With `cleanups` (a test file's list of things
 * undone after each test or file), its removal is queued there; otherwise call `remove()`.
 */
export function tempDir(prefix = 'metrics-hub-test-', cleanups?: (() => unknown)[]): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const dir: TempDir = { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
  cleanups?.push(dir.remove);
  return dir;
}
