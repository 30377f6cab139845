import { loadCore, loadCoreJs } from '../../../sdk/src/core/index.js';
import type { Core } from '../../../sdk/src/core/index.js';

/** Both implementations, so every known-answer test runs against each. */
export const cores: ReadonlyArray<[string, Core]> = [
  ['wasm', await loadCore()],
  ['js', await loadCoreJs()],
];

/** Small seeded PRNG (mulberry32) so a failing random case can be reproduced from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (random() * 256) | 0;
  return bytes;
}

export function randomSeed(random: () => number): bigint {
  return (BigInt((random() * 2 ** 32) >>> 0) << 32n) | BigInt((random() * 2 ** 32) >>> 0);
}
