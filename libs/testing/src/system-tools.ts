// System programs some tests drive for real (Debian's mosquitto, promtool, Chromium, ...).
// Where one is missing its tests are skipped, except under CI=true: there a missing program
// is a failure naming the Debian package, so that CI never silently skips those tests.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where `program` is: an absolute path as given, a bare name on $PATH; undefined when absent. */
export function findProgram(program: string): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/**
 * Every program of `tools` (program -> the Debian package that installs it), by where it is,
 * or undefined when any is missing; under CI=true a missing one throws instead, naming
 * each missing program, its package and scripts/install-system-deps.sh. `purpose` says who
 * needs them, for that message.
 */
export function systemTools<P extends string>(tools: Record<P, string>, purpose = 'these tests'): Record<P, string> | undefined {
  const found: Partial<Record<P, string>> = {};
  const missing: string[] = [];
  for (const [program, pkg] of Object.entries(tools) as [P, string][]) {
    const path = findProgram(program);
    if (path) found[program] = path;
    else missing.push(`${program} (Debian package ${pkg})`);
  }
  if (missing.length === 0) return found as Record<P, string>;
  if (process.env.CI === 'true') {
    throw new Error(
      `${purpose} need ${missing.join(', ')}, not installed: run scripts/install-system-deps.sh, which CI must do before the tests`,
    );
  }
  return undefined;
}

/** One program: its path, or undefined when it is missing (under CI=true: throws, see systemTools). */
export function systemTool(program: string, debianPackage: string, purpose?: string): string | undefined {
  return systemTools({ [program]: debianPackage }, purpose)?.[program];
}
