// One job per file: no source file over 500 lines, so that changing one thing means
// reading one job. The two parsers are exempt: each is one grammar, and splitting a
// recursive-descent parser scatters the grammar it follows.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const MAX_LINES = 500;
export const LONG_FILES_ALLOWED = new Map([
  ['libs/promql/src/parser.ts', 'the PromQL parser (one grammar)'],
  ['libs/expfmt/src/parser.ts', 'the exposition formats parser (one grammar)'],
]);
const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/;
const SKIP = new Set(['node_modules', 'dist', 'fixtures', 'testdata', '.nx']);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Source files under libs/, apps/ and scripts/ longer than MAX_LINES, with their line counts. */
export function oversizedFiles(root) {
  const found = [];
  for (const top of ['libs', 'apps', 'scripts']) {
    let files;
    try {
      files = [...sourceFiles(join(root, top))];
    } catch {
      continue;
    }
    for (const path of files) {
      const rel = relative(root, path).split('\\').join('/');
      if (LONG_FILES_ALLOWED.has(rel)) continue;
      const text = readFileSync(path, 'utf8');
      const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      if (lines > MAX_LINES) found.push({ path: rel, lines });
    }
  }
  return found;
}
