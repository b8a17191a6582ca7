import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One runner for every package: tests live beside the code they test.
export default defineConfig({
  // Git worktrees share main's node_modules, whose workspace links point at main's libs;
  // resolve this repo's own snapshot lib so a worktree tests its own code.
  resolve: { alias: { '@metrics-hub/snapshot': fileURLToPath(new URL('./libs/snapshot/src/index.ts', import.meta.url)) } },
  test: {
    include: ['libs/*/src/**/*.test.ts', 'libs/*/conformance/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
