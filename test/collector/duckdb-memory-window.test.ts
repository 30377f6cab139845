// DuckDB's memory limit is raised only while reads run (its buffer pool otherwise keeps ~150 MB of
// loaded pages at 10M events); overlapping reads share one raise, and a read waits for it.
import { expect, test } from 'vitest';
import { DuckDBMemoryWindow } from '../../collector/src/store/duckdb-memory-window.js';

function recordingWindow(setDelayMs = 0) {
  const limits: string[] = [];
  const window = new DuckDBMemoryWindow(async (limit) => {
    await new Promise((resolve) => setTimeout(resolve, setDelayMs));
    limits.push(limit);
  }, { idle: '64MB', reading: '256MB' });
  return { window, limits };
}

test('a read runs only once the reading limit is set, and the idle limit comes back after it', async () => {
  const { window, limits } = recordingWindow(20);
  const seen = await window.around(async () => [...limits]);
  expect(seen).toEqual(['256MB']);
  await window.settled();
  expect(limits).toEqual(['256MB', '64MB']);
});

test('overlapping reads share one raise; the limit drops when the last one ends', async () => {
  const { window, limits } = recordingWindow();
  let release!: () => void;
  const long = window.around(() => new Promise<void>((resolve) => (release = resolve)));
  await window.around(async () => {});
  await window.settled();
  expect(limits).toEqual(['256MB']); // the long read still runs
  release();
  await long;
  await window.settled();
  expect(limits).toEqual(['256MB', '64MB']);
});

test('a read that fails still gives the memory back; a limit DuckDB refuses does not fail reads', async () => {
  const limits: string[] = [];
  const window = new DuckDBMemoryWindow(async (limit) => {
    limits.push(limit);
    if (limit === '64MB') throw new Error('could not free up enough memory');
  }, { idle: '64MB', reading: '256MB' });
  await expect(window.around(async () => Promise.reject(new Error('query failed')))).rejects.toThrow('query failed');
  await window.settled();
  expect(await window.around(async () => 'answered')).toBe('answered');
  await window.settled();
  expect(limits).toEqual(['256MB', '64MB', '256MB', '64MB']);
});
