import { describe, expect, it } from 'vitest';
import { cores } from './fixtures.js';

// Known answers from xxHash's own sanity check (xxhsum.c, BMK_sanityCheck): a buffer where
// byte i = (gen >> 24) with gen starting at PRIME32 = 2654435761 and gen = gen * gen (mod 2^32).
const PRIME32 = 2654435761n;
const sanityBuffer = new Uint8Array(222);
for (let i = 0, gen = 2654435761; i < sanityBuffer.length; i++) {
  sanityBuffer[i] = gen >>> 24;
  gen = Math.imul(gen, gen) >>> 0;
}
const SANITY: ReadonlyArray<[number, bigint, bigint]> = [
  [0, 0n, 0xef46db3751d8e999n],
  [0, PRIME32, 0xac75fda2929b17efn],
  [1, 0n, 0x4fce394cc88952d8n],
  [1, PRIME32, 0x739840cb819fa723n],
  [14, 0n, 0xcffa8db881bc3a3dn],
  [14, PRIME32, 0x5b9611585efcc9cbn],
  [222, 0n, 0x9dd507880debb03dn],
  [222, PRIME32, 0xdc515172b8ee0600n],
];

// Strings with published XXH64 values (seed 0), as UTF-8.
const STRINGS: ReadonlyArray<[string, bigint]> = [
  ['', 0xef46db3751d8e999n],
  ['a', 0xd24ec4f1a98c6e5bn],
  ['abc', 0x44bc2cf5ad770999n],
];

describe.each(cores)('xxh64 known answers (%s)', (_name, core) => {
  it.each(SANITY)('xxhsum sanity buffer, %i bytes, seed %s', (length, seed, expected) => {
    expect(core.xxh64(sanityBuffer.subarray(0, length), seed)).toBe(expected);
  });

  it.each(STRINGS)('string %j', (text, expected) => {
    expect(core.xxh64(text)).toBe(expected);
    expect(core.xxh64(new TextEncoder().encode(text))).toBe(expected);
  });

  it('defaults the seed to 0 and takes it modulo 2^64', () => {
    expect(core.xxh64(sanityBuffer, 0n)).toBe(core.xxh64(sanityBuffer));
    expect(core.xxh64(sanityBuffer, PRIME32 + (1n << 64n))).toBe(0xdc515172b8ee0600n);
    expect(core.xxh64('x', -1n)).toBe(core.xxh64('x', 0xffffffffffffffffn));
  });

  it('returns unsigned BigInts', () => {
    // 0xef46... has its top bit set: a signed i64 leak would show up as a negative number here.
    expect(core.xxh64('')).toBeGreaterThan(0n);
  });
});
