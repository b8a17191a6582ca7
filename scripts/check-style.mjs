// `npm test` runs this first: formatting and lint (Biome, biome.jsonc), the layers of the
// tree (dependency-cruiser, .dependency-cruiser.cjs) and file sizes (file-sizes.mjs).
// Each failure says how to fix it.
//   node scripts/check-style.mjs          check
//   node scripts/check-style.mjs --fix    format and apply safe lint fixes, then check
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAX_LINES, oversizedFiles } from './file-sizes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const fix = process.argv.includes('--fix');
const run = (args) => spawnSync('npx', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

export function checkStyle() {
  if (fix) run(['biome', 'check', '--write', '.']);
  console.log('style: formatting and lint (biome)');
  if (run(['biome', 'ci', '--error-on-warnings', '.']) !== 0) {
    console.error(
      'style: formatting or lint failed (above): `npm run fix` formats and applies the safe fixes; the rest names its rule and place',
    );
    return 1;
  }
  console.log('layers: imports between packages (dependency-cruiser)');
  if (run(['depcruise', 'libs', 'apps', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']) !== 0) {
    console.error('layers: an import crosses a boundary (above; the rules and why are in .dependency-cruiser.cjs)');
    return 1;
  }
  console.log(`sizes: no source file over ${MAX_LINES} lines`);
  const oversized = oversizedFiles(root);
  if (oversized.length > 0) {
    for (const f of oversized) console.error(`${f.path}: ${f.lines} lines`);
    console.error(`sizes: split each file above by job, into files of at most ${MAX_LINES} lines (scripts/file-sizes.mjs says why)`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(checkStyle());
