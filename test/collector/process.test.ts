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
