import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: more workers only fight over them.
    maxWorkers: 2,
    // Property tests replay one fixed seed in CI (test/property-seed.ts).
    setupFiles: ['test/setup/property-seed.ts'],
  },
});
