// The dedupe index on disk: a day's keys leave memory as sorted runs with Bloom filters, runs merge,
// and every lookup stays exact while that happens (real files in a temp dir).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { Deduper } from '../../collector/src/ingest/dedupe.js';
import { KeyBloom } from '../../collector/src/ingest/key-bloom.js';
import { mergeRuns, writeSetAsRun } from '../../collector/src/ingest/key-runs-build.js';
import { HI, LO, splitKey, U64Set } from '../../collector/src/ingest/u64-set.js';
import { tempDataDir } from '../support/collector-fixtures.js';

const DAY = 24 * 60 * 60 * 1000;
const NOON = Date.parse('2026-11-20T12:00:00Z');

/** A deterministic stream of uniform 64-bit keys (an LCG's states, like XXH64 outputs for the index). */
function keyStream(seed: bigint): () => bigint {
  let x = seed;
  return () => (x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n));
}

/** A key as the (lo, hi) halves the filter and runs take. */
function halves(key: bigint): readonly [number, number] {
  const words = splitKey(key);
  return [words[LO]!, words[HI]!];
}

test('the Bloom filter never misses a key and lets through under 1% of strangers at 12 bits a key', () => {
  const next = keyStream(7n);
  const bloom = new KeyBloom(100_000);
  const keys = Array.from({ length: 100_000 }, next);
  for (const key of keys) bloom.add(...halves(key));
  expect(keys.filter((key) => !bloom.mightHave(...halves(key)))).toEqual([]);
  let falsePositives = 0;
  for (let i = 0; i < 1_000_000; i++) if (bloom.mightHave(...halves(next()))) falsePositives++;
  console.log(`bloom: ${falsePositives} false positives in 1,000,000 strangers; ${bloom.byteLength / 100_000} bytes a key`);
  expect(falsePositives).toBeLessThan(10_000);
  expect(falsePositives).toBeGreaterThan(0); // 12 bits a key cannot be perfect: a check that the probes are used
});

test('keys written out as runs and merged stay exact: every key found, no stranger, memory ~2 bytes a key', async () => {
  const dir = join(tempDataDir(), 'dedupe');
  const deduper = await Deduper.open({ dir, sealKeys: 2_000 });
  const next = keyStream(11n);
  const keys = [0n, 2n ** 64n - 1n];
  for (let i = 0; i < 100_000; i++) keys.push(next());
  for (const [i, key] of keys.entries()) {
    deduper.add(key, NOON);
    if (i % 997 === 0) {
      // mid-flight: sets being written and runs being merged are searched too
      for (let j = 0; j <= i; j += 101) expect(deduper.has(keys[j]!)).toBe(true);
      await nextTurn();
    }
  }
  await deduper.idle();
  expect(deduper.size).toBe(keys.length);
  expect(keys.filter((key) => !deduper.has(key))).toEqual([]);
  let strangers = 0;
  for (let i = 0; i < 100_000; i++) if (deduper.has(next())) strangers++;
  expect(strangers).toBe(0);
  // 50 seals of 2,000 keys merged two by two: one run per level at most
  expect(deduper.runCount).toBeLessThanOrEqual(Math.ceil(Math.log2(keys.length / 2_000)) + 1);
  expect(readdirSync(dir)).toHaveLength(deduper.runCount);
  expect(deduper.byteLength / keys.length).toBeLessThan(4); // hot set of <= 2,000 keys included
  await deduper.close();
  expect(existsSync(dir)).toBe(false);
  expect(() => deduper.has(keys[0]!)).toThrow(/closed/);
});

test('merging runs that share keys (two collectors storing one event on ClickHouse) keeps each key once, in order', async () => {
  const dir = tempDataDir();
  const next = keyStream(3n);
  const keys = Array.from({ length: 5_000 }, next);
  const setOf = (part: bigint[]) => {
    const set = new U64Set();
    for (const key of part) set.add(key);
    return set;
  };
  const a = await writeSetAsRun(setOf(keys.slice(0, 3_000)), join(dir, 'a.keys'));
  const b = await writeSetAsRun(setOf(keys.slice(2_000)), join(dir, 'b.keys'));
  const merged = await mergeRuns([a, b], join(dir, 'ab.keys'), () => false);
  expect([a.count, b.count, merged.count]).toEqual([3_000, 3_000, 5_000]);
  const words = new Uint32Array(new Uint8Array(readFileSync(join(dir, 'ab.keys'))).buffer);
  const sorted = [...keys].sort((x, y) => (x < y ? -1 : 1));
  const stored = Array.from({ length: merged.count }, (_, i) => (BigInt(words[i * 2 + HI]!) << 32n) | BigInt(words[i * 2 + LO]!));
  expect(stored).toEqual(sorted);
  expect(keys.every((key) => merged.has(...halves(key)))).toBe(true);
  for (const run of [a, b, merged]) run.close();
  // Closing frees a large filter at once (releaseArray): a lookup after that is a bug and says so.
  expect(() => merged.has(...halves(keys[0]!))).toThrow(/is closed/);
});

test('days past the 8-day window lose their runs and files', async () => {
  const dir = join(tempDataDir(), 'dedupe');
  const deduper = await Deduper.open({ dir, sealKeys: 100 });
  const next = keyStream(4n);
  const day1 = Array.from({ length: 1_000 }, next);
  for (const key of day1) deduper.add(key, NOON);
  deduper.add(next(), NOON + DAY); // the next day seals what is left of the first
  await deduper.idle();
  const day1Files = readdirSync(dir);
  expect(day1Files.length).toBeGreaterThan(0);
  expect(day1.every((key) => deduper.has(key))).toBe(true);
  deduper.add(next(), NOON + 8 * DAY); // the first day is past the window
  await deduper.idle();
  expect(day1.some((key) => deduper.has(key))).toBe(false);
  expect(readdirSync(dir).filter((name) => day1Files.includes(name))).toEqual([]);
  expect(deduper.size).toBe(2);
  await deduper.close();
});

test('the start-up rebuild can wait for the writer: caughtUp holds back until at most one set is pending', async () => {
  const deduper = await Deduper.open({ dir: join(tempDataDir(), 'dedupe'), sealKeys: 1_000 });
  const next = keyStream(5n);
  for (let i = 0; i < 10_000; i++) deduper.add(next(), NOON);
  let caughtUp = false;
  const waiting = deduper.caughtUp().then(() => (caughtUp = true));
  expect(caughtUp).toBe(false); // ten sets were handed over in one turn
  await waiting;
  expect(deduper.size).toBe(10_000);
  await deduper.close();
});
