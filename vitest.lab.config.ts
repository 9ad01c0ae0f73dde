import { defineConfig } from 'vitest/config';

// The Zed lab's end-to-end tests (`npm run test:lab`): one real OpenStack shared by every file, so the
// files run one after another, and a scenario takes minutes.
export default defineConfig({
  test: {
    include: ['test/lab/**/*.lab.test.ts'],
    globalSetup: ['test/lab/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
  },
});
