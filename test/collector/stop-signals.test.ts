// Ctrl-C under `npm start` reaches the collector twice at once (the terminal signals the whole process
// group, and scripts/start.mjs forwards it): the stop must still be clean, with the rollup snapshot
// written and the journal loaded, not cut short by the repeat.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { spawnCollector } from '../support/collector-process.js';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

test('a signal repeated at once (Ctrl-C through a wrapper) still stops cleanly', { timeout: 60_000 }, async () => {
  const collector = await spawnCollector();
  const now = Date.now();
  const answer = await fetch(`${collector.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': UA },
    body: JSON.stringify({ site: 'stop.test', sentAt: now, events: [{ id: 'stop-1', type: 'pageview', url: 'https://stop.test/', ts: now }] }),
  });
  expect(answer.status).toBe(202);
  const exit = new Promise<number | null>((resolve) => collector.process.once('exit', (code) => resolve(code)));
  collector.process.kill('SIGINT');
  // The forwarded copy comes a moment later, through the wrapper's event loop (two signals sent at the
  // same instant reach a process as one).
  await new Promise((resolve) => setTimeout(resolve, 5));
  collector.process.kill('SIGINT');
  expect(await exit).toBe(0);
  expect(existsSync(join(collector.dataDir, 'rollups.snapshot'))).toBe(true);
  expect(readdirSync(join(collector.dataDir, 'journal'))).toEqual([]); // loaded into DuckDB, spare removed
});
