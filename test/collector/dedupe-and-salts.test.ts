import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DailySalts } from '../../collector/src/ingest/daily-salts.js';
import { Deduper } from '../../collector/src/ingest/dedupe.js';
import { U64Set } from '../../collector/src/ingest/u64-set.js';
import { tempDataDir } from '../support/collector-fixtures.js';

const DAY = 24 * 60 * 60 * 1000;
const NOON = Date.parse('2026-11-20T12:00:00Z');

function randomKey(): bigint {
  return BigInt.asUintN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32)));
}

describe('U64Set', () => {
  test('holds 200,000 random keys (including 0) across growth, and nothing else', () => {
    const set = new U64Set();
    const keys = new Set<bigint>([0n, 2n, 2n ** 64n - 1n]); // not 1n: 0 is stored as 1 (documented)
    while (keys.size < 200_000) keys.add(randomKey());
    let added = 0;
    let found = 0;
    let readded = 0;
    for (const key of keys) if (set.add(key)) added++;
    for (const key of keys) if (set.has(key)) found++;
    for (const key of keys) if (set.add(key)) readded++;
    expect([added, found, readded, set.size]).toEqual([keys.size, keys.size, 0, keys.size]);
    let strangers = 0;
    for (let i = 0; i < 10_000; i++) {
      const key = randomKey();
      if (!keys.has(key) && set.has(key)) strangers++;
    }
    expect(strangers).toBe(0);
  });
});

describe('Deduper', () => {
  test('remembers keys for 8 arrival days, then drops the whole day', async () => {
    const deduper = await Deduper.open({ dir: join(tempDataDir(), 'dedupe') });
    deduper.add(42n, NOON);
    deduper.add(43n, NOON + DAY);
    expect(deduper.has(42n)).toBe(true);
    deduper.add(44n, NOON + 7 * DAY); // day 7 after: 42 is still inside the 8-day window
    expect(deduper.has(42n)).toBe(true);
    deduper.add(45n, NOON + 8 * DAY); // day 8: the first day's bucket goes
    expect(deduper.has(42n)).toBe(false);
    expect(deduper.has(43n)).toBe(true);
    expect(deduper.size).toBe(3);
    expect(deduper.windowStart(NOON + 8 * DAY)).toBe(Date.parse('2026-11-21T00:00:00Z'));
    await deduper.close();
  });
});

describe('DailySalts', () => {
  test('128-bit salt per UTC day, kept across restarts; older than yesterday deleted from disk', () => {
    const dir = tempDataDir();
    const first = new DailySalts(dir, NOON);
    const today = first.saltFor(NOON);
    expect(today).toHaveLength(16);
    expect(Buffer.from(first.saltFor(NOON + 3_600_000))).toEqual(Buffer.from(today));
    // restart the same day: same salt (visitors stay countable)
    expect(Buffer.from(new DailySalts(dir, NOON).saltFor(NOON))).toEqual(Buffer.from(today));
    // next day: a new salt, yesterday's kept
    const tomorrow = first.saltFor(NOON + DAY);
    expect(Buffer.from(tomorrow)).not.toEqual(Buffer.from(today));
    expect(readdirSync(join(dir, 'salts')).sort()).toEqual(['2026-11-20', '2026-11-21']);
    // the day after: the first day's salt is gone from disk and from memory
    first.saltFor(NOON + 2 * DAY);
    expect(readdirSync(join(dir, 'salts')).sort()).toEqual(['2026-11-21', '2026-11-22']);
    expect(existsSync(join(dir, 'salts', '2026-11-20'))).toBe(false);
    expect(today.every((byte) => byte === 0)).toBe(true); // wiped before being dropped
  });
});
