// The style and layer checks catch what they promise: a small tree with one violation of
// each kind, checked with the project's own biome.jsonc and .dependency-cruiser.cjs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@metrics-hub/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LONG_FILES_ALLOWED, MAX_LINES, oversizedFiles } from './file-sizes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function tree(files: Record<string, string>): string {
  const dir = tempDir('check-style-', cleanups).path;
  for (const name of ['biome.jsonc', '.dependency-cruiser.cjs', 'tsconfig.base.json']) copyFileSync(join(root, name), join(dir, name));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'fixture', private: true, type: 'module' }, null, 2)}\n`);
  for (const folder of ['libs', 'apps', 'scripts']) mkdirSync(join(dir, folder), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function run(dir: string, bin: string, args: string[]): { status: number | null; output: string } {
  const res = spawnSync(join(root, 'node_modules', '.bin', bin), args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe('layer rules (dependency-cruiser)', () => {
  const depcruise = (dir: string) =>
    run(dir, 'depcruise', ['libs', 'apps', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']);

  it('pass a tree that keeps to them', () => {
    const dir = tree({
      'libs/wire/src/index.ts': 'export const x = 1;\n',
      'libs/tsdb/src/index.ts':
        "import { readFileSync } from 'node:fs';\nimport { x } from '../../wire/src/index.ts';\nexport const y = x + readFileSync.length;\n",
      'apps/agent/src/main.ts': "import { y } from '../../../libs/tsdb/src/index.ts';\nexport const z = y;\n",
    });
    const res = depcruise(dir);
    expect(res.output).toMatch(/no dependency violations/);
    expect(res.status).toBe(0);
  });

  it('refuse a library importing an app, Node built-ins in portable code, reaching into internals, and imports of scripts/', () => {
    const dir = tree({
      'libs/wire/src/index.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync.length;\n",
      'libs/tsdb/src/index.ts': "import { z } from '../../../apps/agent/src/main.ts';\nexport const y = z;\n",
      'libs/tsdb/src/store.ts': 'export const store = 1;\n',
      'apps/agent/src/main.ts':
        "import { store } from '../../../libs/tsdb/src/store.ts';\nimport { kit } from '../../../scripts/kit.ts';\nexport const z = store + kit;\n",
      'apps/desktop/src/renderer/view.ts': "import { join } from 'node:path';\nexport const v = join('a');\n",
      'scripts/kit.ts': 'export const kit = 1;\n',
    });
    const res = depcruise(dir);
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/libs-never-import-apps: libs\/tsdb\/src\/index\.ts → apps\/agent\/src\/main\.ts/);
    expect(res.output).toMatch(/portable-code-has-no-node-builtins: libs\/wire\/src\/index\.ts → fs$/m);
    expect(res.output).toMatch(/portable-code-has-no-node-builtins: apps\/desktop\/src\/renderer\/view\.ts → path$/m);
    expect(res.output).toMatch(/no-reaching-into-another-package: apps\/agent\/src\/main\.ts → libs\/tsdb\/src\/store\.ts/);
    expect(res.output).toMatch(/nothing-imports-scripts: apps\/agent\/src\/main\.ts → scripts\/kit\.ts/);
  });
});

describe('formatting and lint (biome)', () => {
  const biome = (dir: string) => run(dir, 'biome', ['ci', '--colors=off', '--error-on-warnings', '--vcs-enabled=false', '.']);

  it('pass formatted, clean code', () => {
    const res = biome(tree({ 'libs/a/src/a.ts': 'export function twice(x: number): number {\n  return x * 2;\n}\n' }));
    expect(res.status, res.output).toBe(0);
  });

  it('refuse unformatted code, naming the file', () => {
    const res = biome(tree({ 'libs/a/src/a.ts': 'export function twice(x:number):number{return x*2}\n' }));
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/libs\/a\/src\/a\.ts format/);
  });

  it('refuse a lint finding, naming the rule', () => {
    const res = biome(tree({ 'libs/a/src/a.ts': "import { readFileSync } from 'node:fs';\n\nexport const a = 1;\n" }));
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/lint\/correctness\/noUnusedImports/);
  });
});

describe('file sizes', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const x${i} = ${i};\n`).join('');

  it('refuse a source file over the limit, anywhere under libs, apps or scripts, tests included', () => {
    const dir = tree({
      'libs/a/src/fits.ts': lines(MAX_LINES),
      'libs/a/src/long.ts': lines(MAX_LINES + 1),
      'apps/b/src/long.test.ts': lines(MAX_LINES + 20),
      'libs/a/src/fixtures/recorded.ts': lines(MAX_LINES * 2),
    });
    expect(oversizedFiles(dir)).toEqual([
      { path: 'libs/a/src/long.ts', lines: MAX_LINES + 1 },
      { path: 'apps/b/src/long.test.ts', lines: MAX_LINES + 20 },
    ]);
  });

  it('let the two parsers be as long as their grammars', () => {
    const dir = tree(Object.fromEntries([...LONG_FILES_ALLOWED.keys()].map((path) => [path, lines(MAX_LINES * 2)])));
    expect(oversizedFiles(dir)).toEqual([]);
  });
});
