import xxhash from 'xxhash-wasm';
import { describe, expect, it } from 'vitest';
import { loadCore, loadCoreJs } from '../../../sdk/src/core/index.js';
import { prng, randomBytes, randomSeed } from './fixtures.js';

// The wasm and JS cores must agree bit for bit; xxhash-wasm is an independent XXH64 oracle.
const wasm = await loadCore();
const js = await loadCoreJs();
const oracle = await xxhash();
const PER_LENGTH = 10;
const LARGE_LENGTHS = [65536, 65536 + 7, 300_001, 1 << 20];

describe('wasm and JS cores agree', () => {
  it(`xxh64 on ${PER_LENGTH} random inputs of every length 0..300 with random seeds`, () => {
    const random = prng(0x5eed1);
    for (let length = 0; length <= 300; length++) {
      for (let n = 0; n < PER_LENGTH; n++) {
        const data = randomBytes(random, length);
        const seed = n === 0 ? 0n : randomSeed(random);
        const expected = oracle.h64Raw(data, seed);
        expect(wasm.xxh64(data, seed), `length ${length} seed ${seed}`).toBe(expected);
        expect(js.xxh64(data, seed), `length ${length} seed ${seed}`).toBe(expected);
      }
    }
  });

  it(`siphash24 on ${PER_LENGTH} random inputs of every length 0..300 with random keys`, () => {
    const random = prng(0x5eed2);
    for (let length = 0; length <= 300; length++) {
      for (let n = 0; n < PER_LENGTH; n++) {
        const key = randomBytes(random, 16);
        const data = randomBytes(random, length);
        expect(wasm.siphash24(key, data), `length ${length}`).toBe(js.siphash24(key, data));
      }
    }
  });

  it.each(LARGE_LENGTHS)('large input of %i bytes (memory grows)', (length) => {
    const random = prng(length);
    const data = randomBytes(random, length);
    const seed = randomSeed(random);
    const key = randomBytes(random, 16);
    expect(wasm.xxh64(data, seed)).toBe(oracle.h64Raw(data, seed));
    expect(js.xxh64(data, seed)).toBe(oracle.h64Raw(data, seed));
    expect(wasm.siphash24(key, data)).toBe(js.siphash24(key, data));
  });

  it('strings are hashed as UTF-8, non-ASCII included', () => {
    const texts = ['', 'plain ascii', 'héllo wörld', '日本語のテキスト', 'emoji 😀👍🏽 mix', 'a\u0000b', '\ud800 lone surrogate'];
    const key = randomBytes(prng(3), 16);
    for (const text of texts) {
      const utf8 = new TextEncoder().encode(text);
      expect(wasm.xxh64(text, 42n)).toBe(oracle.h64Raw(utf8, 42n));
      expect(js.xxh64(text, 42n)).toBe(oracle.h64Raw(utf8, 42n));
      expect(wasm.siphash24(key, text)).toBe(js.siphash24(key, utf8));
    }
  });
});
