import { describe, expect, it } from 'vitest';
import type { HashInput } from '../../../sdk/src/core/index.js';
import { cores, prng, randomBytes } from './fixtures.js';

const random = prng(0xba7c4);
const key = randomBytes(random, 16);
const ascii = Array.from({ length: 50 }, (_, i) => `198.51.100.${i}|Mozilla/5.0 (X11; Linux x86_64)|site-${i}.example`.slice(0, (i * 7) % 140));
const mixed: HashInput[] = [
  'café', '', randomBytes(random, 33), 'x'.repeat(1000), '🙂 ok', new Uint8Array(0), randomBytes(random, 7), 'ascii',
];

function singles(hash: (input: HashInput) => bigint, inputs: readonly HashInput[]): bigint[] {
  return inputs.map(hash);
}

describe.each(cores)('batch API (%s)', (_name, core) => {
  it('xxh64Batch equals single calls: ASCII strings, seeded', () => {
    const result = core.xxh64Batch(ascii, 7n);
    expect(result).toBeInstanceOf(BigUint64Array);
    expect([...result]).toEqual(singles((s) => core.xxh64(s, 7n), ascii));
  });

  it('xxh64Batch equals single calls: non-ASCII strings mixed with bytes', () => {
    expect([...core.xxh64Batch(mixed)]).toEqual(singles((s) => core.xxh64(s), mixed));
    const nonAscii = ['ä', 'ö', 'ü', 'ß€', '中文'];
    expect([...core.xxh64Batch(nonAscii, 1n)]).toEqual(singles((s) => core.xxh64(s, 1n), nonAscii));
  });

  it('siphash24Batch equals single calls', () => {
    expect([...core.siphash24Batch(key, ascii)]).toEqual(singles((s) => core.siphash24(key, s), ascii));
    expect([...core.siphash24Batch(key, mixed)]).toEqual(singles((s) => core.siphash24(key, s), mixed));
  });

  it('an empty batch gives an empty result', () => {
    expect(core.xxh64Batch([]).length).toBe(0);
    expect(core.siphash24Batch(key, []).length).toBe(0);
  });

  it('large batches (beyond the join limit, growing memory) still match', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `/page/${i}?q=${'z'.repeat(i % 97)}`);
    const result = core.xxh64Batch(many, 99n);
    expect(result.length).toBe(many.length);
    for (let i = 0; i < many.length; i += 37) expect(result[i]).toBe(core.xxh64(many[i]!, 99n));
  });

  it('results are copies: a later call does not overwrite them', () => {
    const first = core.xxh64Batch(['a', 'b']);
    const snapshot = [...first];
    core.xxh64Batch(['c', 'd']);
    expect([...first]).toEqual(snapshot);
  });
});
