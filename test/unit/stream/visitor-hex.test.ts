import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionPool } from '../../../collector/src/sessions/session-pool.js';
import { parsedVisitor, parseVisitorHex, visitorHex } from '../../../collector/src/sessions/visitor-hex.js';

describe('visitor hashes as two uint32 halves', () => {
  it('every 64-bit value written by bigint.toString(16) round-trips exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (value) => {
        const text = value.toString(16);
        expect(parseVisitorHex(text)).toBe(true);
        expect(BigInt(parsedVisitor.hi) * 2n ** 32n + BigInt(parsedVisitor.lo)).toBe(value);
        expect(visitorHex(parsedVisitor.hi, parsedVisitor.lo)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('other strings are not taken for a hash (they would not come back the same)', () => {
    for (const text of ['', 'v1', '0ff', 'FF', '1'.repeat(17), 'abc-', ' 1']) expect(parseVisitorHex(text)).toBe(false);
    expect(parseVisitorHex('0')).toBe(true);
  });

  it('a slot reused for a text visitor is not mistaken for the hash it held before', () => {
    const pool = new SessionPool(4);
    const first = pool.alloc('s', 'ffffffffffffffff', 0);
    expect(pool.isVisitor(first, 'ffffffffffffffff')).toBe(true);
    pool.release(first);
    const again = pool.alloc('s', 'visitor-a', 0);
    expect(again).toBe(first);
    expect(pool.isVisitor(again, 'ffffffffffffffff')).toBe(false);
    expect(pool.isVisitor(again, 'visitor-a')).toBe(true);
    expect(pool.visitorOf(again)).toBe('visitor-a');
    pool.release(again);
    expect(pool.visitorOf(pool.alloc('s', '1a2b', 0))).toBe('1a2b');
  });
});
