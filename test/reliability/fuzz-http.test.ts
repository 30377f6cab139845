import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';
import { FUZZ_SCALE, runs } from './fuzz-inputs.js';
import { fuzzBeaconRoute, fuzzJsonApi, fuzzQueries, fuzzRawRequests, HttpFuzzer, rssBytes } from './fuzz-http.js';

// Bad input over real HTTP to the real collector process: never a 5xx, never a crash, memory flat,
// and good events sent in between still counted exactly. WISP_FUZZ_SCALE multiplies the runs (soak).
let collector: CollectorProcess;
let fuzzer: HttpFuzzer;
let rssStart = 0;
const timeout = 60_000 * FUZZ_SCALE;
// At soak scale the inputs go out on 4 concurrent connections (each its own fast-check run).
const lanes = FUZZ_SCALE > 1 ? 4 : 1;
const inLanes = (fuzz: (fuzzer: HttpFuzzer, numRuns: number) => Promise<void>, total: number) =>
  Promise.all(Array.from({ length: lanes }, () => fuzz(fuzzer, Math.ceil(total / lanes))));

beforeAll(async () => {
  collector = await spawnCollector({ env: { WISP_RATE_LIMIT: '0' } });
  fuzzer = new HttpFuzzer(collector);
  await fuzzJsonApi(fuzzer, 50); // warm up (JIT, DuckDB caches) before the memory baseline
  rssStart = rssBytes(collector.process.pid!);
});
afterAll(() => collector?.kill());

test('POST /api/events with random and mutated JSON bodies', { timeout }, async () => {
  await inLanes(fuzzJsonApi, runs(1200));
});

test('POST /api/e with mutated, gzipped and corrupt-gzip beacons', { timeout }, async () => {
  await inLanes(fuzzBeaconRoute, runs(800));
});

test('query parameters of /api/stats and /api/live', { timeout }, async () => {
  await inLanes(fuzzQueries, runs(600));
});

test('odd methods, paths and Host headers', { timeout }, async () => {
  await inLanes(fuzzRawRequests, runs(150));
});

test('after the fuzzing: alive, healthy, memory flat, every good event counted exactly once', async () => {
  const health = await fetch(`${collector.url}/healthz`);
  expect(health.status).toBe(200);
  const rssEnd = rssBytes(collector.process.pid!);
  const counted = await fuzzer.canaryCounted();
  const { tally } = fuzzer;
  console.log(
    `http fuzz: ${tally.inputs} inputs, statuses ${JSON.stringify(tally.byStatus)}, 5xx ${tally.fiveHundreds.length}` +
      `; canary sent ${tally.canaryEvents}, counted ${counted}; RSS ${(rssStart / 2 ** 20).toFixed(0)} -> ${(rssEnd / 2 ** 20).toFixed(0)} MB`,
  );
  expect(tally.fiveHundreds).toEqual([]);
  expect(counted).toBe(tally.canaryEvents);
  expect(rssEnd - rssStart).toBeLessThan(200 * 2 ** 20);
});
