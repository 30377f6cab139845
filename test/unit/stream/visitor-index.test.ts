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

  it('keeps 8 bytes a slot: fingerprints whose low 32 bits are 0, 1 or shared still find their own visitor', () => {
    const visitorOf: string[] = [];
    const index = new VisitorIndex((slot, visitor) => visitorOf[slot] === visitor);
    const low0 = 2 ** 32; // low 32 bits 0 and 1: the values that mark empty and deleted slots
    const fps = [low0, low0 + 1, 2 * low0, 2 * low0 + 1, low0 + 2, 3];
    fps.forEach((fp, slot) => {
      visitorOf[slot] = `v${slot}`;
      index.add('s', fp, slot);
    });
    fps.forEach((fp, slot) => expect(index.get('s', fp, `v${slot}`)).toBe(slot));
    const seen: number[] = [];
    index.forEach((site, key, head) => {
      seen.push(head);
      if (head % 2 === 0) index.remove(site, key, head); // the key handed out works as the fingerprint
    });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    fps.forEach((fp, slot) => expect(index.get('s', fp, `v${slot}`)).toBe(slot % 2 === 0 ? NO_SLOT : slot));
    expect(index.byteLength).toBe(16 * 8);
  });
});
