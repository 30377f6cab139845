import { defineConfig } from '@playwright/test';

// Real Debian Chromium; nothing is downloaded. The flags keep Chromium off the (closed) network.
export default defineConfig({
  testDir: 'test',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/support/temp-root.ts',
  workers: 2,
  timeout: 60_000,
  reporter: process.env.CI ? 'list' : 'line',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
