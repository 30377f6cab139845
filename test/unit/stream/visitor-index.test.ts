import { describe, expect, it } from 'vitest';
import { fingerprint53 } from '../../../collector/src/sessions/fingerprint.js';
import { NO_SLOT } from '../../../collector/src/sessions/session-pool.js';
import { VisitorIndex } from '../../../collector/src/sessions/visitor-index.js';

describe('VisitorIndex', () => {
  it('keeps visitors that share a fingerprint apart (a lookup compares the visitor the slot holds)', () => {
    const visitorOf: string[] = [];
    const index = new VisitorIndex((slot, visitor) => visitorOf[slot] === visitor);
    visitorOf[1] = 'aaaa';
    visitorOf[2] = 'bbbb';
    index.add('s', 42, 1);
    index.add('s', 42, 2);
    expect(index.get('s', 42, 'aaaa')).toBe(1);
    expect(index.get('s', 42, 'bbbb')).toBe(2);
    expect(index.get('s', 42, 'cccc')).toBe(NO_SLOT);
    expect(index.get('t', 42, 'aaaa')).toBe(NO_SLOT);
    // Changed by head slot, so the caller may have released the slot (its visitor gone) first.
    visitorOf[1] = '';
    visitorOf[3] = 'aaaa';
    index.replace('s', 42, 1, 3);
    expect(index.get('s', 42, 'aaaa')).toBe(3);
    index.remove('s', 42, 2);
    expect(index.get('s', 42, 'bbbb')).toBe(NO_SLOT);
    expect(index.size).toBe(1);
  });

  it('stays exact and bounded through many adds and removes (deleted entries are dropped on growth)', () => {
    const visitorOf: string[] = [];
    const index = new VisitorIndex((slot, visitor) => visitorOf[slot] === visitor);
    const live = new Map<string, number>();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5000; i++) {
        const slot = round * 5000 + i;
        const visitor = `v${slot}`;
        visitorOf[slot] = visitor;
        index.add('s', fingerprint53(String(slot >> 1)), slot); // every fingerprint shared by two visitors
        live.set(visitor, slot);
      }
      for (const [visitor, slot] of [...live].slice(0, 4000)) {
        index.remove('s', fingerprint53(String(slot >> 1)), slot);
        live.delete(visitor);
      }
    }
    expect(index.size).toBe(live.size);
    for (const [visitor, slot] of live) expect(index.get('s', fingerprint53(String(slot >> 1)), visitor)).toBe(slot);
    let visited = 0;
    index.forEach(() => visited++);
    expect(visited).toBe(live.size);
    expect(index.byteLength).toBeLessThan(live.size * 12 * 4);
  });
});
