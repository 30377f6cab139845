import { describe, expect, it } from 'vitest';
import { decodeBeacon } from '../../../sdk/src/beacon/index.js';
import type { WireEvent } from '../../../sdk/src/beacon/index.js';
import { encodeLateVitals } from '../../../sdk/src/bridge/encode-late-vitals.js';

describe('encodeLateVitals (main-thread vitals beacon)', () => {
  it('is a valid version-1 beacon, split around sentAt, that decodes to the same vitals on the given scrubbed URL', () => {
    const vitals: WireEvent[] = [
      { id: 'AbCdEfGhIjKl', type: 'vital', url: 'ignored', referrer: '', ts: 1_795_000_000_000, name: 'CLS', props: { value: 0.042 } },
      { id: 'mNoPqRsTuV-_', type: 'vital', url: 'ignored', referrer: '', ts: 1_795_000_000_250, name: 'INP', props: { value: 184 } },
    ];
    const { head, tail } = encodeLateVitals('shop.example', 'https://shop.example/users/[email]', vitals);
    const batch = decodeBeacon(Uint8Array.from([...head, 0x80, 0x01, ...tail])); // sentAt = 128, as the sender stamps it
    expect(batch.site).toBe('shop.example');
    expect(batch.sentAt).toBe(128);
    expect(batch.events).toEqual(vitals.map((vital) => ({ ...vital, url: 'https://shop.example/users/[email]' })));
  });
});
