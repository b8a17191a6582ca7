// Builds the Electron shell into apps/desktop/dist/electron: the main process, the hub's
// utility process and its query worker threads as ES modules, the sandboxed preload script
// as one CommonJS file (a sandboxed preload cannot load modules), and the tray icon.
// electron and the native modules stay external (better-sqlite3 must be rebuilt against
// Electron's headers for a package: electron-builder install-app-deps).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}apps/desktop/src`;
const out = `${root}apps/desktop/dist/electron`;
mkdirSync(out, { recursive: true });
const external = ['electron', 'better-sqlite3', 'zeromq'];
const common = { bundle: true, platform: 'node', target: 'node22', external, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
await Promise.all([
  build({
    ...common,
    // The hub's query workers (libs/hub/src/query) start query-worker.mjs beside hub-process.mjs.
    entryPoints: {
      main: `${src}/main/main.ts`,
      'hub-process': `${src}/hub-process/hub-process.ts`,
      'query-worker': `${root}libs/hub/src/query/query-worker.ts`,
    },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: { preload: `${src}/preload/preload.ts` },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    platform: 'node',
    target: 'chrome140',
  }),
]);
copyFileSync(`${root}apps/desktop/build/icons/tray.png`, `${out}/tray.png`);
// @metrics-hub/alerts finds its default rules at new URL('../rules/default.rules.yml',
// import.meta.url): next to the bundle, that is dist/rules.
mkdirSync(`${root}apps/desktop/dist/rules`, { recursive: true });
copyFileSync(`${root}libs/alerts/rules/default.rules.yml`, `${root}apps/desktop/dist/rules/default.rules.yml`);
console.log(`electron: built ${out}`);
