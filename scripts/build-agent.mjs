// Builds the agent as one file (dist/metrics-agent.mjs) for scripts/install-agent.sh.
// ZeroMQ is a native addon and stays outside: install `zeromq` next to the file to enable
// the push intake; everything else is inside.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['apps/agent/src/cli.ts'],
  outfile: 'dist/metrics-agent.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['zeromq'],
  // Some dependencies still call require(); give them one in the ES module.
  // A small young generation and heap (the agent's working set is ~10 MB, V8's defaults
  // reserve far more) and two malloc arenas (glibc gives every thread its own otherwise).
  banner: { js: "#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --max-old-space-size=64\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { 'import.meta.url': 'import.meta.url' },
  minify: true,
  legalComments: 'none',
  logLevel: 'info',
});
chmodSync('dist/metrics-agent.mjs', 0o755);
