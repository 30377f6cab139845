// The embedded store's write journal: an append is durable once fdatasync'ed to a journal segment;
// segments are loaded into DuckDB in the background, exactly once across crashes (the loaded seq is
// committed with the rows), and every read sees what was acknowledged before it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { journalText } from '../../collector/src/store/duckdb-journal-lines.js';
import { DuckDBStore, JOURNAL_DIR } from '../../collector/src/store/duckdb-store.js';
import type { StoredEvent } from '../../collector/src/store/store.js';
import { tempDataDir } from '../support/collector-fixtures.js';

const SITE = 'journal.test';
const T0 = Date.UTC(2026, 10, 20, 12);
const open: DuckDBStore[] = [];

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function openStore(dir: string, loadIntervalMs = 60_000): Promise<DuckDBStore> {
  const store = await DuckDBStore.open(dir, { loadIntervalMs });
  open.push(store);
  return store;
}

async function closeStore(store: DuckDBStore): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

function storedEvent(i: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    site: SITE, idHash: BigInt(i) + 2n ** 63n, type: 'pageview', ts: T0 + i, receivedAt: T0 + i, visitor: 2n ** 64n - BigInt(i) - 1n,
    path: `/p/${i}`, name: null, value: null, props: '{}', source: '', utmSource: '', utmMedium: '', utmCampaign: '',
    country: 'DE', browser: 'Chrome', os: 'Linux', device: 'desktop', ...overrides,
  };
}

const ids = async (store: DuckDBStore) => (await store.eventsSince(0)).map((e) => Number(e.idHash - 2n ** 63n)).sort((a, b) => a - b);
const segments = (dir: string) => readdirSync(join(dir, JOURNAL_DIR)).filter((name) => name.endsWith('.jsonl')).sort();

test('an acknowledged append is in the journal at once and read back before any background load', async () => {
  const dir = tempDataDir();
  const store = await openStore(dir);
  const tricky = storedEvent(1, { name: 'line\nbreak "quoted" \\ud800 \ud800 lone', value: 0.25, props: '{"a":"\\u0000"}', type: 'vital' });
  await store.append([tricky, storedEvent(2)]);
  expect(segments(dir)).toHaveLength(1);
  expect(readFileSync(join(dir, JOURNAL_DIR, segments(dir)[0]!), 'utf8')).not.toContain('Chrome/'); // rows only, never a raw UA
  const rows = await store.eventsSince(0);
  expect(rows).toHaveLength(2);
  const back = rows.find((e) => e.path === '/p/1')!;
  // A lone surrogate is stored as U+FFFD (as the appender did); everything else exactly.
  expect(back).toEqual({ ...tricky, name: 'line\nbreak "quoted" \\ud800 \ufffd lone' });
  expect(segments(dir)).toEqual([]);
});

test('replay at start loads what a crashed process acknowledged, exactly once, and cuts a torn group', async () => {
  const dir = tempDataDir();
  const first = await openStore(dir);
  await first.append([storedEvent(1), storedEvent(2)]);
  await closeStore(first); // loads segment 1 and records loaded_seq = 1
  expect(segments(dir)).toEqual([]);

  // What a process killed at the wrong moments leaves: segment 1 loaded but not yet deleted, segment 2
  // acknowledged but not loaded, and a last write torn mid-group (never acknowledged).
  const journal = join(dir, JOURNAL_DIR);
  writeFileSync(join(journal, '000000000001.jsonl'), journalText([storedEvent(1), storedEvent(2)]));
  const torn = journalText([storedEvent(5), storedEvent(6)]);
  writeFileSync(
    join(journal, '000000000002.jsonl'),
    journalText([storedEvent(3)]) + journalText([storedEvent(4)]) + torn.slice(0, torn.indexOf('\n') + 20),
  );

  const second = await openStore(dir);
  expect(await ids(second)).toEqual([1, 2, 3, 4]);
  expect(segments(dir)).toEqual([]);
  // New segments continue after the loaded seq, so they are never mistaken for loaded ones.
  await second.append([storedEvent(7)]);
  expect(segments(dir)).toEqual(['000000000003.jsonl']);

  await closeStore(second);
  const fourth = await openStore(dir);
  expect(await ids(fourth)).toEqual([1, 2, 3, 4, 7]);
});

test('the background load moves segments into DuckDB on its own', async () => {
  const dir = tempDataDir();
  const store = await openStore(dir, 50);
  await store.append([storedEvent(1)]);
  await store.append([storedEvent(2)]);
  await expect.poll(() => store.journalBytes, { timeout: 5_000, interval: 20 }).toBe(0);
  expect(segments(dir)).toEqual([]);
  expect(await ids(store)).toEqual([1, 2]);
});
