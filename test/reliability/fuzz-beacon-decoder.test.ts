import fc from 'fast-check';
import { expect, test } from 'vitest';
import { BEACON_LIMITS, BeaconError, decodeBeacon, encodeBeacon, type WireBatch } from 'wisp/beacon';
import { FUZZ_SCALE, mutate, mutation, runs, wireBatch } from './fuzz-inputs.js';

const timeout = 30_000 * FUZZ_SCALE;

const CODES = new Set(['truncated', 'bad-magic', 'bad-version', 'bad-varint', 'bad-index', 'bad-type', 'bad-utf8', 'bad-value', 'limit', 'trailing-bytes']);
const TYPES = new Set(['pageview', 'event', 'vital', 'error']);
const tally = { inputs: 0, decoded: 0, slowestMs: 0, rejected: {} as Record<string, number> };

/** Decodes; a result must be a well-formed batch, a failure a BeaconError with a known code. Nothing else, and fast. */
function decodeOrReject(bytes: Uint8Array): void {
  tally.inputs++;
  const started = performance.now();
  let batch: WireBatch;
  try {
    batch = decodeBeacon(bytes);
  } catch (error) {
    if (!(error instanceof BeaconError) || !CODES.has(error.code)) throw new Error(`not a BeaconError: ${String(error)}`, { cause: error });
    tally.rejected[error.code] = (tally.rejected[error.code] ?? 0) + 1;
    return;
  } finally {
    // A hang or a quadratic blow-up, not a GC pause on a shared machine (the max is reported).
    tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
    expect(performance.now() - started).toBeLessThan(2_000);
  }
  tally.decoded++;
  expect(typeof batch.site).toBe('string');
  expect(Number.isSafeInteger(batch.sentAt) && batch.sentAt >= 0).toBe(true);
  expect(batch.events.length).toBeLessThanOrEqual(BEACON_LIMITS.maxEvents);
  for (const event of batch.events) {
    expect(TYPES.has(event.type)).toBe(true);
    expect(typeof event.id).toBe('string');
    expect(Number.isSafeInteger(event.ts) && event.ts >= 0).toBe(true);
    expect(Object.keys(event.props).length).toBeLessThanOrEqual(BEACON_LIMITS.maxProps);
    for (const value of Object.values(event.props)) {
      expect(['string', 'number', 'boolean']).toContain(typeof value);
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
  }
}

test('valid batches round-trip through encodeBeacon/decodeBeacon', { timeout }, () => {
  fc.assert(
    fc.property(wireBatch, (batch) => {
      expect(decodeBeacon(encodeBeacon(batch))).toEqual(batch);
    }),
    { numRuns: runs(500) },
  );
});

test('mutated beacons (flips, truncations, splices, huge varints, duplicated ranges) decode or fail with a BeaconError', { timeout }, () => {
  fc.assert(
    fc.property(wireBatch, fc.array(mutation, { minLength: 1, maxLength: 6 }), (batch, mutations) => {
      decodeOrReject(mutate(encodeBeacon(batch), mutations));
    }),
    { numRuns: runs(2000) },
  );
});

test('random bytes behind a valid magic and version fail cleanly', { timeout }, () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, header) => {
      decodeOrReject(header ? Uint8Array.of(0x57, 0x01, ...tail) : tail);
    }),
    { numRuns: runs(1000) },
  );
});

test('declared counts and lengths far beyond the bytes present are rejected without allocating them', () => {
  // site length 2^49, string count 8,192 with no strings, event count 1,000 with no events.
  for (const bytes of [
    Uint8Array.of(0x57, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
    Uint8Array.of(0x57, 0x01, 0x01, 0x73, 0x00, 0x00, 0x80, 0x40),
    Uint8Array.of(0x57, 0x01, 0x01, 0x73, 0x00, 0x00, 0x00, 0xe8, 0x07),
    new Uint8Array(BEACON_LIMITS.maxBeaconBytes + 1).fill(0x57),
  ]) {
    decodeOrReject(bytes);
  }
  console.log(`beacon decoder fuzz: ${tally.inputs} inputs, ${tally.decoded} decoded, slowest ${tally.slowestMs.toFixed(1)} ms, rejected ${JSON.stringify(tally.rejected)}`);
});
