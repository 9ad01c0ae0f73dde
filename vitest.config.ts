import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The Zed lab's tests run in their own stage (vitest.lab.config.ts).
    exclude: ['test/lab/**', 'node_modules/**'],
    testTimeout: 60_000,
  },
});
