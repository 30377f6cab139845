import { afterEach, expect, test } from 'vitest';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';

let collector: CollectorProcess | undefined;
afterEach(() => collector?.stop());

test('the CLI prints the ready line, serves /healthz, and keeps its token across restarts', async () => {
  collector = await spawnCollector();
  expect(collector.output()).toMatch(/^wisp-collector listening on http:\/\/127\.0\.0\.1:\d+$/m);
  expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
  const { token, dataDir } = collector;
  expect(collector.output()).toContain(token);
  await collector.stop();
  collector = await spawnCollector({ dataDir });
  expect(collector.token).toBe(token);
  // printed once: not on the second start
  expect(collector.output()).not.toContain(token);
});

test('--demo serves demo/ under /demo/; without it /demo/ is not served', async () => {
  collector = await spawnCollector({ args: ['--demo'] });
  const demo = await fetch(`${collector.url}/demo/`);
  expect(demo.status).toBe(200);
  expect(demo.headers.get('content-type')).toMatch(/^text\/html/);
  await collector.stop();
  collector = await spawnCollector();
  expect((await fetch(`${collector.url}/demo/`)).status).toBe(404);
});

test('a bad environment stops the CLI with a clear message and exit code 1', async () => {
  for (const [env, message] of [
    [{ WISP_PORT: 'eighty' }, 'WISP_PORT must be an integer'],
    [{ WISP_STORE: 'sqlite' }, 'WISP_STORE must be "embedded" or "clickhouse"'],
    [{ WISP_STORE: 'clickhouse' }, 'needs WISP_CLICKHOUSE_URL'],
  ] as const) {
    await expect(spawnCollector({ env: { ...env }, timeoutMs: 10_000 })).rejects.toThrow(message);
  }
});
