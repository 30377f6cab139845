import { defineConfig } from 'vitest/config';

// Unit and collector tests (Node). Browser behaviour lives in the Playwright suite (*.spec.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/temp-root.ts'],
    testTimeout: 30_000,
    // Hooks start and stop real collectors, ClickHouse and nginx; on a loaded 2-core machine a graceful
    // stop can outlast vitest's 10 s default.
    hookTimeout: 60_000,
  },
});
