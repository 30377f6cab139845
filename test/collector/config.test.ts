// The collector's environment: defaults, and a clear message for each bad value (the CLI prints it and exits 1).
import { expect, test } from 'vitest';
import { ConfigError, readConfig } from '../../collector/src/config.js';

test('defaults', () => {
  const config = readConfig({});
  expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, store: 'embedded', rateLimitPerSecond: 50, dedupeMemoryKeys: 524_288, demo: false });
  expect(readConfig({ WISP_DEDUPE_MEMORY_KEYS: '64' }).dedupeMemoryKeys).toBe(64);
});

test.each([
  [{ WISP_PORT: '70000' }, /WISP_PORT must be an integer in 0..65535/],
  [{ WISP_STORE: 'sqlite' }, /WISP_STORE must be "embedded" or "clickhouse"/],
  [{ WISP_STORE: 'clickhouse' }, /needs WISP_CLICKHOUSE_URL/],
  [{ WISP_CLICKHOUSE_BUFFER_MB: '0' }, /WISP_CLICKHOUSE_BUFFER_MB must be at least 1/],
  [{ WISP_DEDUPE_MEMORY_KEYS: '0' }, /WISP_DEDUPE_MEMORY_KEYS must be at least 1/],
  [{ WISP_DEDUPE_MEMORY_KEYS: 'lots' }, /WISP_DEDUPE_MEMORY_KEYS must be an integer/],
])('%j is refused', (env, message) => {
  expect(() => readConfig(env)).toThrow(ConfigError);
  expect(() => readConfig(env)).toThrow(message);
});
