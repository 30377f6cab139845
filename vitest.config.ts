import { defineConfig } from 'vitest/config';

// Unit and collector tests (Node). Browser behaviour lives in the Playwright suite (*.spec.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
