// Builds the renderer (apps/desktop/src/renderer) into apps/desktop/dist/renderer: one
// app.js, one app.css and index.html, loaded by the Electron window and served by the
// headless hub at /. Fast (esbuild), so `npm start` and the UI tests run it every time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}apps/desktop/dist/renderer`;
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: `${root}apps/desktop/src/renderer/main.ts` },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
copyFileSync(`${root}apps/desktop/src/renderer/index.html`, `${out}/index.html`);
console.log(`renderer: built ${out}`);
