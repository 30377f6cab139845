import { describe, expect, it } from 'vitest';
import { Sessionizer, sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { T0 } from './session-helpers.js';

const MIN = 60_000;
const ev = (id: string, minute: number, visitor = 'v'): StreamEvent => ({ site: 's', visitor, id, type: 'pageview', path: '/', ts: T0 + minute * MIN });

describe('Sessionizer ids', () => {
  it('the live path keeps no id per event (the collector dedupes before the store)', () => {
    const sz = new Sessionizer({ clock: () => T0 + 10 * MIN });
    sz.ingest(Array.from({ length: 50_000 }, (_, i) => ev(`e${i}`, 5, `v${i % 5000}`)));
    expect(sz.activeVisitors).toBe(5000);
    expect(sz.memory().seenIds).toBe(0);
  });

  it('ids that recover() took from the store are skipped when they come again, until the watermark passes them', () => {
    let now = T0 + 40 * MIN;
    const sz = new Sessionizer({ clock: () => now, allowedLatenessMs: 10 * MIN });
    sz.recover([ev('old', -10), ev('a', 35), ev('b', 39)]);
    expect(sz.ingest([ev('b', 39)]).duplicates).toBe(1);
    expect(sz.sessionsOf('s', 'v')).toEqual(sessionsFromEvents([ev('a', 35), ev('b', 39)]));
    expect(sz.memory().seenIds).toBeGreaterThan(0);
    now += 60 * MIN;
    sz.flush();
    expect(sz.memory().seenIds).toBe(0);
  });
});
