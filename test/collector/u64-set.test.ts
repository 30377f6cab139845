// The dedupe index's key set: exact membership across many shard growths, 0 and 2^64-1 included.
import { expect, test } from 'vitest';
import { U64Set } from '../../collector/src/ingest/u64-set.js';

test.each([
  ['256 shards (the dedupe index)', 8],
  ['one table (a group\'s keys)', 0],
])('holds every added key and no other, through growth: %s', (_, shardBits) => {
  const set = new U64Set(shardBits);
  const keys: bigint[] = [0n, 2n, 2n ** 64n - 1n, 2n ** 63n]; // (1 would collide with 0, see U64Set)
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 200_000; i++) keys.push((x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n)));
  for (const key of keys) expect(set.add(key)).toBe(true);
  expect(set.size).toBe(keys.length);
  for (const key of keys) expect(set.has(key)).toBe(true);
  expect(set.add(keys[1234]!)).toBe(false);
  expect(set.size).toBe(keys.length);
  let misses = 0;
  for (let i = 0; i < 100_000; i++) if (!set.has((x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n)))) misses++;
  expect(misses).toBe(100_000);
});

test('release() frees the tables and leaves an empty set', () => {
  const set = new U64Set();
  for (let i = 1n; i <= 100_000n; i++) set.add(i * 0x9e3779b97f4a7c15n);
  expect(set.byteLength).toBeGreaterThan(1_000_000);
  set.release();
  expect([set.size, set.byteLength]).toEqual([0, 0]);
});
