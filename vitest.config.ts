import { defineConfig } from 'vitest/config';

// One runner for every package: tests live beside the code they test.
export default defineConfig({
  test: {
    include: ['libs/*/src/**/*.test.ts', 'libs/*/conformance/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
