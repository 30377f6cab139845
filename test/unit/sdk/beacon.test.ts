import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BEACON_VERSION, BeaconError, decodeBeacon, encodeBeacon } from '../../../sdk/src/beacon/index.js';
import type { WireBatch } from '../../../sdk/src/beacon/index.js';
import { realisticPageviews } from './fixtures/realistic-pageviews.mjs';

const mixed: WireBatch = {
  site: 'example.com',
  sentAt: 1_732_480_000_000,
  dropped: 3,
  events: [
    { id: 'AbC-_0123xyz', type: 'pageview', url: 'https://example.com/a?utm_source=x', referrer: 'https://news.ycombinator.com/', ts: 1_732_479_990_000, name: null, props: {} },
    { id: 'not-a-compact-id-because-long', type: 'event', url: 'https://example.com/a', referrer: '', ts: 1_732_479_995_000, name: 'signup', props: { plan: 'pro', seats: 12, trial: true, annual: false, price: 9.99, delta: -4 } },
    { id: 'v1', type: 'vital', url: 'https://example.com/a', referrer: '', ts: 1_732_479_994_000, name: 'CLS', props: { value: 0.031 } },
    { id: 'e1', type: 'error', url: 'https://example.com/ü/日本', referrer: '', ts: 1_732_480_000_500, name: 'TypeError: x is undefined', props: {} },
  ],
};

function expectError(bytes: Uint8Array, code: string) {
  try {
    decodeBeacon(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(BeaconError);
    expect((error as BeaconError).code).toBe(code);
    return;
  }
  throw new Error(`expected BeaconError ${code}`);
}

describe('beacon codec', () => {
  it('round-trips every event type, prop type, unicode, out-of-order times and dropped', () => {
    expect(decodeBeacon(encodeBeacon(mixed))).toEqual(mixed);
  });

  it('round-trips an empty batch and starts with magic + version', () => {
    const bytes = encodeBeacon({ site: 's', sentAt: 0, events: [] });
    expect([bytes[0], bytes[1]]).toEqual([0x57, BEACON_VERSION]);
    expect(decodeBeacon(bytes)).toEqual({ site: 's', sentAt: 0, events: [] });
  });

  it('stays under 30 bytes per event gzip for 50 realistic pageviews', () => {
    const batch = realisticPageviews(50);
    const bytes = encodeBeacon(batch);
    expect(decodeBeacon(bytes)).toEqual(batch);
    const perEvent = gzipSync(bytes, { level: 9 }).length / 50;
    expect(perEvent).toBeLessThanOrEqual(30);
  });

  it('rejects every truncation with "truncated"', () => {
    const bytes = encodeBeacon(mixed);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeBeacon(bytes.subarray(0, length)), `length ${length}`).toThrow(BeaconError);
    }
    expectError(bytes.subarray(0, bytes.length - 1), 'truncated');
  });

  it('names bad magic, bad version, bad varints, bad indexes, limits and trailing bytes', () => {
    const bytes = encodeBeacon(mixed);
    expectError(Uint8Array.of(0x1f, 0x8b, 8), 'bad-magic');
    expectError(Uint8Array.of(0x57, 2), 'bad-version');
    expectError(Uint8Array.of(0x57, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1), 'bad-varint');
    expectError(Uint8Array.of(0x57, 1, 0, 0x80, 0x00), 'bad-varint');
    expectError(Uint8Array.of(0x57, 1, 0, 0, 0, 0, 0xe9, 0x07), 'limit'); // 1001 events
    expectError(Uint8Array.of(0x57, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0), 'bad-index'); // url index 0, no strings
    expectError(Uint8Array.of(0x57, 1, 0, 0, 0, 0, 1, 0xff), 'bad-type');
    expectError(Uint8Array.of(0x57, 1, 1, 0xff, 0, 0, 0, 0), 'bad-utf8');
    expectError(Uint8Array.of(...bytes, 0), 'trailing-bytes');
  });

  it('refuses to encode what it could not decode', () => {
    const event = mixed.events[0]!;
    expect(() => encodeBeacon({ ...mixed, events: [{ ...event, ts: 1.5 }] })).toThrow(/ts must be an integer/);
    expect(() => encodeBeacon({ ...mixed, events: [{ ...event, props: { x: Number.NaN } }] })).toThrow(BeaconError);
    expect(() => encodeBeacon({ ...mixed, events: Array(1001).fill(event) })).toThrow(/1001 events > 1000/);
    expect(() => encodeBeacon({ ...mixed, events: [{ ...event, type: 'click' as never }] })).toThrow(/unknown event type/);
  });
});
