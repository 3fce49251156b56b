import { defineConfig } from 'vitest/config';

// End-to-end tests: real headless Chromium (Debian's, via playwright-core) against the built app
// served by scripts/serve.mjs. The global setup builds once, starts the server on a free port and
// provides its URL and the browser path to the tests (inject('baseUrl'), inject('chromePath')).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/support/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
  },
});
