// Shared by the collector tests: the recorded fixture tree and lookups into families.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { tempDir as sharedTempDir } from '@metrics-hub/testing';
import type { CollectContext, StatFs } from '../collector.ts';

export const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'host-a');

const removals: (() => unknown)[] = [];
// Registered on the root suite of each test file importing this module (modules are not
// shared between test files).
afterAll(() => {
  for (const remove of removals.splice(0)) remove();
});

/** A temporary directory, removed after the test file. */
export function tempDir(prefix = 'collect-'): string {
  return sharedTempDir(prefix, removals).path;
}

/**
 * The fixture's rootfs, made in a temporary directory: udev names its files b<major>:<minor>,
 * a name Windows cannot check out, so they are stored as fixtures/host-a/udev/b<major>_<minor>.
 */
function fixtureRootfs(): string {
  const root = tempDir('collect-rootfs-');
  const udev = path.join(root, 'run/udev/data');
  mkdirSync(udev, { recursive: true });
  for (const name of ['b8_0', 'b253_1']) copyFileSync(path.join(FIXTURE, 'udev', name), path.join(udev, name.replace('_', ':')));
  return root;
}

export const FIXTURE_PATHS = {
  procfs: path.join(FIXTURE, 'proc'),
  sysfs: path.join(FIXTURE, 'sys'),
  rootfs: fixtureRootfs(),
};

export function fixtureContext(overrides: Partial<CollectContext> = {}): CollectContext {
  return {
    paths: FIXTURE_PATHS,
    now: () => Date.UTC(2026, 10, 27, 12, 0, 0),
    statfs: async (p) => {
      throw Object.assign(new Error(`no fake statfs for ${p}`), { code: 'ENOENT' });
    },
    platform: 'linux',
    ...overrides,
  };
}

/** A statfs fake answering by mount point (the path relative to rootfs). */
export function fakeStatfs(rootfs: string, table: Record<string, StatFs | Error>): (p: string) => Promise<StatFs> {
  return async (p) => {
    const rel = `/${path.relative(rootfs, p)}`;
    const r = table[rel];
    if (r === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    if (r instanceof Error) throw r;
    return r;
  };
}

/** The families' names, in order. */
export function names(families: MetricFamily[]): string[] {
  return families.map((f) => f.name);
}

export function family(families: MetricFamily[], name: string): MetricFamily {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no family ${name} in ${families.map((x) => x.name).join(', ')}`);
  return f;
}

/** Canonical text of a label set: `a="1",b="2"` sorted by name. */
export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

/** Samples of a family as { labelKey: value }. */
export function values(families: MetricFamily[], name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of family(families, name).samples) out[labelKey(s.labels)] = s.value;
  return out;
}

/** The only sample's value of a family without labels. */
export function value(families: MetricFamily[], name: string): number {
  const f = family(families, name);
  if (f.samples.length !== 1) throw new Error(`${name} has ${f.samples.length} samples`);
  return f.samples[0].value;
}
