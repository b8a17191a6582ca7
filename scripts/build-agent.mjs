// Builds the agent as one file (dist/metrics-agent.mjs) for scripts/install-agent.sh.
// ZeroMQ is a native addon and stays outside: install `zeromq` next to the file to enable
// the push intake; everything else is inside.
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

const NODE_FLAGS = '--max-semi-space-size=1 --max-old-space-size=64 --optimize-for-size --v8-pool-size=1';

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
  // The shebang carries the runtime settings; install-agent.sh and the resources bench
  // read them from here. A small young generation and heap (the agent's working set is
  // ~10 MB, V8's defaults reserve far more), V8 tuned for size (-8 MB resident for +0.3%
  // of a core at a 1 s interval), one V8 worker thread and two malloc arenas (glibc gives
  // every thread its own otherwise).
  banner: {
    js: `#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node ${NODE_FLAGS}\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);`,
  },
  define: { 'import.meta.url': 'import.meta.url' },
  minify: true,
  legalComments: 'none',
  logLevel: 'info',
});
chmodSync('dist/metrics-agent.mjs', 0o755);
